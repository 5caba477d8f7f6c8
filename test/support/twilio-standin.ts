import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { sleep } from '@touchbase/core';
// The pure counter only: the peer does not load the SMS module (Nest, TypeORM …).
import { countSegments } from '../../libs/sms/src/sms-segments';

/**
 * A local HTTP server speaking the part of Twilio's REST API touchbase uses — creating a Message —
 * so that tests and benchmarks drive the REAL twilio client. It checks Basic auth and the account in
 * the path, answers like Twilio (201 + Message JSON with an `SM…` sid, or Twilio's error JSON), and
 * can be slow, rate limit (429 + Retry-After) or fail per recipient. Every request is recorded.
 */

export interface TwilioStandInOptions {
  accountSid: string;
  authToken: string;
  /** Added to every answer. */
  latencyMs?: number;
  /** 429 (Twilio 20429) for the first N message requests. */
  rateLimitFirst?: number;
  /** 429 for every k-th message request (k, 2k, …). */
  rateLimitEvery?: number;
  /** Retry-After sent with a 429; none when unset. */
  retryAfterSeconds?: number;
  /** 500 for the first N message requests (after the rate limit ones). */
  serverErrorsFirst?: number;
  /** A Twilio error code per recipient: 21610 (unsubscribed), 21211 (invalid number), … */
  errorsByRecipient?: Record<string, number>;
  /** Keep the recorded requests (a long benchmark may turn it off and use counts). */
  record?: boolean;
}

export interface RecordedRequest {
  /** Date.now() when the request arrived */
  at: number;
  method: string;
  path: string;
  authorized: boolean;
  params: Record<string, string>;
  status: number;
  sid?: string;
  errorCode?: number;
}

const ERRORS: Record<number, { status: number; message: (to: string) => string }> = {
  20003: { status: 401, message: () => 'Authenticate' },
  20404: { status: 404, message: () => 'The requested resource was not found' },
  20429: { status: 429, message: () => 'Too Many Requests' },
  20500: { status: 500, message: () => 'An internal server error has occurred' },
  21211: { status: 400, message: (to) => `The 'To' number ${to} is not a valid phone number.` },
  21610: { status: 400, message: () => 'Attempt to send to unsubscribed recipient' },
  21614: { status: 400, message: (to) => `'To' number ${to} is not a valid mobile number` },
};

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;

export class TwilioStandIn {
  readonly requests: RecordedRequest[] = [];
  /** Message requests seen (whether recorded or not). */
  messageRequests = 0;
  accepted = 0;
  private server?: http.Server;
  private options: TwilioStandInOptions;
  url = '';

  constructor(options: TwilioStandInOptions) {
    this.options = { record: true, ...options };
  }

  /** Changes the behaviour from now on; counters for "first N" start again. */
  configure(changes: Partial<TwilioStandInOptions>): void {
    this.options = { ...this.options, ...changes };
    this.messageRequests = 0;
  }

  reset(): void {
    this.requests.length = 0;
    this.messageRequests = 0;
    this.accepted = 0;
  }

  /** The messages Twilio accepted, in order. */
  get sent(): RecordedRequest[] {
    return this.requests.filter((r) => r.status === 201);
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.url = `http://${host}:${address.port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = Date.now();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const path = (req.url ?? '').split('?')[0];
    const match = MESSAGES_PATH.exec(path);
    const authorized = this.authorized(req.headers.authorization, match?.[1]);
    const record: RecordedRequest = { at, method: req.method ?? '', path, authorized, params, status: 0 };
    if (this.options.record) this.requests.push(record);
    if (this.options.latencyMs) await sleep(this.options.latencyMs);

    let answer: { status: number; body: unknown; headers?: Record<string, string> };
    if (!match || req.method !== 'POST') answer = this.error(20404, '');
    else if (!authorized) answer = this.error(20003, '');
    else {
      this.messageRequests += 1;
      answer = this.message(this.messageRequests, params, match[1]);
    }
    record.status = answer.status;
    const body = answer.body as { sid?: string; code?: number };
    record.sid = body.sid;
    record.errorCode = answer.status >= 400 ? body.code : undefined;
    if (answer.status === 201) this.accepted += 1;
    res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  private message(n: number, params: Record<string, string>, accountSid: string) {
    const o = this.options;
    const to = params.To ?? '';
    if ((o.rateLimitFirst && n <= o.rateLimitFirst) || (o.rateLimitEvery && n % o.rateLimitEvery === 0)) {
      const headers: Record<string, string> =
        o.retryAfterSeconds !== undefined ? { 'Retry-After': String(o.retryAfterSeconds) } : {};
      return { ...this.error(20429, to), headers };
    }
    if (o.serverErrorsFirst && n <= (o.rateLimitFirst ?? 0) + o.serverErrorsFirst)
      return this.error(20500, to);
    if (!to) return { status: 400, body: twilioError(21604, "A 'To' phone number is required.", 400) };
    if (!params.Body) return { status: 400, body: twilioError(21602, 'Message body is required.', 400) };
    if (!params.From && !params.MessagingServiceSid) {
      return {
        status: 400,
        body: twilioError(21603, "A 'From' or 'MessagingServiceSid' parameter is required", 400),
      };
    }
    const code = o.errorsByRecipient?.[to];
    if (code) return this.error(code, to);
    return { status: 201, body: messageJson(accountSid, params) };
  }

  private error(code: number, to: string) {
    const e = ERRORS[code] ?? { status: 400, message: () => `Error ${code}` };
    return { status: e.status, body: twilioError(code, e.message(to), e.status) };
  }

  private authorized(header: string | undefined, pathAccount: string | undefined): boolean {
    const expected =
      'Basic ' + Buffer.from(`${this.options.accountSid}:${this.options.authToken}`).toString('base64');
    return header === expected && pathAccount === this.options.accountSid;
  }
}

function twilioError(code: number, message: string, status: number) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

function messageJson(accountSid: string, params: Record<string, string>) {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const now = new Date().toUTCString().replace('GMT', '+0000');
  return {
    account_sid: accountSid,
    api_version: '2010-04-01',
    body: params.Body,
    date_created: now,
    date_sent: null,
    date_updated: now,
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: params.From ?? null,
    messaging_service_sid: params.MessagingServiceSid ?? null,
    num_media: '0',
    num_segments: String(countSegments(params.Body).segments),
    price: null,
    price_unit: 'USD',
    sid,
    // A Messaging Service queues after "accepted"; a From number goes straight to "queued".
    status: params.MessagingServiceSid ? 'accepted' : 'queued',
    subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
    to: params.To,
    uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
  };
}

/** The X-Twilio-Signature Twilio would send for a POST of `params` to `url` (twilio's own function). */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}

export const TEST_TWILIO = {
  accountSid: 'AC' + 'a1'.repeat(16),
  authToken: 'test-auth-token-0123456789abcdef',
  messagingServiceSid: 'MG' + 'b2'.repeat(16),
};
