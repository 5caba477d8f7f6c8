import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '@touchbase/config';
import { ApiExceptionFilter } from './api-exception.filter';
import { PublicThrottlerGuard } from './public-throttler.guard';
import { RouteAuditService } from './route-audit.service';

/**
 * What every HTTP app shares: the error filter, rate limits on public routes, the route audit. (Its
 * request logs are `REQUEST_LOGGING`, given to the process logger of libs/runtime.)
 */
@Module({
  imports: [
    DiscoveryModule,
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.http.throttlePublicPerMinute }],
      }),
    }),
  ],
  providers: [
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
    { provide: APP_GUARD, useClass: PublicThrottlerGuard },
    RouteAuditService,
  ],
})
export class HttpPlatformModule {}
