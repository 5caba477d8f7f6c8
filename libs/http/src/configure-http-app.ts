import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@touchbase/config';
import { serveConsole } from './console-host';
import { ErrorResponseDto, FieldErrorDto } from './error-response.dto';
import { PathParamPipe, requestInputMiddleware } from './request-input';
import { createValidationPipe } from './validation';

export const API_KEY_SCHEME = 'api-key';

/** Applies the HTTP platform to an app: used by `main.ts` and by the e2e tests alike. */
export function configureHttpApp(app: INestApplication): void {
  const config = app.get(AppConfig);
  const express = app as NestExpressApplication;
  express.set('trust proxy', config.http.trustProxy);
  express.disable('x-powered-by');
  app.useLogger(app.get(Logger));
  app.use(helmet());
  // Bulk endpoints (10,000 purchases) need more than Express' 100 kB default; uploads go through multer.
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
        'Authenticate with `Authorization: Bearer tb_…` (an API key of a staff member). ' +
        'Errors always have the shape `{ statusCode, error, message, details }`.',
    )
    .setVersion(process.env.npm_package_version ?? '0.1.0')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'tb_…', description: 'A staff API key' },
      API_KEY_SCHEME,
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'The token of a client’s portal link (/portal/<token>)',
      },
      'portal-token',
    );
  return SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ErrorResponseDto, FieldErrorDto],
    operationIdFactory: (controllerKey, methodKey) =>
      `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
}
