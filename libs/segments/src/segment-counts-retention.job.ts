import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { SegmentCountService } from './segment-count.service';

export const SEGMENT_COUNTS_RETENTION_INTERVAL_MS = 3_600_000;

/**
 * Cached segment counts (segment_counts) are stale after minutes and asked for by hash only while a
 * screen waits on them: every hour the API deletes those untouched for a day, so the cache does not
 * grow with every rule anyone ever tried. Needs ScheduleModule.forRoot() in the app.
 */
@Injectable()
export class SegmentCountsRetentionJob {
  private readonly logger = new Logger('SegmentCounts');

  constructor(private readonly counts: SegmentCountService) {}

  @Interval('segment-counts-retention', SEGMENT_COUNTS_RETENTION_INTERVAL_MS)
  async onInterval(): Promise<void> {
    try {
      const n = await this.counts.pruneStale();
      if (n > 0) this.logger.log(`Deleted ${n} segment counts untouched for a day`);
    } catch (e) {
      // The database may be restarting; the next hour tries again.
      this.logger.warn(`Deleting old segment counts failed: ${(e as Error).message}`);
    }
  }
}
