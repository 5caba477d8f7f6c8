import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { Campaign, CampaignKind, PRIORITY_RANK, Priority } from '@touchbase/campaigns';
import { NotFoundException } from '@touchbase/core';
import { refreshStaleStatistics } from '@touchbase/database';
import { Segment } from '@touchbase/segments';
import { Run, RunStats, RunStatus } from './entities/run.entity';
import { capsJson, maxWindowDays } from './frequency-policy';
import { FrequencyPolicyService } from './frequency-policy.service';
import { buildDeferSql, DISPLACE_ROUND_SQL, PROMOTE_SQL } from './planner-resolution.sql';
import { buildPlanStatement, PlanSpec } from './planner.sql';

// Serialises planning across processes: two runs planned together never push a client over a cap.
const PLANNER_LOCK_KEY = 7_202_611_230;
const FIRST_ID = '00000000-0000-0000-0000-000000000000';
const LAST_ID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
const MAX_DISPLACE_ROUNDS = 20;
// What the chunk statement and its displacement passes read (purchases: through segment rules).
const PLANNED_TABLES = [
  'clients',
  'client_preferences',
  'client_topic_subscriptions',
  'deliveries',
  'purchases',
];

export interface PlanOptions {
  /** Plan inside this transaction (simulation) instead of one short transaction per chunk. */
  manager?: EntityManager;
  chunkSize?: number;
  /** Planning time; defaults to now. */
  now?: Date;
  /**
   * Take the planner lock (default). A simulation plans inside a transaction it rolls back: nothing
   * it writes is ever seen by a real run, so it must not hold the lock for its whole length.
   */
  lock?: boolean;
}

export interface PlanResult {
  audience: number;
  stats: RunStats;
  durationMs: number;
}

/**
 * Materialises a run's deliveries with set-based SQL, chunk by chunk (short transactions, so dispatch
 * is not starved). Each chunk: one INSERT … SELECT that decides every client of the chunk, then, for
 * high and must-send campaigns, the set-based displacement and deferral passes.
 */
