import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { json } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@touchbase/config';
import { serveConsole } from './console-host';
import { ErrorResponseDto, FieldErrorDto } from './error-response.dto';
import { PathParamPipe, requestInputMiddleware } from './request-input';
import { createValidationPipe } from './validation';

export const API_KEY_SCHEME = 'api-key';
export const SESSION_SCHEME = 'session';
export const CSRF_SCHEME = 'csrf';
/** Routes whose JSON bodies may be up to 25 MB (bulk upserts of full client records). */
export const BULK_SYNC_PATHS = ['/api/v1/clients/bulk'];

/** Applies the HTTP platform to an app: used by `main.ts` and by the e2e tests alike. */
export function configureHttpApp(app: INestApplication): void {
  const config = app.get(AppConfig);
  const express = app as NestExpressApplication;
  express.set('trust proxy', config.http.trustProxy);
  express.disable('x-powered-by');
  app.useLogger(app.get(Logger));
  app.use(helmet());
  // Bulk endpoints (10,000 purchases) need more than Express' 100 kB default; uploads go through multer.
  // The CRM sync's 10,000 clients with every field, more still (the first parser to read a body wins).
  app.use(BULK_SYNC_PATHS, json({ limit: '25mb' }));
  express.useBodyParser('json', { limit: '5mb' });
  express.useBodyParser('urlencoded', { limit: '1mb', extended: false });
  // Depth and NUL characters are checked on the parsed body before any pipe walks it recursively.
  app.use(requestInputMiddleware);
  app.useGlobalPipes(new PathParamPipe(), createValidationPipe());
  // The staff console (apps/console, built into dist/console), with its own strict CSP.
  serveConsole(app);
  if (config.http.docsEnabled) {
    const document = buildOpenApiDocument(app);
    SwaggerModule.setup('docs', app, document, {
      jsonDocumentUrl: 'docs-json',
      customSiteTitle: 'touchbase API',
      swaggerOptions: { persistAuthorization: true },
    });
  }
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('touchbase API')
    .setDescription(
      'Admin API of touchbase: clients, preferences, segments, campaigns, runs, reports. ' +
        'Authenticate with `Authorization: Bearer tb_…` (an API key of a staff member), or with the ' +
        '`tb_session` cookie of POST /api/v1/auth/sign-in; cookie-authenticated writes also send ' +
        '`X-CSRF-Token` (the session’s csrfToken). Both give the same roles. ' +
        'Errors always have the shape `{ statusCode, error, message, details }`.',
    )
    .setVersion(process.env.npm_package_version ?? '0.1.0')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'tb_…', description: 'A staff API key' },
      API_KEY_SCHEME,
    )
    .addCookieAuth(
      'tb_session',
      { type: 'apiKey', in: 'cookie', description: 'A console session (POST /api/v1/auth/sign-in)' },
      SESSION_SCHEME,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-CSRF-Token',
        description: 'The session’s csrfToken: required with the session cookie on writes',
      },
      CSRF_SCHEME,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'The token of a client’s portal link (/portal/<token>)',
      },
      'portal-token',
    );
  const document = SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ErrorResponseDto, FieldErrorDto],
    operationIdFactory: (controllerKey, methodKey) =>
      `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  return withSessionSecurity(document);
}

const SAFE_METHODS = new Set(['get', 'head', 'options']);

/** Every operation an API key opens is open to a session too (with the CSRF header on writes). */
function withSessionSecurity(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const op = operation as { security?: Record<string, string[]>[] } | undefined;
      if (!op?.security?.some((s) => API_KEY_SCHEME in s)) continue;
      // A new array: operations of one controller share the class decorator's.
      op.security = [
        ...op.security,
        SAFE_METHODS.has(method) ? { [SESSION_SCHEME]: [] } : { [SESSION_SCHEME]: [], [CSRF_SCHEME]: [] },
      ];
    }
  }
  return document;
}
