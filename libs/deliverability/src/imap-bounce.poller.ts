import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ImapFlow } from 'imapflow';
import { AppConfig } from '@touchbase/config';
import { InboundBounceProcessor } from './inbound-bounce.processor';
import { InboundVia } from './inbound.enums';

/** The keyword a processed message gets when it is not moved elsewhere. */
export const PROCESSED_KEYWORD = '$TouchbaseProcessed';

/** Messages processed per poll at most; the rest wait for the next one. */
const PER_POLL = 500;

/** A mailbox of bounces, as the poller needs it. */
export interface BounceMailbox {
  /** The messages not yet processed (uids), oldest first. */
  unprocessed(): Promise<number[]>;
  source(uid: number): Promise<Buffer | null>;
  /** Moved to the processed folder, or flagged \Seen and PROCESSED_KEYWORD. */
  markProcessed(uid: number): Promise<void>;
}

/**
 * One poll: every unprocessed message goes through the processor, then is marked processed. A message
 * the processor fails on stays unprocessed and is tried again next poll. Returns how many were done.
 */
export async function drainBounceMailbox(
  mailbox: BounceMailbox,
  processor: Pick<InboundBounceProcessor, 'process'>,
  logger?: Logger,
): Promise<{ processed: number; failed: number }> {
  const uids = (await mailbox.unprocessed()).slice(0, PER_POLL);
  let processed = 0;
  let failed = 0;
  for (const uid of uids) {
    const source = await mailbox.source(uid);
    if (!source) continue;
    try {
      await processor.process(source, { via: InboundVia.Imap });
    } catch (e) {
      failed += 1;
      logger?.error(
        `IMAP message ${uid} could not be processed (tried again next poll): ${(e as Error).message}`,
      );
      continue;
    }
    await mailbox.markProcessed(uid);
    processed += 1;
  }
  return { processed, failed };
}

/** An IMAP mailbox through imapflow (connection held for one poll). */
class ImapFlowMailbox implements BounceMailbox {
  constructor(
    private readonly client: ImapFlow,
    private readonly processedMailbox: string | null,
  ) {}

  async unprocessed(): Promise<number[]> {
    const query = this.processedMailbox ? { all: true } : { unKeyword: PROCESSED_KEYWORD };
    const uids = await this.client.search(query, { uid: true });
    return (uids || []).sort((a, b) => a - b);
  }

  async source(uid: number): Promise<Buffer | null> {
    const message = await this.client.fetchOne(String(uid), { source: true }, { uid: true });
    return message && message.source ? message.source : null;
  }

  async markProcessed(uid: number): Promise<void> {
    if (this.processedMailbox) {
      await this.client.messageMove(String(uid), this.processedMailbox, { uid: true });
    } else {
      await this.client.messageFlagsAdd(String(uid), ['\\Seen', PROCESSED_KEYWORD], { uid: true });
    }
  }
}

/**
 * For companies whose bounces land in a mailbox: the worker polls IMAP_MAILBOX every
 * IMAP_POLL_SECONDS (off when IMAP_HOST is unset), feeding the same processor as the SMTP listener.
 */
@Injectable()
export class ImapBouncePoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Bounces');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly processor: InboundBounceProcessor,
  ) {}

  onApplicationBootstrap(): void {
    const imap = this.config.bounces.imap;
    if (!imap) return;
    this.logger.log(
      `Polling ${imap.user}@${imap.host}/${imap.mailbox} for bounces every ${imap.pollSeconds} s`,
    );
    const tick = () => {
      if (this.stopped) return;
      this.running = this.pollOnce()
        .catch((e: unknown) => this.logger.warn(`IMAP poll failed: ${(e as Error).message}`))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.timer = setTimeout(tick, imap.pollSeconds * 1000).unref();
        });
    };
    this.timer = setTimeout(tick, 1000).unref();
  }

  /** Connects, drains the mailbox, logs out. */
  async pollOnce(): Promise<{ processed: number; failed: number }> {
    const imap = this.config.bounces.imap;
    if (!imap) return { processed: 0, failed: 0 };
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.tls,
      auth: { user: imap.user, pass: imap.password },
      logger: false,
    });
    await client.connect();
    try {
      const lock = await client.getMailboxLock(imap.mailbox);
      try {
        const done = await drainBounceMailbox(
          new ImapFlowMailbox(client, imap.processedMailbox),
          this.processor,
          this.logger,
        );
        if (done.processed > 0) this.logger.log(`IMAP: ${done.processed} message(s) processed`);
        return done;
      } finally {
        lock.release();
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
