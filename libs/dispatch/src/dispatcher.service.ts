import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { AppConfig } from '@touchbase/config';
import { markTouched } from '@touchbase/clients';
import { Channel, sleep } from '@touchbase/core';
import {
  claimDue,
  completeRunsIfDone,
  DeliveryReason,
  DeliveryStatus,
  finishBatch,
  reclaimExpired,
  releaseClaims,
  renewClaims,
} from '@touchbase/runs';
import { retryDelayMs } from './backoff';
import { CHANNEL_HANDLER, ChannelHandler, ClaimedDelivery, DispatchOutcome } from './channel-handler';
import { isConnectionError } from './connection-error';
import { DispatchMetrics } from './dispatch-metrics';
import { NOTIFY_CHANNEL } from './dispatch.sql';
import { MessagePreparerService, Prepared } from './message-preparer.service';

type Settled = DispatchOutcome | { kind: 'cancelled'; reason: string };

const SHUTDOWN_WAIT_MS = 25_000;
const ERROR_PAUSE_MS = 1_000;

/**
 * One loop per dispatched channel: take back expired leases, claim a due batch (SKIP LOCKED, a lease
 * and a claim token), prepare (re-checking consent), hand the batch to the channel's handler, record
 * the outcomes guarded by the token. Woken by NOTIFY from the planner; polls as a fallback.
 */
