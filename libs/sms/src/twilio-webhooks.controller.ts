import { Controller, Header, HttpCode, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import type { Request } from 'express';
import { Public } from '@touchbase/core';
import { WebhookParams } from './drivers/twilio-signature-verifier';
import { TwilioSignatureGuard } from './twilio-signature.guard';
import { TwilioWebhooksService } from './twilio-webhooks.service';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Twilio's callbacks: public (no API key), signature-checked, rate limited per IP — with a limit sized
 * for delivery reports, which come from a few Twilio addresses at the pace messages go out.
 */
@ApiTags('webhooks')
@ApiConsumes('application/x-www-form-urlencoded')
@Public()
@Throttle({ default: { limit: 6000, ttl: 60_000 } })
@UseGuards(TwilioSignatureGuard)
@Controller('webhooks/twilio')
export class TwilioWebhooksController {
  constructor(private readonly webhooks: TwilioWebhooksService) {}

  /** Delivery reports: `delivered`, `failed`, `undelivered` (with ErrorCode) settle the delivery. */
  @Post('status')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Twilio message status callback (X-Twilio-Signature checked; repeats change nothing)',
  })
  async status(@Req() req: Request, @Query('d') deliveryId?: string): Promise<string> {
    await this.webhooks.status(body(req), typeof deliveryId === 'string' ? deliveryId : undefined);
    return '';
  }

  /** Messages from clients: STOP / START keywords. Answers empty TwiML (no reply SMS from us). */
  @Post('inbound')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Twilio inbound message: STOP / START keywords change SMS consent; answers empty TwiML',
  })
  @Header('Content-Type', 'text/xml; charset=utf-8')
  async inbound(@Req() req: Request): Promise<string> {
    await this.webhooks.inbound(body(req));
    return EMPTY_TWIML;
  }
}

function body(req: Request): WebhookParams {
  return (req.body && typeof req.body === 'object' ? req.body : {}) as WebhookParams;
}
