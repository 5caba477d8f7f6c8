import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MailComposerOptions } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { EmailAddress, OutgoingEmail } from './email.driver';

/** Printable ASCII only: such a header value can go out as is, on one line. */
const PLAIN_HEADER_VALUE = /^[\x20-\x7e]*$/;

/**
 * What nodemailer's MailComposer builds the message from. Message-ID and the extra headers
 * (List-Unsubscribe …) are "prepared": written on one line, never folded, since some receivers
 * mishandle a folded List-Unsubscribe or Message-ID.
 */
export function composerOptions(message: OutgoingEmail): MailComposerOptions {
  const headers: NonNullable<MailComposerOptions['headers']> = {
    'Message-ID': prepared(message.messageId),
  };
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = prepared(value);
  return {
    from: mailbox(message.from),
    to: mailbox(message.to),
    subject: message.subject,
    html: message.html,
    text: message.text,
    headers,
    attachments: (message.inlineImages ?? []).map((image) => ({
      cid: image.cid,
      filename: image.filename,
      contentType: image.contentType,
      content: image.content,
      contentDisposition: 'inline',
    })),
    // Nothing in a message may make nodemailer read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** The RFC 5322 message, as sent over SMTP and as written to .eml files. */
export function composeEmail(message: OutgoingEmail): Promise<Buffer> {
  return new MailComposer(composerOptions(message)).compile().build();
}

/** The envelope: MAIL FROM and RCPT TO. */
export function envelopeOf(message: OutgoingEmail): { from: string; to: string[] } {
  return { from: message.envelopeFrom ?? message.from.address, to: [message.to.address] };
}

// Plain JavaScript, so that it runs the same from TypeScript sources (tests) and compiled code.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const loaded = require(workerData.composer);
const MailComposer = loaded.default || loaded;
parentPort.on('message', ({ id, options }) => {
  for (const a of options.attachments || []) {
    if (a.content && !Buffer.isBuffer(a.content)) a.content = Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength);
  }
  new MailComposer(options).compile().build().then(
    (raw) => parentPort.postMessage({ id, raw }),
    (e) => parentPort.postMessage({ id, error: String((e && e.message) || e) }),
  );
});`;

interface Pending {
  resolve(raw: Buffer): void;
  reject(error: Error): void;
}

interface ComposerThread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Builds messages on worker threads. MIME building (encoding HTML and text parts) is most of the CPU
 * an email costs, and it is pure work: on its own threads it runs beside rendering, the database and
 * the SMTP sockets of the main thread (bench/dispatch-email). With no spare core, in-thread.
 */
export class EmailComposer {
  private readonly threads: ComposerThread[] = [];
  private next = 0;
  private closed = false;

  constructor(private readonly size = defaultThreads()) {}

  compose(message: OutgoingEmail): Promise<Buffer> {
    if (this.size === 0 || this.closed) return composeEmail(message);
    const thread = this.pick();
    const id = ++this.next;
    return new Promise<Buffer>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, options: composerOptions(message) });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.splice(0).map((t) => t.worker.terminate()));
  }

  // The thread with the least work queued; threads start on first use.
  private pick(): ComposerThread {
    if (this.threads.length < this.size) return this.spawn();
    return this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private spawn(): ComposerThread {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { composer: require.resolve('nodemailer/lib/mail-composer') },
    });
    const thread: ComposerThread = { worker, pending: new Map() };
    worker.unref(); // idle threads never keep the process alive
    worker.on('message', ({ id, raw, error }: { id: number; raw?: Uint8Array; error?: string }) => {
      const job = thread.pending.get(id);
      thread.pending.delete(id);
      if (!job) return;
      if (raw) job.resolve(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
      else job.reject(new Error(error ?? 'The message could not be composed'));
    });
    const fail = (error: Error) => {
      // A dead thread fails what it held (the handler retries those) and is replaced on next use.
      const at = this.threads.indexOf(thread);
      if (at >= 0) this.threads.splice(at, 1);
      for (const job of thread.pending.values()) job.reject(error);
      thread.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The composer thread exited (${code})`)));
    this.threads.push(thread);
    return thread;
  }
}

/** Up to two threads, leaving a core to the main thread. */
function defaultThreads(): number {
  return Math.max(0, Math.min(2, availableParallelism() - 1));
}

function mailbox(a: EmailAddress): { name: string; address: string } {
  return { name: a.name ?? '', address: a.address };
}

function prepared(value: string): string | { prepared: true; value: string } {
  const line = value.replace(/[\r\n]+/g, ' ');
  // Anything else (non-ASCII) is left to nodemailer to encode.
  return PLAIN_HEADER_VALUE.test(line) ? { prepared: true, value: line } : line;
}
