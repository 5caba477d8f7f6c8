import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { Request } from 'express';
import { DomainException, ErrorCode, Public } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { PortalAccessService, PortalSession } from './portal-access.service';

export const PORTAL_TOKEN_SCHEME = 'portal-token';

interface PortalRequest extends Request {
  portalSession?: PortalSession;
}

/**
 * The JSON API's authentication: `Authorization: Bearer <portal token>` (the token of a portal link).
 * Missing → 401; forged → 403; expired → 401 with `details.reason = "expired"`. The token travels in a
 * header, never in the path, so request logs never hold it (the logger redacts Authorization).
 */
@Injectable()
export class PortalTokenGuard implements CanActivate {
  constructor(private readonly access: PortalAccessService) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<PortalRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
    if (!match) {
      throw new DomainException(
        ErrorCode.Unauthorized,
        'Missing portal token: send Authorization: Bearer <token>',
      );
    }
    const check = this.access.check(match[1]);
    if (!check.ok) {
      if (check.reason === 'expired') {
        throw new DomainException(ErrorCode.Unauthorized, 'The portal link has expired; request a new one', {
          reason: 'expired',
        });
      }
      throw new DomainException(ErrorCode.Forbidden, 'The portal token is not valid');
    }
    req.portalSession = check.session;
    return true;
  }
}

export const CurrentPortalSession = createParamDecorator(
  (_: unknown, context: ExecutionContext): PortalSession => {
    const session = context.switchToHttp().getRequest<PortalRequest>().portalSession;
    if (!session) throw new Error('PortalTokenGuard did not run');
    return session;
  },
);

/** A JSON API route behind the portal token (public to the staff key guard; 401 and 403 documented). */
export function PortalTokenRoute(...statuses: number[]): MethodDecorator {
  return applyDecorators(
    Public(),
    UseGuards(PortalTokenGuard),
    ApiBearerAuth(PORTAL_TOKEN_SCHEME),
    ApiErrors(...statuses, 401, 403),
  );
}
