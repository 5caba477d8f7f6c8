import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ConflictException, decodeCursor, encodeCursor, NotFoundException, Page } from '@touchbase/core';
import { Delivery } from './entities/delivery.entity';
import { Run, RunStatus } from './entities/run.entity';
import { ListDeliveriesQueryDto, ListRunsQueryDto } from './dto/run.dto';
import { PlannerService } from './planner.service';
import { currentRunStats } from './run-stats';

const CANCELLABLE = [RunStatus.Planned, RunStatus.Held, RunStatus.Dispatching, RunStatus.Planning];

@Injectable()
export class RunsService {
  private readonly logger = new Logger('Runs');

  constructor(
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    @InjectRepository(Delivery) private readonly deliveries: Repository<Delivery>,
    private readonly dataSource: DataSource,
    private readonly planner: PlannerService,
  ) {}

  async get(id: string): Promise<{ run: Run; campaignName: string }> {
    const rows: { name: string }[] = await this.dataSource.query(
      `SELECT c.name FROM runs r JOIN campaigns c ON c.id = r.campaign_id WHERE r.id = $1`,
      [id],
    );
    const run = await this.runs.findOneBy({ id });
    if (!run || rows.length === 0) throw new NotFoundException('Run', id);
    await this.withCurrentStats([run]);
    return { run, campaignName: rows[0].name };
  }

  /**
   * Counts from the deliveries' current statuses, over what the planner stored (`displaced`): for
   * every run given, or — in lists — for the runs still dispatching (the others' were stored when
   * they completed or were cancelled).
   */
  private async withCurrentStats(runs: Run[], onlyDispatching = false): Promise<void> {
    const live = runs.filter((r) => !onlyDispatching || r.status === RunStatus.Dispatching);
    if (live.length === 0) return;
    const current = await currentRunStats(
      this.dataSource.manager,
      live.map((r) => r.id),
    );
    for (const r of live) r.stats = { ...r.stats, ...current.get(r.id) };
  }

  async list(query: ListRunsQueryDto): Promise<Page<{ run: Run; campaignName: string }>> {
    const limit = query.limit ?? 50;
    const qb = this.runs
      .createQueryBuilder('r')
      .innerJoin('campaigns', 'c', 'c.id = r.campaign_id')
      .addSelect('c.name', 'campaign_name')
      .orderBy('r.occurrence_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(limit + 1);
    if (query.campaignId) qb.andWhere('r.campaign_id = :campaignId', { campaignId: query.campaignId });
    if (query.status) qb.andWhere('r.status = :status', { status: query.status });
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      qb.andWhere('(r.occurrence_at, r.id) < (:at::timestamptz, :id::uuid)', { at, id });
    }
    const { entities, raw } = await qb.getRawAndEntities<{ campaign_name: string }>();
    const items = entities.slice(0, limit).map((run, i) => ({ run, campaignName: raw[i].campaign_name }));
    await this.withCurrentStats(
      items.map((i) => i.run),
      true,
    );
    const last = items.at(-1)?.run;
    return {
      items,
      nextCursor:
        entities.length > limit && last ? encodeCursor([last.occurrenceAt.toISOString(), last.id]) : null,
    };
  }

  async deliveriesOf(
    runId: string,
    query: ListDeliveriesQueryDto,
  ): Promise<Page<{ delivery: Delivery; clientName: string }>> {
    await this.get(runId);
    const limit = query.limit ?? 50;
    const qb = this.deliveries
      .createQueryBuilder('d')
      .innerJoin('clients', 'c', 'c.id = d.client_id')
      .addSelect('c.name', 'client_name')
      .where('d.run_id = :runId', { runId })
      .orderBy('d.id', 'ASC')
      .limit(limit + 1);
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    if (query.reason) qb.andWhere('d.reason = :reason', { reason: query.reason });
    if (query.channel) qb.andWhere('d.channel = :channel', { channel: query.channel });
    if (query.cursor) qb.andWhere('d.id > :after', { after: String(decodeCursor(query.cursor, 1)[0]) });
    const { entities, raw } = await qb.getRawAndEntities<{ client_name: string }>();
    const items = entities
      .slice(0, limit)
      .map((delivery, i) => ({ delivery, clientName: raw[i].client_name }));
    const last = items.at(-1)?.delivery;
    return { items, nextCursor: entities.length > limit && last ? encodeCursor([last.id]) : null };
  }

  /** Cancels a run: its queued deliveries become cancelled, which frees their cap slots at once. */
  async cancel(runId: string): Promise<Run> {
    const { run } = await this.get(runId);
    if (!CANCELLABLE.includes(run.status)) {
      throw new ConflictException(`A ${run.status} run cannot be cancelled`, { status: run.status });
    }
    const cancelled = await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT 1 FROM runs WHERE id = $1 FOR UPDATE`, [runId]);
      // Queued deliveries, and those handed to people (open call tasks, letters not yet mailed);
      // a message a dispatcher is sending right now (it holds a lease) finishes.
      const [, count] = await manager.query(
        `UPDATE deliveries SET status = 'cancelled', reason = 'run-cancelled', claim_token = NULL, updated_at = now()
          WHERE run_id = $1 AND (status = 'queued' OR (status = 'sending' AND locked_until IS NULL)) RETURNING id`,
        [runId],
      );
      await manager.query(
        `UPDATE call_tasks SET status = 'cancelled', updated_at = now()
          WHERE status = 'open' AND delivery_id IN (SELECT id FROM deliveries WHERE run_id = $1)`,
        [runId],
      );
      await manager.query(
        `UPDATE letter_batches SET status = 'failed', message = 'The run was cancelled', updated_at = now()
          WHERE run_id = $1 AND status IN ('building', 'ready')`,
        [runId],
      );
      const stats = await this.planner.stats(runId, manager);
      await manager
        .getRepository(Run)
        .update(
          { id: runId },
          { status: RunStatus.Cancelled, completedAt: new Date(), stats: { ...run.stats, ...stats } },
        );
      return count as number;
    });
    this.logger.log(`Cancelled run ${runId}: ${cancelled} queued deliveries cancelled`);
    return (await this.get(runId)).run;
  }
}
