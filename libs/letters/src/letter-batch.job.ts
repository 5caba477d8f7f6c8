import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { LetterBatchBuilderService } from './letter-batch-builder.service';

export const LETTER_BATCH_SWEEP_MS = 60_000;

/**
 * The worker's sweep over building letter batches: builds what a crash interrupted, what a failed
 * build left, and batches whose last letters were cancelled rather than handed over.
 * Needs ScheduleModule.forRoot() in the app.
 */
@Injectable()
export class LetterBatchJob {
  private readonly logger = new Logger('LetterBatches');
  private running = false;

  constructor(private readonly builder: LetterBatchBuilderService) {}

  @Interval('letter-batch-sweep', LETTER_BATCH_SWEEP_MS)
  async onInterval(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.builder.sweep();
    } catch (e) {
      // The database may be restarting; the next sweep tries again.
      this.logger.warn(`Letter batch sweep failed: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