@Injectable()
export class DispatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Dispatch');
  private readonly handlers = new Map<Channel, ChannelHandler>();
  private readonly wakers = new Map<Channel, () => void>();
  /** The leases this worker holds, by claim token: renewed together while their batches work. */
  private readonly inFlight = new Map<string, Lease>();
  private renewer?: NodeJS.Timeout;
  private readonly running: Promise<void>[] = [];
  private listener?: Client;
  private stopping = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly preparer: MessagePreparerService,
    private readonly metrics: DispatchMetrics,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const channel = wrapper.metatype && this.reflector.get<Channel>(CHANNEL_HANDLER, wrapper.metatype);
      if (channel && wrapper.instance) this.handlers.set(channel, wrapper.instance as ChannelHandler);
    }
    const channels = this.config.dispatch.channels;
    const missing = channels.filter((c) => !this.handlers.has(c));
    if (missing.length > 0) {
      throw new Error(
        `No dispatch handler for ${missing.join(', ')}: every channel in DISPATCH_CHANNELS needs one`,
      );
    }
    for (const channel of channels) this.running.push(this.loop(channel));
    this.renewer = setInterval(() => void this.renewLeases(), (this.config.dispatch.leaseSeconds * 1000) / 3);
    this.renewer.unref();
    void this.listen();
    this.logger.log(`Dispatching ${channels.join(', ')} (batches of ${this.config.dispatch.batchSize})`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wakers.values()) wake();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.running),
      new Promise((r) => (timer = setTimeout(r, SHUTDOWN_WAIT_MS))),
    ]);
    clearTimeout(timer);
    clearInterval(this.renewer);
    if (this.inFlight.size > 0) {
      const released = await releaseClaims(this.dataSource.manager, [...this.inFlight.keys()]).catch(() => 0);
      this.logger.warn(`Released ${released} deliveries still held at shutdown`);
    }
    await this.listener?.end().catch(() => undefined);
  }

  /** Processes one batch of a channel now; returns how many deliveries it claimed. For tests and tools. */
  async dispatchOnce(channel: Channel): Promise<number> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler for ${channel}`);
    const batch = await this.claim(channel);
    if (!batch) return 0;
    await this.complete(channel, handler, batch);
    return batch.items.length;
  }

  /**
   * A two-stage pipeline: while one batch is with the handler, the next is claimed and prepared (a
   * full batch means more is due). A batch's outcomes are recorded before the next one is handed
   * over, so at most one batch is ever sent and not yet recorded: what a crash can send twice.
   */
  private async loop(channel: Channel): Promise<void> {
    const handler = this.handlers.get(channel)!;
    const { batchSize, pollMs } = this.config.dispatch;
    let next: Promise<Batch | null> | null = null;
    const followUps = new Set<Promise<void>>();
    while (!this.stopping) {
      let batch: Batch | null;
      try {
        batch = await (next ?? this.claim(channel));
      } catch (e) {
        // The database may be restarting: pause, then try again; the pool reconnects.
        this.logger.warn(`${channel} dispatch failed, retrying: ${(e as Error).message}`);
        next = null;
        await sleep(ERROR_PAUSE_MS);
        continue;
      }
      next = null;
      if (!batch) {
        if (!this.stopping) await this.sleepUntilWoken(channel, pollMs);
        continue;
      }
      if (batch.items.length === batchSize && !this.stopping) {
        next = this.claim(channel);
        next.catch(() => undefined); // handled when awaited above
      }
      try {
        await this.complete(channel, handler, batch, followUps);
      } catch (e) {
        this.logger.warn(`${channel} outcomes not recorded, the lease will expire: ${(e as Error).message}`);
      }
    }
    // Stopping: a batch claimed ahead was not handed over; it goes back to the queue.
    const ahead = await next?.catch(() => null);
    if (ahead) await this.release(ahead);
    await Promise.all(followUps);
  }

  /** Takes back expired leases, claims a due batch and prepares it (re-checking consent). */
  private async claim(channel: Channel): Promise<Batch | null> {
    const { batchSize, leaseSeconds } = this.config.dispatch;
    const started = process.hrtime.bigint();
    const reclaimed = await reclaimExpired(this.dataSource.manager, channel);
    if (reclaimed > 0) {
      this.metrics.reclaimed.inc({ channel, worker: this.metrics.worker }, reclaimed);
      this.logger.warn(`Took back ${reclaimed} ${channel} deliveries whose lease expired`);
    }
    const token = randomUUID();
    const rows = await claimDue(this.dataSource.manager, { channel, limit: batchSize, token, leaseSeconds });
    if (rows.length === 0) return null;
    const claimedAt = Date.now();
    const lease: Lease = { endsAt: claimedAt + leaseSeconds * 1000 };
    this.inFlight.set(token, lease);
    this.metrics.inFlight.inc({ channel, worker: this.metrics.worker }, rows.length);
    const labels = { channel, worker: this.metrics.worker };
    for (const r of rows)
      this.metrics.claimLatency.observe(labels, Math.max(0, (claimedAt - r.due_at.getTime()) / 1000));
    this.metrics.stageDuration.observe({ ...labels, stage: 'claim' }, secondsSince(started));
    const items: ClaimedDelivery[] = rows.map((r) => ({
      id: r.id,
      runId: r.run_id,
      campaignId: r.campaign_id,
      clientId: r.client_id,
      channel: r.channel,
      priority: r.priority,
      countsAsTouch: r.counts_as_touch,
      scheduledAt: r.scheduled_at,
      attempts: r.attempts,
      claimToken: token,
      meta: r.meta ?? {},
    }));
    const preparing = process.hrtime.bigint();
    let prepared: Prepared;
    try {
      prepared = await this.preparer.prepare(items);
    } catch (e) {
      prepared = { ready: [], settled: new Map(items.map((i) => [i.id, retry(e)])) };
    }
    this.metrics.stageDuration.observe({ ...labels, stage: 'prepare' }, secondsSince(preparing));
    return { token, items, prepared, started, lease };
  }

  /**
   * Hands a claimed batch to the channel's handler and records every outcome. The follow-up (touches,
   * run completion) is awaited too, unless `followUps` is given: then it is left there to finish
   * beside the next batch.
   */
  private async complete(
    channel: Channel,
    handler: ChannelHandler,
    batch: Batch,
    followUps?: Set<Promise<void>>,
  ): Promise<void> {
    const labels = { channel, worker: this.metrics.worker };
    try {
      const outcomes = new Map<string, Settled>(batch.prepared.settled);
      const { ready } = batch.prepared;
      if (ready.length > 0) {
        const sending = process.hrtime.bigint();
        let results: DispatchOutcome[];
        try {
          results = await handler.dispatch(ready);
        } catch (e) {
          // A handler should settle each item itself; if it throws, the whole batch is tried again.
          results = ready.map(() => retry(e));
        }
        ready.forEach((item, i) => outcomes.set(item.id, results[i] ?? retry(new Error('no outcome'))));
        this.metrics.stageDuration.observe({ ...labels, stage: 'send' }, secondsSince(sending));
      }
      const finishing = process.hrtime.bigint();
      const followUp = await this.finish(channel, batch, outcomes);
      this.metrics.stageDuration.observe({ ...labels, stage: 'finish' }, secondsSince(finishing));
      this.metrics.stageDuration.observe({ ...labels, stage: 'total' }, secondsSince(batch.started));
      if (!followUps) return await followUp();
      // A few at most: a slow follow-up must not take every connection of the pool.
      if (followUps.size >= 2) await Promise.race(followUps);
      const running: Promise<void> = followUp()
        .catch((e: unknown) =>
          this.logger.warn(`${channel} touches or run completion: ${(e as Error).message}`),
        )
        .finally(() => followUps.delete(running));
      followUps.add(running);
    } finally {
      this.inFlight.delete(batch.token);
      this.metrics.inFlight.dec(labels, batch.items.length);
    }
  }

  /** Gives a batch back unsent (the attempt not counted). */
  private async release(batch: Batch): Promise<void> {
    await releaseClaims(this.dataSource.manager, [batch.token]).catch(() => undefined);
    this.inFlight.delete(batch.token);
    this.metrics.inFlight.dec(
      { channel: batch.items[0].channel, worker: this.metrics.worker },
      batch.items.length,
    );
  }

  /**
   * Records a batch's outcomes (one statement: what stands between a send and its record). Returns the
   * follow-up — last touches and run completion — which need not hold up the next batch.
   */
  private async finish(
    channel: Channel,
    batch: Batch,
    outcomes: Map<string, Settled>,
  ): Promise<() => Promise<void>> {
    const { items } = batch;
    const { maxAttempts, retryBaseMs } = this.config.dispatch;
    const cols = {
      id: [] as string[],
      token: [] as string[],
      status: [] as DeliveryStatus[],
      reason: [] as (string | null)[],
    };
    const more = {
      error: [] as (string | null)[],
      provider: [] as (string | null)[],
      due: [] as (Date | null)[],
      meta: [] as string[],
    };
    for (const item of items) {
      const o = outcomes.get(item.id) ?? retry(new Error('no outcome'));
      let status: DeliveryStatus;
      let reason: string | null = null;
      let error: string | null = null;
      let due: Date | null = null;
      let label: string = o.kind;
      switch (o.kind) {
        case 'sent':
        case 'delivered':
          status = o.kind === 'sent' ? DeliveryStatus.Sent : DeliveryStatus.Delivered;
          break;
        case 'handed-over':
          status = DeliveryStatus.Sending;
          break;
        case 'cancelled':
          status = DeliveryStatus.Cancelled;
          reason = o.reason;
          break;
        case 'bounced':
          status = DeliveryStatus.Bounced;
          error = o.error;
          break;
        case 'failed':
          status = DeliveryStatus.Failed;
          reason = o.reason ?? null;
          error = o.error;
          break;
        case 'retry':
          if (item.attempts >= maxAttempts) {
            status = DeliveryStatus.Failed;
            reason = DeliveryReason.AttemptsExhausted;
            error = `Gave up after ${item.attempts} attempts: ${o.error}`;
            label = 'failed';
          } else {
            status = DeliveryStatus.Queued;
            error = o.error;
            due = new Date(Date.now() + retryDelayMs(item.attempts, retryBaseMs, o.retryAfterMs));
            label = 'retried';
          }
          break;
      }
      this.metrics.outcomes.inc({ channel, outcome: label, worker: this.metrics.worker });
      cols.id.push(item.id);
      cols.token.push(item.claimToken);
      cols.status.push(status);
      cols.reason.push(reason);
      more.error.push(error?.slice(0, 2000) ?? null);
      more.provider.push('providerId' in o ? (o.providerId ?? null) : null);
      more.due.push(due);
      more.meta.push(JSON.stringify('meta' in o && o.meta ? o.meta : {}));
    }
    // What was sent must be recorded, or another worker sends it again when the lease expires: a
    // database that restarts or drops connections is waited for, as long as the lease lasts. The
    // token makes a repeat harmless (rows already recorded no longer match).
    const finished = await this.persist(batch, () =>
      finishBatch(this.dataSource.manager, {
        ids: cols.id,
        tokens: cols.token,
        statuses: cols.status,
        reasons: cols.reason,
        errors: more.error,
        providerIds: more.provider,
        dueAts: more.due,
        metas: more.meta,
      }),
    );
    const touched = finished
      .filter(
        (f) =>
          f.counts_as_touch && (f.status === DeliveryStatus.Sent || f.status === DeliveryStatus.Delivered),
      )
      .map((f) => f.client_id);
    const runIds = [...new Set(items.map((i) => i.runId))];
    return async () => {
      if (touched.length > 0) await this.persist(batch, () => markTouched(this.dataSource.manager, touched));
      await this.persist(batch, () => this.dataSource.transaction((m) => completeRunsIfDone(m, runIds)));
    };
  }

  /** Runs a statement again while the database is unreachable, until the batch's lease ends. */
  private async persist<T>(batch: Batch, run: () => Promise<T>): Promise<T> {
    let pause = 250;
    for (;;) {
      try {
        return await run();
      } catch (e) {
        if (!isConnectionError(e) || Date.now() + pause >= batch.lease.endsAt) throw e;
        this.logger.warn(`Recording outcomes failed, trying again: ${(e as Error).message}`);
        await sleep(pause);
        pause = Math.min(pause * 2, 5_000);
      }
    }
  }

  /**
   * Extends every lease this worker holds by another lease, in one statement, every third of a lease:
   * a batch that works longer than a lease keeps it, and a worker that dies loses it within one.
   */
  private async renewLeases(): Promise<void> {
    if (this.inFlight.size === 0) return;
    const { leaseSeconds } = this.config.dispatch;
    const asked = Date.now();
    try {
      const renewed = await renewClaims(this.dataSource.manager, [...this.inFlight.keys()], leaseSeconds);
      for (const token of renewed) {
        const lease = this.inFlight.get(token);
        if (lease) lease.endsAt = asked + leaseSeconds * 1000;
      }
    } catch (e) {
      // The database may be away: the next beat tries again, and the leases run on until then.
      this.logger.warn(`Renewing dispatch leases failed: ${(e as Error).message}`);
    }
  }

  private sleepUntilWoken(channel: Channel, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakers.set(channel, done);
    });
  }

  /** LISTEN for "work is due" from the planner, reconnecting when the database goes away. */
  private async listen(): Promise<void> {
    const url = (this.dataSource.options as PostgresConnectionOptions).url;
    let delay = 500;
    while (!this.stopping) {
      const client = new Client({ connectionString: url, application_name: 'touchbase-dispatch-listener' });
      try {
        await client.connect();
        this.listener = client;
        client.on('notification', (n) => {
          const wake = this.wakers.get(n.payload as Channel);
          if (wake) wake();
          else for (const w of this.wakers.values()) w();
        });
        await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
        delay = 500;
        await new Promise<void>((resolve) => {
          client.once('error', () => resolve());
          client.once('end', () => resolve());
        });
      } catch {
        // fall through to the reconnect below
      }
      await client.end().catch(() => undefined);
      if (!this.stopping) {
        await sleep(delay);
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }
}

/** When a claim's lease ends, as far as this worker knows (it moves on with every renewal). */
interface Lease {
  endsAt: number;
}

/** A claimed batch: its token, items, what preparing made of them, and its lease. */
interface Batch {
  token: string;
  items: ClaimedDelivery[];
  prepared: Prepared;
  started: bigint;
  lease: Lease;
}

function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function retry(e: unknown): DispatchOutcome {
  return { kind: 'retry', error: e instanceof Error ? e.message : String(e) };
}
