import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';

/** One message the sink accepted. */
export interface SinkMessage {
  /** Envelope: MAIL FROM and the accepted RCPT TO addresses. */
  envelopeFrom: string;
  envelopeTo: string[];
  /** Parsed (empty when the sink does not parse). */
  from: { name: string; address: string } | null;
  to: { name: string; address: string }[];
  subject: string;
  html: string;
  text: string;
  messageId: string;
  /** Parsed headers by lowercase name. */
  headers: Map<string, unknown>;
  /** The header block as received, folding included. */
  rawHeaders: string;
  attachments: { contentId: string | null; contentType: string; contentDisposition: string; size: number }[];
  raw: Buffer;
  /** When DATA completed (ms since the epoch). */
  receivedAt: number;
}

export interface SinkReply {
  code: number;
  message: string;
}

/**
 * Decides a recipient's fate at RCPT TO (`stage: 'rcpt'`) or after the message data (`'data'`, so the
 * message was seen; it is kept in `rejected`): a reply refuses it (4xx or 5xx), nothing accepts it.
 * `attempt` counts that stage's attempts for the address, from 1.
 */
export type SinkRule = (rcpt: {
  address: string;
  from: string;
  attempt: number;
  stage: 'rcpt' | 'data';
}) => SinkReply | null | undefined;

export interface SmtpSinkOptions {
  /** Parse each message with mailparser (default true; off for benchmarks). */
  parse?: boolean;
  /** Wait this long before accepting each message, as a slow server would. */
  delayMs?: number;
  port?: number;
}

/**
 * A real SMTP server (smtp-server) on a free local port that records what it receives and answers
 * 4xx/5xx for chosen recipients on demand. A message is recorded before the 250 reply, so when the
 * sender hears back the message is already in `messages`.
 */
export class SmtpSink {
  readonly messages: SinkMessage[] = [];
  /** Messages refused after their data by a `data` rule. */
  readonly rejected: SinkMessage[] = [];
  /** Accepted messages (counted when not parsed too). */
  accepted = 0;
  /** When each accepted message's DATA completed (ms since the epoch). */
  readonly arrivals: number[] = [];
  private readonly attemptCounts = new Map<string, number>();
  private readonly dataAttemptCounts = new Map<string, number>();
  private rules: SinkRule[] = [];
  private readonly waiters = new Set<() => void>();

  private readonly server: SMTPServer;

