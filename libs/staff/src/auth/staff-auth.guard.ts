import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { DomainException, ErrorCode, PUBLIC_KEY, ROLES_KEY, StaffRole } from '@touchbase/core';
import { ApiKeyService } from '../api-key.service';
import { StaffMember } from '../entities/staff-member.entity';
import { ActiveSession, SESSION_COOKIE, StaffSessionsService } from './staff-sessions.service';
import { sameToken } from './tokens';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Who made the request: by an API key (machines) or a session cookie (people in the console). */
export interface AuthenticatedStaff {
  staff: StaffMember;
  apiKeyId?: string;
  session?: ActiveSession;
}

export interface AuthenticatedRequest extends Request {
  auth?: AuthenticatedStaff;
}

/**
 * The one guard of every route but `@Public()` ones: `Authorization: Bearer tb_…` (an API key), or
 * the `tb_session` cookie with `X-CSRF-Token` on writes; then the route's `@Roles()`, the same for both.
 * When both are sent, the key wins.
 */
@Injectable()
export class StaffAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly sessions: StaffSessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride(PUBLIC_KEY, targets)) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const response = http.getResponse<Response>();
    const auth = await this.authenticate(request, response);
    request.auth = auth;

    const roles = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES_KEY, targets) ?? [
      StaffRole.Admin,
    ];
    if (!roles.includes(auth.staff.role)) {
      throw new DomainException(
        ErrorCode.Forbidden,
        `This needs one of the roles ${roles.join(', ')}; you are signed in as a ${auth.staff.role} member`,
        { required: roles, actual: auth.staff.role },
      );
    }
    return true;
  }

  private async authenticate(request: Request, response: Response): Promise<AuthenticatedStaff> {
    const header = request.headers.authorization;
    if (header !== undefined && header !== '') {
      const key = bearerToken(header);
      const auth = key ? await this.keys.authenticate(key) : null;
      if (!auth) {
        this.unauthorized(
          response,
          key
            ? 'The API key is unknown, revoked or belongs to an inactive member'
            : 'Missing API key: send Authorization: Bearer <key>',
        );
      }
      return auth;
    }
    const token = sessionCookie(request);
    if (token === undefined) {
      this.unauthorized(response, 'Missing API key: send Authorization: Bearer <key>, or sign in');
    }
    const found = await this.sessions.authenticate(token);
    if (!found) {
      clearSessionCookie(request, response);
      this.unauthorized(response, 'Your session has ended; sign in again');
    }
    if (!SAFE_METHODS.has(request.method.toUpperCase())) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameToken(sent, found.session.csrfToken)) {
        throw new DomainException(
          ErrorCode.CsrfFailed,
          'Missing or wrong CSRF token: send the session’s csrfToken in the X-CSRF-Token header',
        );
      }
    }
    return { staff: found.staff, session: found.session };
  }

  private unauthorized(response: Response, message: string): never {
    response.setHeader('WWW-Authenticate', 'Bearer realm="touchbase"');
    throw new DomainException(ErrorCode.Unauthorized, message);
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** The `tb_session` cookie's value, read without a cookie parser (it is the only cookie we need). */
export function sessionCookie(request: Request): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const raw = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(raw.replace(/^"|"$/g, ''));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function setSessionCookie(request: Request, response: Response, token: string, expires: Date): void {
  response.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: request.secure,
    expires,
  });
}

export function clearSessionCookie(request: Request, response: Response): void {
  response.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: request.secure,
  });
}
