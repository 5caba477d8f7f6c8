import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { AppConfig } from '@touchbase/config';
import { DomainException, ErrorCode } from '@touchbase/core';
import { TwilioSignatureVerifier, WebhookParams } from './drivers/twilio-signature-verifier';

/**
 * Lets a request through only with a valid X-Twilio-Signature. Twilio signs the URL it requested,
 * which behind a proxy is not the one this process sees; two candidates are tried:
 * - PUBLIC_URL + the original path and query (the URL we gave Twilio, however the proxy forwards);
 * - the forwarded proto and host (X-Forwarded-Proto / X-Forwarded-Host, which Express only believes
 *   from proxies TRUST_PROXY trusts) + the original path and query.
 * Neither candidate lets anything through without the auth token's HMAC.
 */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  private readonly logger = new Logger('TwilioWebhooks');

  constructor(
    private readonly verifier: TwilioSignatureVerifier,
    private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const urls = [
      ...new Set([
        this.config.http.publicUrl + req.originalUrl,
        `${req.protocol}://${req.host}${req.originalUrl}`,
      ]),
    ];
    const params = (req.body && typeof req.body === 'object' ? req.body : {}) as WebhookParams;
    if (this.verifier.verify(req.get('x-twilio-signature'), urls, params)) return true;
    this.logger.warn(
      this.verifier.enabled
        ? `Rejected a Twilio webhook with a missing or wrong signature (${req.originalUrl.split('?')[0]})`
        : 'Rejected a Twilio webhook: SMS_DRIVER is not twilio, so no auth token to check signatures with',
    );
    throw new DomainException(ErrorCode.Forbidden, 'The X-Twilio-Signature header is missing or wrong');
  }
}