  private constructor(private readonly options: SmtpSinkOptions) {
    this.server = new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      disableReverseLookup: true,
      size: 25 * 1024 * 1024,
      maxClients: 1000,
      onRcptTo: (address, session, callback) => this.onRcptTo(address, session, callback),
      onData: (stream, session, callback) => this.onData(stream, session, callback),
    });
    this.server.on('error', () => undefined); // a client dropping its connection is not our concern
  }

  static async start(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(options);
    await new Promise<void>((resolve, reject) => {
      sink.server.server.once('error', reject);
      sink.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return sink;
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  /** Open SMTP connections (a pooled sender keeps some). */
  get connections(): number {
    return this.server.connections.size;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** RCPT TO attempts seen for an address (accepted or not). */
  attempts(address: string): number {
    return this.attemptCounts.get(address.toLowerCase()) ?? 0;
  }

  /** Messages accepted for an address. */
  to(address: string): SinkMessage[] {
    const a = address.toLowerCase();
    return this.messages.filter((m) => m.envelopeTo.includes(a));
  }

  rule(rule: SinkRule): this {
    this.rules.push(rule);
    return this;
  }

  /** The first `n` attempts for each of `addresses` get `code` at RCPT TO (451: try again later). */
  failFirst(
    addresses: string[],
    n: number,
    code = 451,
    message = 'Temporary failure, try again later',
  ): this {
    return this.failFirstAt('rcpt', addresses, n, { code, message });
  }

  /** As failFirst, but after the message data has been sent (the message is seen, then refused). */
  failDataFirst(
    addresses: string[],
    n: number,
    code = 451,
    message = 'Temporary failure, try again later',
  ): this {
    return this.failFirstAt('data', addresses, n, { code, message });
  }

  private failFirstAt(at: 'rcpt' | 'data', addresses: string[], n: number, reply: SinkReply): this {
    const set = new Set(addresses.map((a) => a.toLowerCase()));
    return this.rule(({ address, attempt, stage }) =>
      stage === at && set.has(address) && attempt <= n ? reply : null,
    );
  }

  /** Every attempt for `address` gets `code` at RCPT TO (550: no such mailbox). */
  alwaysFail(address: string, code = 550, message = 'No such user here'): this {
    const a = address.toLowerCase();
    return this.rule(({ address: to, stage }) => (stage === 'rcpt' && to === a ? { code, message } : null));
  }

  clearRules(): this {
    this.rules = [];
    return this;
  }

  reset(): void {
    this.messages.length = 0;
    this.rejected.length = 0;
    this.arrivals.length = 0;
    this.accepted = 0;
    this.attemptCounts.clear();
    this.dataAttemptCounts.clear();
    this.rules = [];
  }

  /** Resolves once `count` messages in all have been accepted. */
  waitFor(count: number, timeoutMs = 30_000): Promise<void> {
    if (this.accepted >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.accepted < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`The sink got ${this.accepted} of ${count} messages in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onRcptTo(
    address: SMTPServerAddress,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ) {
    const to = address.address.toLowerCase();
    const attempt = (this.attemptCounts.get(to) ?? 0) + 1;
    this.attemptCounts.set(to, attempt);
    const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    callback(this.verdict({ address: to, from, attempt, stage: 'rcpt' }));
  }

  private verdict(rcpt: Parameters<SinkRule>[0]): Error | null {
    for (const rule of this.rules) {
      const reply = rule(rcpt);
      if (reply) return Object.assign(new Error(reply.message), { responseCode: reply.code });
    }
    return null;
  }

  private onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      const to = session.envelope.rcptTo[0]?.address.toLowerCase() ?? '';
      const attempt = (this.dataAttemptCounts.get(to) ?? 0) + 1;
      this.dataAttemptCounts.set(to, attempt);
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const refusal =
        this.rules.length > 0 ? this.verdict({ address: to, from, attempt, stage: 'data' }) : null;
      void this.record(Buffer.concat(chunks), session, refusal === null).then(
        (id) => {
          const reply = () => (refusal ? callback(refusal) : callback(null, `OK: queued as ${id}`));
          if (this.options.delayMs) setTimeout(reply, this.options.delayMs);
          else reply();
        },
        (e: Error) => callback(e),
      );
    });
  }

  private async record(raw: Buffer, session: SMTPServerSession, accepted: boolean): Promise<number> {
    const receivedAt = Date.now();
    const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const envelopeTo = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
    if (this.options.parse !== false) {
      const parsed = await simpleParser(raw, { skipTextToHtml: true, keepCidLinks: true });
      const headerEnd = raw.indexOf('\r\n\r\n');
      const addresses = (v: unknown) =>
        ([] as { value: { name: string; address?: string }[] }[])
          .concat((v as never) ?? [])
          .flatMap((o) => o.value.map((a) => ({ name: a.name, address: a.address ?? '' })));
      (accepted ? this.messages : this.rejected).push({
        envelopeFrom,
        envelopeTo,
        from: addresses(parsed.from)[0] ?? null,
        to: addresses(parsed.to),
        subject: parsed.subject ?? '',
        html: typeof parsed.html === 'string' ? parsed.html : '',
        text: parsed.text ?? '',
        messageId: parsed.messageId ?? '',
        headers: parsed.headers as Map<string, unknown>,
        rawHeaders: raw.subarray(0, headerEnd < 0 ? raw.length : headerEnd).toString('latin1'),
        attachments: parsed.attachments.map((a) => ({
          contentId: a.contentId ?? null,
          contentType: a.contentType,
          contentDisposition: a.contentDisposition ?? '',
          size: a.size,
        })),
        raw,
        receivedAt,
      });
    }
    if (!accepted) return 0;
    this.accepted += 1;
    this.arrivals.push(receivedAt);
    for (const wake of [...this.waiters]) wake();
    return this.accepted;
  }
}

/** The most messages accepted within any `windowMs` (a sliding window over the arrival times). */
export function maxInAnyWindow(times: number[], windowMs = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let lo = 0, hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi] - sorted[lo] >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
