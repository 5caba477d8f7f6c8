import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { validateEnvironment } from '@touchbase/config';
import { RuntimeModule } from '@touchbase/runtime';
import {
  emitSelect,
  WebhookEndpointsService,
  WebhookEventType,
  WebhooksWorkerModule,
} from '@touchbase/webhooks';
import { benchDatabase, result } from './_support';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
/** Events per client: a client's events go out one after another (per-client order). */
const PER_CLIENT = Number(process.env.BENCH_EVENTS_PER_CLIENT ?? 10);

/**
 * Outbound webhooks: EVENTS events emitted into the outbox (PER_CLIENT per client), delivered by the
 * worker's job (fan-out, claims, signed POSTs, recording) to a local HTTP receiver, against raw HTTP
 * POSTs of the same bodies with the same number in flight, in the same run and to the same receiver.
 * `ratio` = worker events/s ÷ raw events/s (target ≥ 0.7). Every event must arrive, each client's in
 * order.
 */
export default async function webhooksBench(): Promise<void> {
  const db = await benchDatabase('webhooks');
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  const receiver = new Receiver();
  await receiver.start();
  let app: INestApplicationContext | undefined;
  try {
    app = await workerContext(db.url);
    const { concurrency } = app.get(WebhooksBenchConfig);
    await app.get(WebhookEndpointsService).create({ url: receiver.url, description: 'bench' });

    // The bodies the raw run posts: the same shape and size as the worker's.
    const clients = Math.max(1, Math.ceil(EVENTS / PER_CLIENT));
    const bodies = Array.from({ length: EVENTS }, (_, i) =>
      JSON.stringify({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        type: WebhookEventType.DeliverySent,
        timestamp: new Date().toISOString(),
        data: payloadOf(i, clients),
      }),
    );
    const raw = await rawPosts(receiver, bodies, concurrency);
    process.stdout.write(`Raw POSTs: ${EVENTS} in ${raw.toFixed(2)} s, ${concurrency} in flight\n`);
    receiver.reset();

    process.stdout.write(`Emitting ${EVENTS.toLocaleString('en')} events for ${clients} clients…\n`);
    const start = process.hrtime.bigint();
    await db.dataSource.transaction((m) =>
      emitSelect(
        m,
        WebhookEventType.DeliverySent,
        `SELECT ('00000000-0000-4000-8000-' || lpad((g % $2)::text, 12, '0'))::uuid AS client_id,
                jsonb_build_object('deliveryId', g::text, 'clientId', '00000000-0000-4000-8000-' || lpad((g % $2)::text, 12, '0'),
                                   'externalRef', 'BENCH-' || g, 'runId', '00000000-0000-4000-8000-000000000001',
                                   'campaignId', '00000000-0000-4000-8000-000000000002', 'channel', 'email',
                                   'status', 'sent', 'reason', NULL, 'error', NULL,
                                   'providerId', 'delivery-' || g || '@bench.example',
                                   'sentAt', now(), 'deliveredAt', NULL, 'occurredAt', now()) AS payload
           FROM generate_series(0, $1 - 1) g ORDER BY g`,
        [EVENTS, clients],
      ),
    );
    await receiver.waitFor(EVENTS);
    const worker = Number(process.hrtime.bigint() - start) / 1e9;
    process.stdout.write(`Worker: ${EVENTS} delivered in ${worker.toFixed(2)} s\n`);

    // The last outcomes may still be on their way to the database when the receiver has them all.
    let delivered = 0;
    for (const until = Date.now() + 30_000; delivered < EVENTS && Date.now() < until;) {
      [{ delivered }] = await q(
        `SELECT count(*)::int AS delivered FROM webhook_deliveries WHERE status = 'delivered'`,
      );
      if (delivered < EVENTS) await new Promise((r) => setTimeout(r, 20));
    }
    const disorder = receiver.outOfOrder();
    const workerEps = EVENTS / worker;
    const rawEps = EVENTS / raw;
    result('webhooks', {
      ratio: workerEps / rawEps,
      events: EVENTS,
      worker_eps: workerEps,
      raw_eps: rawEps,
      worker_s: worker,
      raw_s: raw,
      delivered,
      received: receiver.count,
      out_of_order: disorder,
      clients,
      concurrency,
      load1: os.loadavg()[0],
      cpus: os.cpus().length,
    });
    if (delivered !== EVENTS || disorder > 0) {
      throw new Error(`Events were lost or out of order: ${delivered} delivered, ${disorder} out of order`);
    }
  } finally {
    await app?.close();
    await receiver.close();
    await db.close();
  }
}

function payloadOf(i: number, clients: number): Record<string, unknown> {
  const clientId = `00000000-0000-4000-8000-${String(i % clients).padStart(12, '0')}`;
  return {
    deliveryId: String(i),
    clientId,
    externalRef: `BENCH-${i}`,
    runId: '00000000-0000-4000-8000-000000000001',
    campaignId: '00000000-0000-4000-8000-000000000002',
    channel: 'email',
    status: 'sent',
    reason: null,
    error: null,
    providerId: `delivery-${i}@bench.example`,
    sentAt: new Date().toISOString(),
    deliveredAt: null,
    occurredAt: new Date().toISOString(),
  };
}

/** `concurrency` POSTs in flight at any time until every body went out; seconds taken. */
async function rawPosts(receiver: Receiver, bodies: string[], concurrency: number): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++];
        const res = await fetch(receiver.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
      }
    }),
  );
  await receiver.waitFor(bodies.length);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

class WebhooksBenchConfig {
  constructor(readonly concurrency: number) {}
}

/** The worker's webhook job (and nothing else of the worker) on `url`, polling every 50 ms. */
async function workerContext(url: string): Promise<INestApplicationContext> {
  const env = validateEnvironment({
    LOG_LEVEL: 'warn',
    DATABASE_MIGRATIONS_RUN: 'false',
    WEBHOOK_POLL_MS: process.env.WEBHOOK_POLL_MS ?? '50',
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  });
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 100);
  @Module({
    imports: [
      RuntimeModule.forRoot({ env, databaseUrl: url, applicationName: 'touchbase-bench' }),
      WebhooksWorkerModule,
    ],
    providers: [
      WebhookEndpointsService,
      { provide: WebhooksBenchConfig, useValue: new WebhooksBenchConfig(concurrency) },
    ],
  })
  class WebhooksBenchModule {}
  const app = await NestFactory.createApplicationContext(WebhooksBenchModule, { logger: ['error', 'warn'] });
  await app.init();
  return app;
}

/** The receiver: answers 204 at once, counts, and checks each client's events come in order. */
class Receiver {
  count = 0;
  private server?: http.Server;
  private lastOf = new Map<string, number>();
  private disorder = 0;
  private waiters: { n: number; resolve: () => void }[] = [];

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hook`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          data: { clientId: string; deliveryId: string };
        };
        const seq = Number(body.data.deliveryId);
        const last = this.lastOf.get(body.data.clientId) ?? -1;
        if (seq < last) this.disorder += 1;
        this.lastOf.set(body.data.clientId, Math.max(seq, last));
        this.count += 1;
        res.writeHead(204).end();
        this.waiters = this.waiters.filter((w) => (this.count >= w.n ? (w.resolve(), false) : true));
      });
    });
    this.server.keepAliveTimeout = 10_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
  }

  waitFor(n: number): Promise<void> {
    if (this.count >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  outOfOrder(): number {
    return this.disorder;
  }

  reset(): void {
    this.count = 0;
    this.lastOf.clear();
    this.disorder = 0;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
