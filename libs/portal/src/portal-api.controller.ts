import { Body, Controller, Get, HttpCode, Post, Put, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Request } from 'express';
import { Public } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { UpdatePreferencesDto } from '@touchbase/preferences';
import {
  LinkRequestAcceptedDto,
  LinkRequestDto,
  PortalContactDto,
  PortalPreferencesDto,
  PortalSurveyDto,
  SurveyAnswerDto,
  UpdatePortalContactDto,
} from './dto/portal.dto';
import { PortalSession } from './portal-access.service';
import {
  LINK_REQUEST_WINDOW_MINUTES,
  LINK_REQUESTS_PER_ADDRESS,
  LINK_REQUESTS_PER_IP_PER_MINUTE,
  PortalLinkRequestService,
} from './portal-link-request.service';
import { CurrentPortalSession, PortalTokenRoute } from './portal-token.guard';
import {
  PortalLinkRevokedException,
  PortalRequestContext,
  PortalService,
  PortalView,
} from './portal.service';

/** The consent log's wording version for changes made through the JSON API without one of their own. */
export const PORTAL_API_WORDING_VERSION = 'portal-api/1';

export const LINK_REQUEST_ANSWER =
  'If the address is known, a new link is on its way to the email address on file.';

/**
 * The portal's JSON API, for the pages' script and for integrators (a company's own site). Every
 * endpoint but link-request takes the portal token: `Authorization: Bearer <token>`.
 */
@ApiTags('portal')
@Controller('api/v1/portal')
export class PortalApiController {
  constructor(
    private readonly portal: PortalService,
    private readonly linkRequests: PortalLinkRequestService,
  ) {}

  @Get('preferences')
  @PortalTokenRoute()
  @ApiOperation({
    summary: 'The client’s preferences: opt-out, channels, frequency, topics, quiet hours, language',
  })
  async preferences(@CurrentPortalSession() session: PortalSession): Promise<PortalPreferencesDto> {
    return PortalPreferencesDto.from(await this.viewOf(session));
  }

  @Put('preferences')
  @PortalTokenRoute(400)
  @ApiOperation({
    summary: 'Change preferences (fields left out stay); each changed item is written to the consent log',
    description:
      'Source `portal`, with the caller’s IP and user agent and `wordingVersion` (default `portal-api/1`): ' +
      'send the version of the wording your page showed.',
  })
  async updatePreferences(
    @CurrentPortalSession() session: PortalSession,
    @Body() dto: UpdatePreferencesDto,
    @Req() req: Request,
  ): Promise<PortalPreferencesDto> {
    const { wordingVersion, ...changes } = dto;
    return PortalPreferencesDto.from(
      await this.portal.updatePreferences(session, changes, requestContext(req, wordingVersion)),
    );
  }

  @Get('contact')
  @PortalTokenRoute()
  @ApiOperation({ summary: 'The client’s contact details: email, phone, postal address' })
  async contact(@CurrentPortalSession() session: PortalSession): Promise<PortalContactDto> {
    return PortalContactDto.from(await this.viewOf(session));
  }

  @Put('contact')
  @PortalTokenRoute(400)
  @ApiOperation({
    summary: 'Change or confirm contact details: sets contactVerifiedAt; changes go to the consent log',
  })
  async updateContact(
    @CurrentPortalSession() session: PortalSession,
    @Body() dto: UpdatePortalContactDto,
    @Req() req: Request,
  ): Promise<PortalContactDto> {
    return PortalContactDto.from(await this.portal.updateContact(session, dto, requestContext(req)));
  }

  @Post('unsubscribe-all')
  @HttpCode(200)
  @PortalTokenRoute()
  @ApiOperation({ summary: 'Unsubscribe from everything (idempotent); service messages still arrive' })
  async unsubscribeAll(
    @CurrentPortalSession() session: PortalSession,
    @Req() req: Request,
  ): Promise<PortalPreferencesDto> {
    return PortalPreferencesDto.from(await this.portal.unsubscribeAll(session, requestContext(req)));
  }

  @Get('survey')
  @PortalTokenRoute()
  @ApiOperation({
    summary: 'The survey the client was invited to (a campaign about `surveys`), with their answer',
  })
  async survey(@CurrentPortalSession() session: PortalSession): Promise<PortalSurveyDto> {
    const state = await this.portal.survey(session);
    return state
      ? { invited: true, ...state }
      : { invited: false, runId: null, answered: false, valued: '', improve: '', rating: null };
  }

  @Post('survey')
  @HttpCode(200)
  @PortalTokenRoute(400, 404)
  @ApiOperation({
    summary: 'Answer (or revise the answer to) the latest survey; 404 when no survey invited the client',
  })
  async answerSurvey(
    @CurrentPortalSession() session: PortalSession,
    @Body() dto: SurveyAnswerDto,
  ): Promise<PortalSurveyDto> {
    return { invited: true, ...(await this.portal.answerSurvey(session, dto)) };
  }

  @Post('link-request')
  @HttpCode(202)
  @Public()
  @Throttle({ default: { limit: LINK_REQUESTS_PER_IP_PER_MINUTE, ttl: 60_000 } })
  @ApiAcceptedResponse({ type: LinkRequestAcceptedDto })
  @ApiErrors(400, 429)
  @ApiOperation({
    summary:
      'Send a fresh portal link to a client’s email; the same answer whether or not the address is known',
    description:
      `Takes an email address or a phone number. Rate limited per IP (${LINK_REQUESTS_PER_IP_PER_MINUTE} a minute) ` +
      `and per address (${LINK_REQUESTS_PER_ADDRESS} in ${LINK_REQUEST_WINDOW_MINUTES} minutes, known or not). ` +
      'The link goes to the email address on file.',
  })
  async linkRequest(@Body() dto: LinkRequestDto): Promise<LinkRequestAcceptedDto> {
    await this.linkRequests.request(dto.address, dto.locale);
    return { message: LINK_REQUEST_ANSWER };
  }

  private async viewOf(session: PortalSession): Promise<PortalView> {
    const view = await this.portal.view(session);
    if (!view) throw new PortalLinkRevokedException();
    return view;
  }
}

export function requestContext(req: Request, wordingVersion?: string): PortalRequestContext {
  return {
    ip: req.ip ?? null,
    userAgent: req.get('user-agent') ?? null,
    wordingVersion: wordingVersion ?? PORTAL_API_WORDING_VERSION,
  };
}
