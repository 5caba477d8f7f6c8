import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { ExperimentsService } from './experiments.service';

/** How often the worker looks for A/B tests whose window has ended. */
export const EXPERIMENTS_INTERVAL_MS = 60_000;

/** Decides A/B tests at the end of their window. Workers are kept apart by the database (SKIP LOCKED). */
@Injectable()
export class ExperimentsJob {
  private readonly logger = new Logger('Experiments');
  private running = false;

  constructor(private readonly experiments: ExperimentsService) {}

  @Interval('experiments', EXPERIMENTS_INTERVAL_MS)
  async onInterval(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.experiments.decideDue(new Date());
    } catch (e) {
      // The database may be restarting; the next tick tries again (nothing was half done).
      this.logger.error(`Deciding A/B tests failed: ${(e as Error).message}`, (e as Error).stack);
    } finally {
      this.running = false;
    }
  }
}
