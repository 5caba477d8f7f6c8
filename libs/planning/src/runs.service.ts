import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { decodeCursor, encodeCursor, NotFoundException, Page } from '@touchbase/core';
import { currentRunStats, Delivery, Run, RunCancellationService, RunStatus } from '@touchbase/runs';
import { ListDeliveriesQueryDto, ListRunsQueryDto } from './dto/run.dto';

@Injectable()
export class RunsService {
  constructor(
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    @InjectRepository(Delivery) private readonly deliveries: Repository<Delivery>,
    private readonly dataSource: DataSource,
    private readonly cancellation: RunCancellationService,
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
    if (query.q?.trim()) qb.andWhere('strpos(lower(c.name), lower(:q)) > 0', { q: query.q.trim() });
    if (query.cursor) qb.andWhere('d.id > :after', { after: String(decodeCursor(query.cursor, 1)[0]) });
    const { entities, raw } = await qb.getRawAndEntities<{ client_name: string }>();
    const items = entities
      .slice(0, limit)
      .map((delivery, i) => ({ delivery, clientName: raw[i].client_name }));
    const last = items.at(-1)?.delivery;
    return { items, nextCursor: entities.length > limit && last ? encodeCursor([last.id]) : null };
  }

  /** Cancels a run (see RunCancellationService): a 404 for an unknown run, a 409 for a finished one. */
  async cancel(runId: string): Promise<Run> {
    await this.get(runId);
    return this.cancellation.cancel(runId);
  }
}
