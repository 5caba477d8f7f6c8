import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import {
  Campaign,
  CampaignKind,
  HolidayCalendarService,
  PRIORITY_RANK,
  Priority,
} from '@touchbase/campaigns';
import { countOf, findByIdOrFail, refreshStaleStatistics } from '@touchbase/database';
import { ExperimentPlan, ExperimentsService } from '@touchbase/experiments';
import { Segment } from '@touchbase/segments';
import {
  currentRunStats,
  finishPlanning,
  markPlanning,
  notePlanningProgress,
  Run,
  RunStats,
  StatsRow,
  toStats,
} from '@touchbase/runs';
import { capsJson } from './frequency-policy';
import { FrequencyPolicyService } from './frequency-policy.service';
import { PlanAudiences } from './plan-audiences';
import { buildDeferSql, DISPLACE_ROUND_SQL, PROMOTE_SQL } from './planner-resolution.sql';
import { buildPlanStatement, PlanSpec } from './planner.sql';
import { ControlGroupService } from './holdouts/control-group.service';
import { controlGroupApplies } from './holdouts/holdout-rules';
import { assignVariants } from './variant-assignment.sql';

// Planning locks the slices of the client-id space (the first byte of the id) its chunk covers, in
// ascending order: two runs planning the same clients serialise, chunks of disjoint clients (of one
// run or of two) plan in parallel, and no client is ever pushed over a cap.
const PLANNER_LOCK_CLASS = 720_261_123;
const SLICES = 256;
const FIRST_ID = '00000000-0000-0000-0000-000000000000';
const MAX_DISPLACE_ROUNDS = 20;
const DEFAULT_CHUNK_SIZE = 50_000;
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
  /** Chunks planned at once, each on its own connection (default PLANNER_CONCURRENCY). */
  concurrency?: number;
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
    private readonly audiences: PlanAudiences,
    private readonly holidays: HolidayCalendarService,
    private readonly controlGroup: ControlGroupService,
    private readonly experiments: ExperimentsService,
  ) {}

  async plan(runId: string, options: PlanOptions = {}): Promise<PlanResult> {
    const started = Date.now();
    const manager = options.manager ?? this.dataSource.manager;
    const run = await findByIdOrFail(manager, Run, 'Run', runId);
    const campaign = await manager.getRepository(Campaign).findOneByOrFail({ id: run.campaignId });
    const spec = await this.spec(run, campaign, options.now ?? new Date(), manager);
    // An A/B test of the run (its own or its campaign's): its window starts now, once.
    const experiment = await this.experiments.startForRun(run, spec.plannedAt, manager);
    await markPlanning(manager, runId);

    // A run taken over after a crash already has deliveries: its counts are then read, not summed.
    const [{ resumed }] = await manager.query(
      `SELECT EXISTS (SELECT 1 FROM deliveries WHERE run_id = $1) AS resumed`,
      [runId],
    );
    // Right after a bulk load the tables have no statistics yet, and the chunk statement would be planned
    // as nested loops over what PostgreSQL takes for tiny tables. Not in a simulation's transaction: an
    // ANALYZE there would hold its table locks (and its statistics) until the rollback.
    await refreshStaleStatistics(this.dataSource.manager, PLANNED_TABLES);
    const chunks = await this.chunks(manager, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    let displaced = 0;
    const counted: StatsRow[] = [];
    const planOne = async (chunk: PlanChunk) => {
      const work = (m: EntityManager) =>
        this.planChunk(m, spec, chunk, options.lock ?? true, counted, resumed, experiment);
      displaced += options.manager ? await work(options.manager) : await this.dataSource.transaction(work);
      // Progress: a run still moving is not taken for a stalled one.
      await notePlanningProgress(manager, runId);
    };
    // A caller's transaction is one connection: its chunks go one after another. Otherwise a few
    // connections take the next chunk as they finish one; the first failure stops them all.
    const parallel = options.manager
      ? 1
      : Math.max(1, options.concurrency ?? this.config.planner.concurrency);
    let next = 0;
    let failure: { error: unknown } | undefined;
    await Promise.all(
      Array.from({ length: Math.min(parallel, chunks.length) }, async () => {
        while (!failure && next < chunks.length) {
          await planOne(chunks[next++]).catch((error: unknown) => (failure ??= { error }));
        }
      }),
    );
    // Thrown once every connection has finished its chunk: nothing of this run is still being written.
    if (failure) throw failure.error;

    // Displacement and deferral change rows after the insert; a re-plan inserts nothing new: then count.
    const exact = !resumed && displaced === 0 && spec.priorityRank === PRIORITY_RANK[Priority.Normal];
    const stats = { ...(exact ? toStats(counted) : await this.stats(runId, manager)), displaced };
    const audience = Object.values(stats.byStatus ?? {}).reduce((a, b) => a + b, 0);
    const queued = stats.byStatus?.queued ?? 0;
    // Dispatchers may already be working on (or done with) the first chunks: whether anything is left
    // is decided by the deliveries themselves, read after taking the run's row lock in a statement of
    // its own (so the read sees every outcome committed before it). A dispatcher recording the last
    // outcome meanwhile waits for this lock too (completeRunsIfDone) and then completes the run itself.
    const finish = (m: EntityManager) => finishPlanning(m, runId, audience, stats);
    await (options.manager ? finish(options.manager) : this.dataSource.transaction(finish));
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
    const [topic] = await manager.query(
      `SELECT default_subscribed, requires_consent FROM topics WHERE key = $1`,
      [campaign.topicKey],
    );
    const segment = campaign.segmentId
      ? await manager.getRepository(Segment).findOneByOrFail({ id: campaign.segmentId })
      : null;
    const control = await this.controlGroup.get(manager);
    const plannedAt = new Date(Math.max(run.occurrenceAt.getTime(), now.getTime()));
    return {
      runId: run.id,
      campaignId: campaign.id,
      plannedAt,
      deadlineAt: new Date(run.occurrenceAt.getTime() + campaign.deadlineHours * 3_600_000),
      topicKey: campaign.topicKey,
      topicDefaultSubscribed: topic?.default_subscribed ?? true,
      topicRequiresConsent: topic?.requires_consent ?? false,
      workspaceTimeZone: this.config.workspace.timeZone,
      channels: campaign.channels,
      channelRules: campaign.channelRules ?? [],
      priorityRank: PRIORITY_RANK[campaign.priority],
      service: campaign.kind === CampaignKind.Service,
      segment: segment?.rules ?? null,
      audience: this.audiences.of(campaign, run),
      policy,
      calendar: await this.holidays.document(manager),
      // Service campaigns hold nobody out (the campaign rules refuse a share for them).
      holdoutShare: campaign.kind === CampaignKind.Service ? 0 : campaign.holdoutShare,
      controlGroup: controlGroupApplies(campaign.kind, control)
        ? { share: control.share, salt: control.salt }
        : null,
    };
  }

  /** Plans one chunk; returns how many lower-priority deliveries it displaced. */
  private async planChunk(
    manager: EntityManager,
    spec: PlanSpec,
    { lo, hi, slices }: PlanChunk,
    lock: boolean,
    counted: StatsRow[],
    resume: boolean,
    experiment: ExperimentPlan | null,
  ): Promise<number> {
    if (lock) {
      // One statement, the slices in ascending order: lockers never wait on each other in a cycle.
      await manager.query(`SELECT pg_advisory_xact_lock($1, s) FROM generate_series($2::int, $3::int) s`, [
        PLANNER_LOCK_CLASS,
        ...slices,
      ]);
    }
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
    // After the capped rows are re-decided, so deferred deliveries get their variant too.
    if (experiment) await assignVariants(manager, experiment, lo, hi);
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
          spec.plannedAt,
        ]);
        await manager.query(PROMOTE_SQL, [spec.runId, lo, hi, caps, spec.plannedAt]);
        total += countOf(displaced);
        if (countOf(displaced) === 0) break;
      }
    }
    const defer = buildDeferSql(spec, lo, hi);
    await manager.query(defer.sql, defer.params);
    return total;
  }

  /**
   * The run's chunks: whole slices of about `size` clients; a slice holding more than twice that is cut
   * by id into chunks of `size` (they share the slice's lock, so they plan one after another).
   * Public so the planning benchmark can split its baseline into the very same chunks.
   */
  async chunks(
    manager: EntityManager = this.dataSource.manager,
    size = DEFAULT_CHUNK_SIZE,
  ): Promise<PlanChunk[]> {
    const counts: { slice: number; n: number }[] = await manager.query(
      `SELECT get_byte(uuid_send(id), 0) AS slice, count(*)::int AS n
         FROM clients WHERE archived_at IS NULL GROUP BY 1 ORDER BY 1`,
    );
    const chunks: PlanChunk[] = [];
    let first = 0;
    let held = 0;
    const close = (last: number) => {
      chunks.push({ lo: sliceStart(first), hi: sliceEnd(last), slices: [first, last] });
      [first, held] = [last + 1, 0];
    };
    for (const { slice, n } of counts) {
      if (n > 2 * size) {
        if (slice > first) close(slice - 1);
        const cuts: { id: string }[] = await manager.query(
          `SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM clients
                            WHERE archived_at IS NULL AND id > $1 AND id <= $2) x
            WHERE rn % $3 = 0 AND rn < $4 ORDER BY id`,
          [sliceStart(slice), sliceEnd(slice), size, n - Math.floor(size / 2)],
        );
        const ids = [sliceStart(slice), ...cuts.map((c) => c.id), sliceEnd(slice)];
        for (let i = 0; i < ids.length - 1; i++) {
          chunks.push({ lo: ids[i], hi: ids[i + 1], slices: [slice, slice] });
        }
        [first, held] = [slice + 1, 0];
        continue;
      }
      held += n;
      if (held >= size) close(slice);
    }
    if (first < SLICES) close(SLICES - 1);
    return chunks;
  }

  async stats(runId: string, manager: EntityManager = this.dataSource.manager): Promise<RunStats> {
    return (await currentRunStats(manager, [runId])).get(runId)!;
  }
}

/** Clients with ids in (lo, hi], all of them in the slices `slices[0]`…`slices[1]`. */
export interface PlanChunk {
  lo: string;
  hi: string;
  slices: [number, number];
}

const sliceHex = (slice: number) => slice.toString(16).padStart(2, '0');
/** The exclusive lower bound of a slice's ids: the last id of the slice before. */
const sliceStart = (slice: number) => (slice === 0 ? FIRST_ID : sliceEnd(slice - 1));
const sliceEnd = (slice: number) => `${sliceHex(slice)}ffffff-ffff-ffff-ffff-ffffffffffff`;
