import { applyDecorators, SetMetadata } from '@nestjs/common';
import { StaffRole } from './staff-role.enum';

export const ROLES_KEY = 'touchbase:roles';
export const PUBLIC_KEY = 'touchbase:public';

export interface PublicRouteOptions {
  /** Rate limited per IP (default true). Probes such as /health opt out. */
  throttle?: boolean;
}

/**
 * The staff roles allowed on a route. `admin` is always allowed. Every route carries either this
 * or `@Public()`; the application refuses to start otherwise.
 */
export const Roles = (...roles: StaffRole[]) =>
  applyDecorators(SetMetadata(ROLES_KEY, Array.from(new Set([StaffRole.Admin, ...roles]))));

/** A route reachable without an API key (portal, webhooks, probes): rate limited unless opted out. */
export const Public = (options: PublicRouteOptions = {}) =>
  SetMetadata(PUBLIC_KEY, { throttle: options.throttle ?? true } satisfies PublicRouteOptions);

/** Any authenticated staff member. */
export const AnyStaff = () => Roles(StaffRole.Marketer, StaffRole.SalesOps);
