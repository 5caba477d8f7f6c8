import * as os from 'node:os';
import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { Channel } from '@touchbase/core';
import { MetricsService } from '@touchbase/metrics';
import { DeliveryStatus, sqlValue } from '@touchbase/runs';

type WorkerLabels = 'channel' | 'worker';

/**
 * Dispatch metrics, in the process registry served at /metrics. What a process did is labelled with
 * its worker id (WORKER_ID, else host and pid), so several workers' series never merge; the queue
 * depth is the database's, the same from every process.
 */
@Injectable()
export class DispatchMetrics {
  readonly worker: string;
  /** Outcomes per channel: sent, delivered, handed-over, retried, failed, bounced, cancelled. */
  readonly outcomes: Counter<WorkerLabels | 'outcome'>;
  readonly claimLatency: Histogram<WorkerLabels>;
  /** Seconds per batch and stage: claim, prepare, send, finish, and total (claim to recorded). */
  readonly stageDuration: Histogram<WorkerLabels | 'stage'>;
  /** Deliveries this process holds a lease on right now. */
  readonly inFlight: Gauge<WorkerLabels>;
  /** Deliveries whose expired lease (a crashed worker's) this process took back. */
  readonly reclaimed: Counter<WorkerLabels>;

  constructor(metrics: MetricsService, dataSource: DataSource, config: AppConfig) {
    this.worker = config.worker.id ?? `${os.hostname()}-${process.pid}`;
    const registers = [metrics.registry];
    const labelNames = ['channel', 'worker'] as const;
    this.outcomes = new Counter({
      name: 'touchbase_dispatch_outcomes_total',
      help: 'Dispatched deliveries by channel and outcome (sent, delivered, handed-over, retried, failed, bounced, cancelled)',
      labelNames: ['channel', 'outcome', 'worker'] as const,
      registers,
    });
    this.claimLatency = new Histogram({
      name: 'touchbase_dispatch_claim_latency_seconds',
      help: 'Time from a delivery being due to a worker claiming it',
      labelNames,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.stageDuration = new Histogram({
      name: 'touchbase_dispatch_batch_duration_seconds',
      help: 'Duration of a dispatch batch by stage: claim, prepare, send, finish, total',
      labelNames: ['channel', 'worker', 'stage'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.inFlight = new Gauge({
      name: 'touchbase_dispatch_in_flight',
      help: 'Deliveries this process holds a lease on',
      labelNames,
      registers,
    });
    this.reclaimed = new Counter({
      name: 'touchbase_dispatch_reclaimed_total',
      help: 'Deliveries taken back after their lease expired (a worker died holding them)',
      labelNames,
      registers,
    });
    new Gauge({
      name: 'touchbase_dispatch_queue_depth',
      help: 'Deliveries due now and not yet claimed, by channel',
      labelNames: ['channel'] as const,
      registers,
      async collect() {
        const rows: { channel: string; n: number }[] = await dataSource
          .query(
            `SELECT channel, count(*)::int AS n FROM deliveries WHERE status = ${sqlValue(DeliveryStatus.Queued)} AND due_at <= now() GROUP BY channel`,
          )
          .catch(() => []);
        this.reset();
        for (const channel of Object.values(Channel)) this.set({ channel }, 0);
        for (const r of rows) this.set({ channel: r.channel }, r.n);
      },
    });
  }
}