@Injectable()
export class PlannerService {
  private readonly logger = new Logger('Planner');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly policies: FrequencyPolicyService,
  ) {}

  async plan(runId: string, options: PlanOptions = {}): Promise<PlanResult> {
    const started = Date.now();
    const manager = options.manager ?? this.dataSource.manager;
    const run = await manager.getRepository(Run).findOneBy({ id: runId });
    if (!run) throw new NotFoundException('Run', runId);
    const campaign = await manager.getRepository(Campaign).findOneByOrFail({ id: run.campaignId });
    const spec = await this.spec(run, campaign, options.now ?? new Date(), manager);
    await manager.getRepository(Run).update({ id: runId }, { status: RunStatus.Planning });

    // A run taken over after a crash already has deliveries: its counts are then read, not summed.
    const [{ resumed }] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM deliveries WHERE run_id = $1) AS resumed`,
      [runId],
    );
    // Right after a bulk load the tables have no statistics yet, and the chunk statement would be planned
    // as nested loops over what PostgreSQL takes for tiny tables. Not in a simulation's transaction: an
    // ANALYZE there would hold its table locks (and its statistics) until the rollback.
    await refreshStaleStatistics(this.dataSource.manager, PLANNED_TABLES);
    const bounds = await this.chunkBounds(manager, options.chunkSize ?? 50_000);
    let displaced = 0;
    const counted: StatsRow[] = [];
    for (let i = 0; i < bounds.length - 1; i++) {
      const [lo, hi] = [bounds[i], bounds[i + 1]];
      const work = (m: EntityManager) =>
        this.planChunk(m, spec, lo, hi, options.lock ?? true, counted, resumed);
      displaced += options.manager ? await work(options.manager) : await this.dataSource.transaction(work);
      // Progress: a run still moving is not taken for a stalled one.
      await manager.query(`UPDATE runs SET updated_at = now() WHERE id = $1`, [runId]);
    }

    // Displacement and deferral change rows after the insert; a re-plan inserts nothing new: then count.
    const exact = !resumed && displaced === 0 && spec.priorityRank === PRIORITY_RANK[Priority.Normal];
    const stats = { ...(exact ? toStats(counted) : await this.stats(runId, manager)), displaced };
    const audience = Object.values(stats.byStatus ?? {}).reduce((a, b) => a + b, 0);
    const queued = stats.byStatus?.queued ?? 0;
    // Dispatchers may already be working on (or done with) the first chunks: whether anything is left
    // is decided by the deliveries themselves, in the same statement.
    await manager.query(
      `UPDATE runs SET audience = $2, stats = $3, planned_at = now(), updated_at = now(),
              status = CASE WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.run_id = $1 AND d.status IN ('queued', 'sending'))
                            THEN 'dispatching' ELSE 'completed' END,
              completed_at = CASE WHEN EXISTS (SELECT 1 FROM deliveries d WHERE d.run_id = $1 AND d.status IN ('queued', 'sending'))
                                  THEN NULL ELSE now() END
        WHERE id = $1`,
      [runId, audience, JSON.stringify(stats)],
    );
    const durationMs = Date.now() - started;
    this.logger.log(
      `Planned run ${runId} (${campaign.name}, ${run.periodKey}): ${audience} clients, ${queued} queued, ` +
        `${stats.byStatus?.suppressed ?? 0} suppressed in ${durationMs} ms`,
    );
    return { audience, stats, durationMs };
  }

  /** The facts the planning statement needs, read once per run. */
  async spec(run: Run, campaign: Campaign, now: Date, manager: EntityManager): Promise<PlanSpec> {
    const policy = await this.policies.get(manager);
    const [topic] = await manager.query(`SELECT default_subscribed FROM topics WHERE key = $1`, [
      campaign.topicKey,
    ]);
    const segment = campaign.segmentId
      ? await manager.getRepository(Segment).findOneByOrFail({ id: campaign.segmentId })
      : null;
    const plannedAt = new Date(Math.max(run.occurrenceAt.getTime(), now.getTime()));
    return {
      runId: run.id,
      campaignId: campaign.id,
      plannedAt,
      deadlineAt: new Date(run.occurrenceAt.getTime() + campaign.deadlineHours * 3_600_000),
      topicKey: campaign.topicKey,
      topicDefaultSubscribed: topic?.default_subscribed ?? true,
      workspaceTimeZone: this.config.workspace.timeZone,
      channels: campaign.channels,
      channelRules: campaign.channelRules ?? [],
      priorityRank: PRIORITY_RANK[campaign.priority],
      service: campaign.kind === CampaignKind.Service,
      segment: segment?.rules ?? null,
      policy,
    };
  }

  /** Plans one chunk; returns how many lower-priority deliveries it displaced. */
  private async planChunk(
    manager: EntityManager,
    spec: PlanSpec,
    lo: string,
    hi: string,
    lock: boolean,
    counted: StatsRow[],
    resume: boolean,
  ): Promise<number> {
    if (lock) await manager.query('SELECT pg_advisory_xact_lock($1)', [PLANNER_LOCK_KEY]);
    // One big statement per chunk: JIT compilation costs more than it saves here, and the sorts and
    // hashes of a chunk fit in memory with a little more than the default.
    await manager.query(`SET LOCAL jit = off`);
    await manager.query(`SET LOCAL work_mem = '64MB'`);
    const statement = buildPlanStatement(spec, lo, hi, { resume });
    counted.push(...((await manager.query(statement.sql, statement.params)) as StatsRow[]));
    const displaced =
      spec.service || spec.priorityRank === PRIORITY_RANK[Priority.Normal]
        ? 0
        : await this.resolveCapped(manager, spec, lo, hi);
    // Wakes the dispatchers when this chunk commits (a rolled-back simulation notifies nobody).
    const channels = [...new Set([...spec.channels, ...spec.channelRules.flatMap((r) => r.channels)])];
    await manager.query(`SELECT pg_notify('touchbase_dispatch', ch) FROM unnest($1::text[]) ch`, [channels]);
    return displaced;
  }

  private async resolveCapped(
    manager: EntityManager,
    spec: PlanSpec,
    lo: string,
    hi: string,
  ): Promise<number> {
    const caps = capsJson(spec.policy);
    let total = 0;
    if (spec.priorityRank === PRIORITY_RANK[Priority.MustSend]) {
      for (let round = 0; round < MAX_DISPLACE_ROUNDS; round++) {
        const displaced: unknown[] = await manager.query(DISPLACE_ROUND_SQL, [
          spec.runId,
          lo,
          hi,
          caps,
          spec.priorityRank,
          maxWindowDays(spec.policy),
        ]);
        await manager.query(PROMOTE_SQL, [spec.runId, lo, hi, caps]);
        total += countOf(displaced);
        if (countOf(displaced) === 0) break;
      }
    }
    const defer = buildDeferSql(spec.policy, spec.workspaceTimeZone);
    await manager.query(defer.sql, defer.params({ runId: spec.runId, lo, hi }));
    return total;
  }

  private async chunkBounds(manager: EntityManager, chunkSize: number): Promise<string[]> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM clients WHERE archived_at IS NULL) x
        WHERE rn % $1 = 0 ORDER BY id`,
      [chunkSize],
    );
    return [FIRST_ID, ...rows.map((r) => r.id), LAST_ID];
  }

  async stats(runId: string, manager: EntityManager = this.dataSource.manager): Promise<RunStats> {
    const rows: { status: string; channel: string | null; reason: string | null; n: number }[] =
      await manager.query(
        `SELECT status, channel, reason, count(*)::int AS n FROM deliveries WHERE run_id = $1 GROUP BY 1, 2, 3`,
        [runId],
      );
    const stats: Required<RunStats> = { byStatus: {}, byChannel: {}, byReason: {}, displaced: 0 };
    for (const r of rows) {
      stats.byStatus[r.status] = (stats.byStatus[r.status] ?? 0) + r.n;
      if (r.channel) {
        stats.byChannel[r.channel] ??= {};
        stats.byChannel[r.channel][r.status] = (stats.byChannel[r.channel][r.status] ?? 0) + r.n;
      }
      if (r.reason) stats.byReason[r.reason] = (stats.byReason[r.reason] ?? 0) + r.n;
    }
    return stats;
  }
}

interface StatsRow {
  status: string;
  channel: string | null;
  reason: string | null;
  n: number;
}

function toStats(rows: StatsRow[]): RunStats {
  const stats: Required<RunStats> = { byStatus: {}, byChannel: {}, byReason: {}, displaced: 0 };
  for (const r of rows) {
    stats.byStatus[r.status] = (stats.byStatus[r.status] ?? 0) + r.n;
    if (r.channel) {
      stats.byChannel[r.channel] ??= {};
      stats.byChannel[r.channel][r.status] = (stats.byChannel[r.channel][r.status] ?? 0) + r.n;
    }
    if (r.reason) stats.byReason[r.reason] = (stats.byReason[r.reason] ?? 0) + r.n;
  }
  return stats;
}

// node-postgres answers an UPDATE … RETURNING with [rows, count] through TypeORM.
function countOf(result: unknown[]): number {
  if (Array.isArray(result) && result.length === 2 && typeof result[1] === 'number') return result[1];
  return Array.isArray(result) ? result.length : 0;
}
