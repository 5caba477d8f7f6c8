import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { PUBLIC_KEY, PublicRouteOptions } from '@touchbase/core';

/** Rate limits public routes (per IP); authenticated routes are limited by who holds the key. */
@Injectable()
export class PublicThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const options = this.reflector.getAllAndOverride<PublicRouteOptions | undefined>(PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    return !options?.throttle;
  }
}
