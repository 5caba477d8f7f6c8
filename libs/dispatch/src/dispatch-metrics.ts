import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import { MetricsService } from '@touchbase/metrics';

/** Dispatch metrics per channel, in the process registry served at /metrics. */
@Injectable()
export class DispatchMetrics {
  readonly outcomes: Counter<'channel' | 'outcome'>;
  readonly claimLatency: Histogram<'channel'>;

  constructor(metrics: MetricsService, dataSource: DataSource) {
    const registers = [metrics.registry];
    this.outcomes = new Counter({
      name: 'touchbase_dispatch_outcomes_total',
      help: 'Dispatched deliveries by channel and outcome (sent, delivered, handed-over, retried, failed, bounced, cancelled)',
      labelNames: ['channel', 'outcome'] as const,
      registers,
    });
    this.claimLatency = new Histogram({
      name: 'touchbase_dispatch_claim_latency_seconds',
      help: 'Time from a delivery being due to a worker claiming it',
      labelNames: ['channel'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
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
            `SELECT channel, count(*)::int AS n FROM deliveries WHERE status = 'queued' AND due_at <= now() GROUP BY channel`,
          )
          .catch(() => []);
        this.reset();
        for (const r of rows) this.set({ channel: r.channel }, r.n);
      },
    });
  }
}
