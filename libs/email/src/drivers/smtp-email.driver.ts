import { Logger, OnApplicationShutdown } from '@nestjs/common';
import nodemailer from 'nodemailer';
import { RateLimiter, Semaphore } from '@touchbase/core';
import { DkimKey, DkimSigner } from './dkim-signer';
import { EmailComposer, envelopeOf } from './email-composer';
import { EmailDriver, EmailSendResult, OutgoingEmail } from './email.driver';
import { toEmailSendError } from './smtp-error.mapper';

export interface SmtpEmailDriverOptions {
  /** smtp://user:pass@host:587 or smtps://… */
  url: string;
  maxConnections: number;
  /** Messages per second across all connections; 0: no limit. */
  ratePerSecond: number;
  /** Below the dispatch lease, so a stalled server fails the message before the lease expires. */
  socketTimeoutMs: number;
  /** Every message is signed with this key; null: unsigned. */
  dkim?: DkimKey | null;
}

/**
 * Sends through a nodemailer SMTP pool. At most `maxConnections` messages are in flight (so a message
 * handed over starts at once, never waits in nodemailer's queue) and, when set, at most
 * `ratePerSecond` reach the server in any second (per process). The pool is closed on shutdown.
 */
export class SmtpEmailDriver extends EmailDriver implements OnApplicationShutdown {
  readonly concurrency: number;
  private readonly logger = new Logger('Email');
  private readonly transport: ReturnType<typeof createPool>;
  private readonly slots: Semaphore;
  private readonly limiter: RateLimiter | null;
  private readonly composer = new EmailComposer();
  private readonly dkim: DkimSigner | null;

  constructor(options: SmtpEmailDriverOptions) {
    super();
    this.concurrency = options.maxConnections;
    this.transport = createPool(options);
    this.slots = new Semaphore(options.maxConnections);
    this.limiter = options.ratePerSecond > 0 ? new RateLimiter(options.ratePerSecond, 1000) : null;
    this.dkim = options.dkim ? new DkimSigner(options.dkim) : null;
  }

  async send(message: OutgoingEmail): Promise<EmailSendResult> {
    // Composed before taking a slot: the CPU work overlaps with the other connections' network time.
    const composed = await this.composer.compose(message);
    const raw = this.dkim ? await this.dkim.sign(composed) : composed;
    await this.slots.acquire();
    const done = await this.limiter?.acquire();
    try {
      const info = await this.transport.sendMail({ envelope: envelopeOf(message), raw });
      return { messageId: message.messageId, response: info.response };
    } catch (e) {
      throw toEmailSendError(e);
    } finally {
      done?.();
      this.slots.release();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // In-flight messages finish first; idle connections close now.
    this.transport.close();
    await this.composer.close();
    this.logger.log('SMTP pool closed');
  }
}

function createPool(options: SmtpEmailDriverOptions) {
  return nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: options.socketTimeoutMs,
    logger: false,
  });
}
