import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { StaffMember } from '../entities/staff-member.entity';
import { AuthenticatedRequest } from './staff-auth.guard';

/** The staff member whose key authenticated the request. */
export const CurrentStaff = createParamDecorator((_: unknown, ctx: ExecutionContext): StaffMember => {
  const auth = ctx.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('CurrentStaff used on a route without authentication');
  return auth.staff;
});
