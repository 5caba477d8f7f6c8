import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictException, NotFoundException } from '@touchbase/core';
import { cancelDeliveriesOfRun } from './deliveries.repository';
import { Run } from './entities/run.entity';
import { RunCancelHooks } from './run-cancel.hooks';
import { currentRunStats } from './run-stats';
import { CANCELLABLE_RUN_STATUSES, RunStatus } from './run-status.enum';
import { lockRun } from './runs.repository';

@Injectable()
export class RunCancellationService {
  private readonly logger = new Logger('Runs');

  constructor(
    private readonly dataSource: DataSource,
    private readonly hooks: RunCancelHooks,
  ) {}

  /**
   * Cancels a run: its queued deliveries and those handed to people become cancelled (which frees
   * their cap slots at once), and each library cancels its own rows of the run (call tasks, letter
   * batches) through its hook — all in one transaction, the run's row locked first.
   */
  async cancel(runId: string): Promise<Run> {
    const cancelled = await this.dataSource.transaction(async (manager) => {
      await lockRun(manager, runId);
      const run = await manager.getRepository(Run).findOneBy({ id: runId });
      if (!run) throw new NotFoundException('Run', runId);
      if (!(CANCELLABLE_RUN_STATUSES as readonly RunStatus[]).includes(run.status)) {
        throw new ConflictException(`A ${run.status} run cannot be cancelled`, { status: run.status });
      }
      const count = await cancelDeliveriesOfRun(manager, runId);
      await this.hooks.run(manager, runId);
      const stats = (await currentRunStats(manager, [runId])).get(runId);
      await manager
        .getRepository(Run)
        .update(
          { id: runId },
          { status: RunStatus.Cancelled, completedAt: new Date(), stats: { ...run.stats, ...stats } },
        );
      return count;
    });
    this.logger.log(`Cancelled run ${runId}: ${cancelled} queued deliveries cancelled`);
    return this.dataSource.getRepository(Run).findOneByOrFail({ id: runId });
  }
}
