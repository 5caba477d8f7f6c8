/** A mailbox: `"Name" <address>`. */
export interface EmailAddress {
  name?: string;
  address: string;
}

/** An image shown inside the HTML part, referred to as `cid:<cid>`. */
export interface InlineImage {
  cid: string;
  filename: string;
  contentType: string;
  content: Buffer;
}

/** One message, ready to compose: the drivers turn it into MIME and hand it over. */
export interface OutgoingEmail {
  from: EmailAddress;
  to: EmailAddress;
  subject: string;
  html: string;
  text: string;
  /** With angle brackets: `<delivery-42.…@example.com>`. Stable per delivery, so a retry re-sends the same id. */
  messageId: string;
  /** Extra headers, written as given on one line each (never folded): List-Unsubscribe and friends. */
  headers?: Record<string, string>;
  inlineImages?: InlineImage[];
  /** The envelope sender (MAIL FROM, the receiver's Return-Path): a VERP address; unset: From's address. */
  envelopeFrom?: string;
}

export interface EmailSendResult {
  messageId: string;
  /** The server's last reply, e.g. `250 2.0.0 OK: queued as 1A2B3C`. */
  response?: string;
}

/**
 * Why a message was not taken: `transient` (4xx, network, timeouts: try again later) or `permanent`
 * (5xx). `recipient` tells a permanent error about the address itself (a hard bounce) from one about
 * the sender or the content.
 */
export class EmailSendError extends Error {
  constructor(
    message: string,
    readonly kind: 'transient' | 'permanent',
    readonly details: {
      /** The SMTP reply code, e.g. 451 or 550. */
      code?: number;
      /** The server's reply as sent. */
      response?: string;
      /** The SMTP command that failed (`RCPT TO`, `DATA` …) or the stage (`CONN`, `API`). */
      command?: string;
      recipient?: boolean;
    } = {},
  ) {
    super(message);
    this.name = 'EmailSendError';
  }

  get isHardBounce(): boolean {
    return this.kind === 'permanent' && this.details.recipient === true;
  }
}

/**
 * The email driver (DI token): `smtp` sends through a pooled SMTP connection, `file` writes .eml
 * files for development. Only driver files import nodemailer.
 */
export abstract class EmailDriver {
  /** How many messages the driver sends at once; callers size their concurrency by it. */
  abstract readonly concurrency: number;

  /** Sends one message; throws EmailSendError. */
  abstract send(message: OutgoingEmail): Promise<EmailSendResult>;
}
