import { Controller, Get, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ConfigModule, validateEnvironment } from '@touchbase/config';
import { Public, Roles, StaffRole } from '@touchbase/core';
import { configureHttpApp, HttpPlatformModule, REQUEST_LOGGING, RouteAuditService } from '@touchbase/http';
import { LoggingModule } from '@touchbase/runtime';

@Controller('probe')
class ProbeController {
  @Get('public')
  @Public()
  publicRoute() {
    return { ok: true };
  }

  @Get('unthrottled')
  @Public({ throttle: false })
  unthrottled() {
    return { ok: true };
  }

  @Get('staff')
  @Roles(StaffRole.Marketer)
  staffRoute() {
    return { ok: true };
  }
}

@Controller('open')
class UnguardedController {
  @Get()
  oops() {
    return {};
  }
}

async function createApp(controllers: unknown[]): Promise<INestApplication> {
  const env = validateEnvironment({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    THROTTLE_PUBLIC_PER_MINUTE: '3',
    DOCS_ENABLED: 'false',
  });
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(env), LoggingModule.forRoot(REQUEST_LOGGING), HttpPlatformModule],
    controllers: controllers as never[],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureHttpApp(app);
  return app;
}

describe('Public routes: rate limits and the route audit', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await createApp([ProbeController]);
    await app.init();
  });
  afterAll(() => app.close());

  it('limits a public route per IP with 429 in the error shape', async () => {
    for (let i = 0; i < 3; i++) await request(app.getHttpServer()).get('/probe/public').expect(200);
    const res = await request(app.getHttpServer()).get('/probe/public').expect(429);
    expect(res.body).toEqual({ statusCode: 429, error: 'rate_limited', message: expect.any(String) });
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('does not limit a public route that opted out', async () => {
    for (let i = 0; i < 8; i++) await request(app.getHttpServer()).get('/probe/unthrottled').expect(200);
  });

  it('refuses to start when a route has neither @Roles nor @Public', async () => {
    const bad = await createApp([ProbeController, UnguardedController]);
    await expect(bad.init()).rejects.toThrow(/UnguardedController\.oops/);
    expect(bad.get(RouteAuditService).findUnguardedRoutes()).toEqual(['UnguardedController.oops']);
    await bad.close().catch(() => undefined);
  });
});
