import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { DomainException, ErrorCode, PUBLIC_KEY, ROLES_KEY, StaffRole } from '@touchbase/core';
import { ApiKeyService, AuthenticatedStaff } from '../api-key.service';

export interface AuthenticatedRequest extends Request {
  auth?: AuthenticatedStaff;
}

/** `Authorization: Bearer tb_…` on every route but `@Public()` ones, then the route's `@Roles()`. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride(PUBLIC_KEY, targets)) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const key = bearerToken(request.headers.authorization);
    if (!key) this.unauthorized(http.getResponse(), 'Missing API key: send Authorization: Bearer <key>');
    const auth = await this.keys.authenticate(key!);
    if (!auth)
      this.unauthorized(
        http.getResponse(),
        'The API key is unknown, revoked or belongs to an inactive member',
      );
    request.auth = auth!;

    const roles = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES_KEY, targets) ?? [
      StaffRole.Admin,
    ];
    if (!roles.includes(auth!.staff.role)) {
      throw new DomainException(
        ErrorCode.Forbidden,
        `This needs one of the roles ${roles.join(', ')}; the key belongs to a ${auth!.staff.role} member`,
        { required: roles, actual: auth!.staff.role },
      );
    }
    return true;
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
