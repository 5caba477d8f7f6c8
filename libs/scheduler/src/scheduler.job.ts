import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { SCHEDULER_INTERVAL_MS, SchedulerService } from './scheduler.service';

/** The worker's scheduler tick, every SCHEDULER_INTERVAL_MS. Needs ScheduleModule.forRoot() in the app. */
@Injectable()
export class SchedulerJob {
  private readonly logger = new Logger('Scheduler');
  private running = false;

  constructor(private readonly scheduler: SchedulerService) {}

  @Interval('campaign-scheduler', SCHEDULER_INTERVAL_MS)
  async onInterval(): Promise<void> {
    // A long planning pass must not overlap the next tick of this process; other workers are
    // kept apart by the database (unique runs, SKIP LOCKED claims).
    if (this.running) return;
    this.running = true;
    try {
      await this.scheduler.tick(new Date());
    } catch (e) {
      // The database may be restarting; the next tick tries again.
      this.logger.error(`Scheduler tick failed: ${(e as Error).message}`, (e as Error).stack);
    } finally {
      this.running = false;
    }
  }
}
