import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY } from '@touchbase/core';

/** Refuses to start when a route has neither `@Roles(...)` nor `@Public()`: no route is open by accident. */
@Injectable()
export class RouteAuditService implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const unguarded = this.findUnguardedRoutes();
    if (unguarded.length > 0) {
      throw new Error(`Routes without @Roles() or @Public(): ${unguarded.join(', ')}`);
    }
  }

  findUnguardedRoutes(): string[] {
    const out: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const proto = Object.getPrototypeOf(instance);
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const handler = proto[name];
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const targets = [handler, metatype];
        const guarded =
          this.reflector.getAllAndOverride(ROLES_KEY, targets) ||
          this.reflector.getAllAndOverride(PUBLIC_KEY, targets);
        if (!guarded) out.push(`${metatype.name}.${name}`);
      }
    }
    return out;
  }
}
