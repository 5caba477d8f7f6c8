import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { AppConfig } from '@touchbase/config';
import { AnyStaff, Locale, Public, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { ConsentSource, PreferencesService, staffContext } from '@touchbase/preferences';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import { ConsentEvidenceService } from './consent-evidence.service';
import {
  ConsentEvidenceDto,
  ConsentEvidenceQueryDto,
  ConsentRequestAcceptedDto,
  ConsentRequestDto,
  ConsentStateDto,
  RecordConsentDto,
} from './consent.dto';
import {
  CONSENT_REQUEST_WINDOW_MINUTES,
  CONSENT_REQUESTS_PER_ADDRESS,
  CONSENT_REQUESTS_PER_IP_PER_MINUTE,
  DoubleOptInService,
} from './double-opt-in.service';

export const CONSENT_REQUEST_ANSWER =
  'A confirmation email is on its way; the consent counts once it is confirmed.';

/** Staff: a client's consent to promotional messages, recorded and proven. */
@ApiTags('consent')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403, 404)
@Controller('api/v1/clients/:id')
export class ConsentController {
  constructor(
    private readonly preferences: PreferencesService,
    private readonly evidence: ConsentEvidenceService,
    private readonly config: AppConfig,
  ) {}

  @Get('consents')
  @AnyStaff()
  @ApiOperation({
    summary: 'The client’s consents: the state per channel and every consent and withdrawal, oldest first',
  })
  @ApiOkResponse({ type: ConsentEvidenceDto })
  async list(@Param('id', ParseUUIDPipe) id: string): Promise<ConsentEvidenceDto> {
    const e = await this.evidence.evidence(id);
    return { state: e.state, items: e.items };
  }

  @Post('consents')
  @HttpCode(200)
  @Roles(StaffRole.SalesOps)
  @ApiOperation({
    summary: 'Record a prior consent (or its withdrawal) on channels, e.g. from a signed form',
    description: 'Each channel gets a `consent.<channel>` row in the consent log, with the wording version.',
  })
  @ApiOkResponse({ type: ConsentStateDto })
  record(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RecordConsentDto,
    @CurrentStaff() staff: StaffMember,
    @Req() req: Request,
  ): Promise<ConsentStateDto> {
    return this.preferences.recordConsent(id, dto.channels, dto.granted, {
      ...staffContext(staff.id, ConsentSource.AdminApi),
      ip: req.ip ?? null,
      userAgent: req.get('user-agent') ?? null,
      wordingVersion: dto.wordingVersion ?? null,
    });
  }

  @Get('consent-evidence')
  @Roles(StaffRole.SalesOps)
  @ApiOperation({
    summary: 'Consent evidence: every consent and withdrawal of the client, as CSV or PDF',
    description:
      'Source, wording version, time, IP, user agent, channel and topic of each row of the consent log. ' +
      '`format=json` is not offered: the consent log endpoint has it.',
  })
  @ApiProduces('text/csv', 'application/pdf')
  @ApiOkResponse({ description: 'The CSV or PDF file' })
  async export(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ConsentEvidenceQueryDto,
    @Res() res: Response,
  ): Promise<void> {
    const evidence = await this.evidence.evidence(id);
    const stamp = evidence.generatedAt.toISOString().slice(0, 10);
    if (q.format === 'pdf') {
      const pdf = await this.evidence.pdf(evidence, q.lang ?? (this.config.workspace.locale as Locale));
      res.setHeader('Content-Type', 'application/pdf');
      res.setHeader('Content-Disposition', `attachment; filename="consent-evidence-${id}-${stamp}.pdf"`);
      res.send(pdf);
      return;
    }
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="consent-evidence-${id}-${stamp}.csv"`);
    res.send(this.evidence.csv(evidence));
  }
}

/** The public endpoint the company's own forms call: double opt-in. */
@ApiTags('consent')
@Controller('api/v1/public')
export class ConsentRequestsController {
  constructor(private readonly doubleOptIn: DoubleOptInService) {}

  @Post('consents')
  @HttpCode(202)
  @Public()
  @Throttle({ default: { limit: CONSENT_REQUESTS_PER_IP_PER_MINUTE, ttl: 60_000 } })
  @ApiAcceptedResponse({ type: ConsentRequestAcceptedDto })
  @ApiErrors(400, 429)
  @ApiOperation({
    summary: 'A consent collected on the company’s form: sends a confirmation email (double opt-in)',
    description:
      'Nothing counts until the person opens the emailed link and confirms. Rate limited per IP ' +
      `(${CONSENT_REQUESTS_PER_IP_PER_MINUTE} a minute) and per address (${CONSENT_REQUESTS_PER_ADDRESS} in ` +
      `${CONSENT_REQUEST_WINDOW_MINUTES} minutes).`,
  })
  async request(@Body() dto: ConsentRequestDto, @Req() req: Request): Promise<ConsentRequestAcceptedDto> {
    await this.doubleOptIn.request(dto, { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null });
    return { message: CONSENT_REQUEST_ANSWER };
  }
}
