import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { REQUEST_LOGGING } from './request-logging';

function exchange(
  headers: Record<string, string> = {},
  url = '/',
): { req: IncomingMessage; res: ServerResponse } {
  const req = new IncomingMessage(new Socket());
  req.headers = headers;
  req.url = url;
  return { req, res: new ServerResponse(req) };
}

describe('REQUEST_LOGGING', () => {
  const genReqId = REQUEST_LOGGING.genReqId!;

  it('keeps a well-formed X-Request-Id and answers with it', () => {
    const { req, res } = exchange({ 'x-request-id': 'abc-123.DEF_4' });
    expect(genReqId(req, res)).toBe('abc-123.DEF_4');
    expect(res.getHeader('X-Request-Id')).toBe('abc-123.DEF_4');
  });

  it('replaces a missing or malformed one with a fresh id', () => {
    const cases: Record<string, string>[] = [
      {},
      { 'x-request-id': 'bad id\nwith a newline' },
      { 'x-request-id': 'x'.repeat(129) },
    ];
    for (const headers of cases) {
      const { req, res } = exchange(headers);
      const id = genReqId(req, res);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.getHeader('X-Request-Id')).toBe(id);
    }
  });

  it('logs a request without its secrets: tokens in the URL redacted, headers and cookies censored', () => {
    const serialize = REQUEST_LOGGING.serializers!.req as (r: unknown) => Record<string, unknown>;
    expect(
      serialize({
        id: 'r1',
        method: 'GET',
        url: '/portal/secret-token?lang=ru',
        headers: { 'user-agent': 'UA' },
      }),
    ).toEqual({ id: 'r1', method: 'GET', url: '/portal/[redacted]?lang=ru', userAgent: 'UA' });
    const redact = REQUEST_LOGGING.redact as { paths: string[]; censor: string };
    expect(redact.paths).toEqual(
      expect.arrayContaining([
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
      ]),
    );
  });

  it('logs 5xx and errors as errors, 4xx as warnings, and leaves out the probes', () => {
    const level = REQUEST_LOGGING.customLogLevel!;
    const at = (status: number, err?: Error) => {
      const { req, res } = exchange();
      res.statusCode = status;
      return level(req, res, err);
    };
    expect([at(200), at(404), at(503), at(200, new Error('x'))]).toEqual(['info', 'warn', 'error', 'error']);
    const ignore = (REQUEST_LOGGING.autoLogging as { ignore: (req: IncomingMessage) => boolean }).ignore;
    expect(['/health/live', '/metrics', '/health'].map((url) => ignore(exchange({}, url).req))).toEqual([
      true,
      true,
      false,
    ]);
  });
});
