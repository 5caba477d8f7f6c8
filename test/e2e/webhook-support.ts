import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One webhook as a receiver got it, checked with the standardwebhooks package (not the product's code). */
export interface ReceivedHook {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
  verified: boolean;
}

/**
 * A local HTTP receiver of webhooks. `hold` keeps requests open (the answer is sent when released);
 * `status` is the answer's code.
 */
export class HookReceiver {
  readonly received: ReceivedHook[] = [];
  status = 200;
  secret = '';
  private server?: http.Server;
  private holding: (() => void)[] | null = null;
  private waiters: (() => void)[] = [];

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hook`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const answer = () => {
          // A held request whose sender died meanwhile was never delivered as far as the sender knows.
          if (res.socket?.destroyed) return;
          if (this.status >= 200 && this.status < 300) this.record(req.headers, body);
          res.writeHead(this.status).end();
        };
        if (this.holding) {
          this.holding.push(answer);
          for (const w of this.waiters.splice(0)) w();
        } else answer();
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this;
  }

  private record(headers: http.IncomingHttpHeaders, body: string): void {
    let verified = true;
    try {
      new Webhook(this.secret).verify(body, {
        'webhook-id': String(headers['webhook-id']),
        'webhook-timestamp': String(headers['webhook-timestamp']),
        'webhook-signature': String(headers['webhook-signature']),
      });
    } catch {
      verified = false;
    }
    const parsed = JSON.parse(body) as Omit<ReceivedHook, 'verified'>;
    this.received.push({ ...parsed, id: String(headers['webhook-id']), verified });
  }

  /** From now on requests are held open until release(). */
  hold(): void {
    this.holding = [];
  }

  /** Resolves once a request is being held. */
  async held(): Promise<void> {
    if (this.holding && this.holding.length > 0) return;
    await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Answers the held requests (whose senders may be gone) and stops holding. */
  release(): void {
    const held = this.holding ?? [];
    this.holding = null;
    for (const answer of held) answer();
  }

  of(type: string): ReceivedHook[] {
    return this.received.filter((r) => r.type === type);
  }

  async close(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
