import * as http from 'node:http';
import twilio from 'twilio';
import { SmsDriver, SmsMessage, SmsSendError, SmsSendResult } from './sms-driver';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  messagingServiceSid?: string;
  from?: string;
  /** Where the REST API is, when not at api.twilio.com (a local stand-in). */
  apiBaseUrl?: string;
  /** Sends in flight at once: the HTTP agents keep as many sockets. */
  concurrency: number;
  timeoutMs?: number;
}

type RequestOptions = Parameters<twilio.RequestClient['request']>[0];
type Response = Awaited<ReturnType<twilio.RequestClient['request']>>;

const TWILIO_HOST = /^https:\/\/[a-z0-9.-]+\.twilio\.com(?=\/|$)/i;
/** Error codes that mean "slow down" or "the queue is full for now". */
const RATE_LIMIT_CODES = new Set([20429, 14107, 21611]);
const BLOCKED_CODES = new Set([21610]);

/**
 * The twilio client's HTTP client, as Twilio documents for custom needs: it sends requests for
 * *.twilio.com to `apiBaseUrl` when set (a local stand-in), keeps sockets alive over plain HTTP too,
 * and turns a 429 into a rate-limited error that carries Retry-After (the client's own errors drop
 * the response headers).
 */
class TwilioHttpClient extends twilio.RequestClient {
  private readonly baseUrl?: string;

  constructor(settings: TwilioSettings) {
    const sockets = Math.max(20, settings.concurrency);
    super({
      timeout: settings.timeoutMs ?? 20_000,
      keepAlive: true,
      maxSockets: sockets,
      maxFreeSockets: sockets,
      autoRetry: false, // dispatch retries with backoff itself, other items keep going meanwhile
    });
    this.baseUrl = settings.apiBaseUrl?.replace(/\/+$/, '');
    this.axios.defaults.httpAgent = new http.Agent({
      keepAlive: true,
      maxSockets: sockets,
      maxFreeSockets: sockets,
    });
  }

  override async request<T>(opts: RequestOptions): Promise<Response & { body: T }> {
    const uri = this.baseUrl ? opts.uri.replace(TWILIO_HOST, this.baseUrl) : opts.uri;
    const response = (await super.request({ ...opts, uri })) as Response & { body: T };
    if (response.statusCode === 429) {
      const { code, message } = errorBody(response.body);
      throw new SmsSendError('rate-limited', `Twilio ${code ?? 429}: ${message ?? 'Too Many Requests'}`, {
        status: 429,
        code: code ?? 20429,
        retryAfterMs: retryAfterMs(response.headers),
      });
    }
    return response;
  }
}

/** Sends through Twilio's Messages API with the real twilio client. */
export class TwilioSmsDriver extends SmsDriver {
  readonly sender: string;
  private readonly client: twilio.Twilio;

  constructor(private readonly settings: TwilioSettings) {
    super();
    this.client = twilio(settings.accountSid, settings.authToken, {
      httpClient: new TwilioHttpClient(settings),
      accountSid: settings.accountSid,
    });
    this.sender = settings.messagingServiceSid ?? settings.from ?? settings.accountSid;
  }

  async send(message: SmsMessage): Promise<SmsSendResult> {
    const { messagingServiceSid, from } = this.settings;
    try {
      const sent = await this.client.messages.create({
        to: message.to,
        body: message.body,
        statusCallback: message.statusCallback,
        ...(messagingServiceSid ? { messagingServiceSid } : { from }),
      });
      const segments = Number(sent.numSegments);
      return { sid: sent.sid, status: sent.status, segments: segments > 0 ? segments : undefined };
    } catch (e) {
      throw toSmsSendError(e);
    }
  }
}

/** Maps whatever the twilio client threw to what dispatch needs to know. */
export function toSmsSendError(e: unknown): SmsSendError {
  if (e instanceof SmsSendError) return e;
  const err = (e ?? {}) as { status?: unknown; code?: unknown; message?: unknown; detail?: unknown };
  const text = typeof err.message === 'string' && err.message ? err.message : String(e);
  if (typeof err.status !== 'number') {
    // No HTTP status: the request never got an answer (refused, reset, timed out).
    const net = typeof err.code === 'string' ? ` (${err.code})` : '';
    return new SmsSendError('transient', `Twilio unreachable${net}: ${text}`);
  }
  const status = err.status;
  const code = typeof err.code === 'number' ? err.code : undefined;
  const message = `Twilio ${code ?? status}: ${typeof err.detail === 'string' ? err.detail : text}`;
  const details = { status, code };
  if (status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
    return new SmsSendError('rate-limited', message, details);
  }
  if (code !== undefined && BLOCKED_CODES.has(code)) return new SmsSendError('blocked', message, details);
  // 5xx is Twilio's trouble; 401 is ours (wrong credentials): neither says anything about the
  // recipient, so the message is tried again rather than failed for good.
  if (status >= 500 || status === 401) return new SmsSendError('transient', message, details);
  return new SmsSendError('permanent', message, details);
}

function errorBody(body: unknown): { code?: number; message?: string } {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return {};
    }
  }
  if (!parsed || typeof parsed !== 'object') return {};
  const b = parsed as { code?: unknown; message?: unknown };
  return {
    code: typeof b.code === 'number' ? b.code : undefined,
    message: typeof b.message === 'string' ? b.message : undefined,
  };
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfterMs(headers: unknown): number | undefined {
  const value = (headers as Record<string, unknown> | undefined)?.['retry-after'];
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(String(value));
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
