import type { AddressInfo } from 'node:net';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SMTPServer, SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { AppConfig } from '@touchbase/config';
import { InboundBounceProcessor } from './inbound-bounce.processor';
import { InboundVia } from './inbound.enums';

type Callback = (error?: Error | null) => void;

/** An SMTP reply to refuse with. */
function reply(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** Messages per IP in fixed one-minute windows. */
class PerIpWindow {
  private readonly counts = new Map<string, { start: number; n: number }>();

  constructor(private readonly limit: number) {}

  take(ip: string, now = Date.now()): boolean {
    const w = this.counts.get(ip);
    if (!w || now - w.start >= 60_000) {
      if (this.counts.size > 10_000) this.prune(now);
      this.counts.set(ip, { start: now, n: 1 });
      return true;
    }
    w.n += 1;
    return w.n <= this.limit;
  }

  private prune(now: number): void {
    for (const [ip, w] of this.counts) if (now - w.start >= 60_000) this.counts.delete(ip);
  }
}

/**
 * The worker's inbound SMTP listener (INBOUND_SMTP_PORT; off when unset): the MX of BOUNCE_DOMAIN
 * points here. It takes mail for BOUNCE_DOMAIN only (anything else is refused as relaying), no AUTH,
 * messages up to INBOUND_SMTP_MAX_BYTES, at most INBOUND_SMTP_PER_IP_PER_MINUTE messages per IP a
 * minute; each message is processed before the 250, so a message the processor failed on is retried
 * by the sending server (451).
 */
@Injectable()
export class InboundSmtpListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Bounces');
  private server: SMTPServer | null = null;
  private port: number | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly processor: InboundBounceProcessor,
  ) {}

  /** The port listened on (null when off). */
  get listeningPort(): number | null {
    return this.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const smtp = this.config.bounces.smtp;
    const domain = this.config.bounces.domain;
    if (!smtp || !domain) return;
    const perIp = new PerIpWindow(smtp.perIpPerMinute);
    const server = new SMTPServer({
      name: domain,
      banner: 'touchbase bounce receiver',
      logger: false,
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      disableReverseLookup: true,
      size: smtp.maxBytes,
      maxClients: 100,
      socketTimeout: 60_000,
      closeTimeout: 5_000,
      onMailFrom: (_address: SMTPServerAddress, session: SMTPServerSession, callback: Callback) => {
        if (!perIp.take(session.remoteAddress)) {
          return callback(reply(450, '4.7.1 Too many messages from your address; try again later'));
        }
        callback();
      },
      onRcptTo: (address: SMTPServerAddress, session: SMTPServerSession, callback: Callback) => {
        const at = address.address.lastIndexOf('@');
        if (at < 0 || address.address.slice(at + 1).toLowerCase() !== domain) {
          return callback(
            reply(550, '5.7.1 Relaying denied: this server takes mail for its bounce domain only'),
          );
        }
        if (session.envelope.rcptTo.length >= 10) return callback(reply(452, '4.5.3 Too many recipients'));
        callback();
      },
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, callback: Callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (stream.sizeExceeded) {
            return callback(reply(552, `5.3.4 Message too big: at most ${smtp.maxBytes} bytes`));
          }
          const raw = Buffer.concat(chunks);
          const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
          this.processor.process(raw, { via: InboundVia.Smtp, envelopeTo }).then(
            () => callback(),
            (e: unknown) => {
              this.logger.error(`An inbound message could not be processed: ${(e as Error).message}`);
              callback(reply(451, '4.3.0 Could not process the message now; try again later'));
            },
          );
        });
      },
    });
    server.on('error', (e) => this.logger.error(`Inbound SMTP: ${e.message}`));
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) =>
        reject(new Error(`Inbound SMTP cannot listen on ${smtp.host}:${smtp.port}: ${e.message}`));
      server.server.once('error', onError);
      server.listen(smtp.port, smtp.host, () => {
        server.server.off('error', onError);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    this.logger.log(`Receiving bounces for ${domain} by SMTP on ${smtp.host}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.port = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
