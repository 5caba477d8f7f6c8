import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Options } from 'pino-http';
import { redactUrl } from './redact-url';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * How an HTTP app logs its requests (pino-http, under the process logger of libs/runtime): a request
 * id on every request (`X-Request-Id` in and out), secrets and URL tokens redacted, 5xx as errors.
 */
export const REQUEST_LOGGING: Options = {
  genReqId: (req: IncomingMessage, res: ServerResponse) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    return id;
  },
  redact: {
    paths: [
      'req.headers.authorization',
      'req.headers.cookie',
      'req.headers["x-twilio-signature"]',
      'res.headers["set-cookie"]',
    ],
    censor: '[redacted]',
  },
  serializers: {
    res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    req: (req: { id: string; method: string; url: string; headers: Record<string, unknown> }) => ({
      id: req.id,
      method: req.method,
      url: redactUrl(req.url),
      userAgent: req.headers['user-agent'],
    }),
  },
  customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) =>
    err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  autoLogging: {
    ignore: (req: IncomingMessage) => req.url === '/health/live' || req.url === '/metrics',
  },
};
