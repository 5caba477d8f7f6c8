import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundException } from '@touchbase/core';
import { isRunFinished, Run, runDeliveryCounts } from '@touchbase/runs';
import { RunProgressDto } from './dto/run-progress.dto';

/** How far a run is: its deliveries by status now, for the console's live view. */
@Injectable()
export class RunProgressService {
  constructor(private readonly dataSource: DataSource) {}

  async progress(runId: string): Promise<RunProgressDto> {
    const run = await this.dataSource
      .getRepository(Run)
      .findOne({ where: { id: runId }, select: ['id', 'status'] });
    if (!run) throw new NotFoundException('Run', runId);
    const counts = await runDeliveryCounts(this.dataSource.manager, runId);
    const finished = isRunFinished(run.status);
    const done = counts.total - counts.open;
    return {
      runId,
      status: run.status,
      byStatus: counts.byStatus,
      total: counts.total,
      done,
      doneFraction: finished ? 1 : counts.total > 0 ? done / counts.total : 0,
      finished,
      at: new Date().toISOString(),
    };
  }
}
