/** One text message to one number. */
export interface SmsMessage {
  /** E.164 */
  to: string;
  body: string;
  /** Where the provider reports delivery (signed callbacks). */
  statusCallback?: string;
}

export interface SmsSendResult {
  /** The provider's message id (Twilio: `SM…`). */
  sid: string;
  /** The provider's status on acceptance, e.g. `queued` or `accepted`. */
  status: string;
  /** Parts as the provider counts them, when it says. */
  segments?: number;
}

/**
 * What went wrong, as dispatch needs to know it:
 * - `rate-limited`: slow down and try again (HTTP 429 / Twilio 20429), after `retryAfterMs` when given;
 * - `transient`: try again later (5xx, network, timeouts);
 * - `blocked`: the recipient replied STOP to this sender (Twilio 21610) — never send again;
 * - `permanent`: this message will never go (other 4xx, e.g. 21211 invalid number).
 */
export type SmsSendErrorKind = 'rate-limited' | 'transient' | 'blocked' | 'permanent';

export class SmsSendError extends Error {
  constructor(
    readonly kind: SmsSendErrorKind,
    message: string,
    readonly details: { code?: number; status?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'SmsSendError';
  }

  get code(): number | undefined {
    return this.details.code;
  }

  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
}

/**
 * The SMS driver (DI token). `twilio` sends through Twilio's REST API; `log` appends to a file for
 * development. Only driver files import twilio.
 */
export abstract class SmsDriver {
  /** Who sends: rate limits are per sender (a Messaging Service SID or a From number). */
  abstract readonly sender: string;

  /** Sends one message; throws SmsSendError. */
  abstract send(message: SmsMessage): Promise<SmsSendResult>;
}
