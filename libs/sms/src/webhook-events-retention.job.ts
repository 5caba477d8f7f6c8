import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';

export const WEBHOOK_RETENTION_INTERVAL_MS = 3_600_000;

/**
 * Provider callbacks (webhook_events) are kept only to make repeats harmless; providers retry for
 * hours, not weeks. The worker deletes those older than WEBHOOK_EVENTS_RETENTION_DAYS every hour.
 * Needs ScheduleModule.forRoot() in the app.
 */
@Injectable()
export class WebhookEventsRetentionJob {
  private readonly logger = new Logger('Webhooks');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  @Interval('webhook-events-retention', WEBHOOK_RETENTION_INTERVAL_MS)
  async onInterval(): Promise<void> {
    try {
      await this.prune();
    } catch (e) {
      // The database may be restarting; the next hour tries again.
      this.logger.warn(`Deleting old webhook events failed: ${(e as Error).message}`);
    }
  }

  /** Deletes the callbacks older than the retention; returns how many. */
  async prune(now = new Date()): Promise<number> {
    const days = this.config.sms.webhookEventsRetentionDays;
    const [{ n }] = await this.dataSource.query(
      `WITH gone AS (DELETE FROM webhook_events WHERE received_at < $1::timestamptz - make_interval(days => $2) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [now.toISOString(), days],
    );
    if (n > 0) this.logger.log(`Deleted ${n} webhook events older than ${days} days`);
    return n;
  }
}
