import { EntityManager } from 'typeorm';
import { emitSelect, WebhookEventType } from '@touchbase/webhooks';
import { DeliveryReason } from './delivery-reason.enum';
import { DeliveryStatus } from './delivery-status.enum';
import { Run, RunStats } from './entities/run.entity';
import { COMPLETE_RUNS_SQL, FINISH_PLANNING_SQL } from './run-completion.sql';
import { refreshRunStats } from './run-stats';
import { PENDING_RUN_STATUSES_SQL, RunStatus, RunTrigger } from './run-status.enum';
import { sqlList, sqlValue } from './sql-list';

/** One run whose status a scheduler step set: the row it logs and reports. */
export interface RunChangeRow {
  id: string;
  campaign_id: string;
  name: string;
  period_key: string;
  status: RunStatus;
  message: string | null;
}

const S = {
  planned: sqlValue(RunStatus.Planned),
  planning: sqlValue(RunStatus.Planning),
  held: sqlValue(RunStatus.Held),
  missed: sqlValue(RunStatus.Missed),
  failed: sqlValue(RunStatus.Failed),
  cancelled: sqlValue(RunStatus.Cancelled),
};

// `now` ($1) past the end of the grace window (plus the tolerance, $2 ms) of occurrence `at` of campaign `c`.
const PAST_GRACE = (at: string) =>
  `$1::timestamptz > ${at} + make_interval(hours => c.grace_hours) + $2::int * interval '1 millisecond'`;

const EDITION_EXISTS = (run: string) =>
  `EXISTS (SELECT 1 FROM editions e WHERE e.campaign_id = ${run}.campaign_id AND e.period_key = ${run}.period_key)`;

// node-postgres answers an UPDATE … RETURNING with [rows, count] through TypeORM; a SELECT or INSERT with rows.
type Updated<T> = [T[], number];

/** A new run (e.g. a manual one, created already `planning`); returns its id. */
export async function createRun(
  manager: EntityManager,
  run: {
    campaignId: string;
    periodKey: string;
    occurrenceAt: Date;
    status: RunStatus;
    trigger: RunTrigger;
    message?: string | null;
    editionKey?: string | null;
  },
): Promise<string> {
  const [row]: { id: string }[] = await manager.query(
    `INSERT INTO runs (campaign_id, period_key, occurrence_at, status, trigger, message, edition_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      run.campaignId,
      run.periodKey,
      run.occurrenceAt,
      run.status,
      run.trigger,
      run.message ?? null,
      run.editionKey ?? null,
    ],
  );
  return row.id;
}

/** The run of (campaign, period), created `planning` when there is none; null when it exists already. */
export async function createRunIfAbsent(
  manager: EntityManager,
  run: { campaignId: string; periodKey: string; occurrenceAt: Date; trigger: RunTrigger },
): Promise<string | null> {
  const rows: { id: string }[] = await manager.query(
    `INSERT INTO runs (campaign_id, period_key, occurrence_at, status, trigger)
     VALUES ($1, $2, $3, ${S.planning}, $4)
     ON CONFLICT (campaign_id, period_key) DO NOTHING RETURNING id`,
    [run.campaignId, run.periodKey, run.occurrenceAt, run.trigger],
  );
  return rows[0]?.id ?? null;
}

/** A run that is planned and thrown away (simulation): never collides with a real period. */
export async function createSimulatedRun(
  manager: EntityManager,
  run: { campaignId: string; periodKey: string; occurrenceAt: Date },
): Promise<Run> {
  const repo = manager.getRepository(Run);
  return repo.save(repo.create({ ...run, status: RunStatus.Planned }));
}

/**
 * Creates the runs of due occurrences that have none: planned, held (edition missing) or missed (past
 * grace). One per (campaign, period key) whatever the number of workers: the unique index decides.
 * $1 now, $2 tolerance ms, then the occurrences.
 */
export async function createRunsForOccurrences(
  manager: EntityManager,
  now: Date,
  toleranceMs: number,
  occurrences: { campaignIds: string[]; periodKeys: string[]; ats: string[] },
): Promise<RunChangeRow[]> {
  return manager.query(
    `WITH due AS (
       SELECT o.campaign_id, o.period_key, o.occurrence_at, c.name, c.grace_hours, c.time_zone,
              CASE WHEN ${PAST_GRACE('o.occurrence_at')} THEN ${S.missed}
                   WHEN c.requires_edition AND NOT ${EDITION_EXISTS('o')} THEN ${S.held}
                   ELSE ${S.planned} END AS status
         FROM unnest($3::uuid[], $4::text[], $5::timestamptz[]) AS o(campaign_id, period_key, occurrence_at)
         JOIN campaigns c ON c.id = o.campaign_id
        -- re-checked here: the campaign may have been paused since it was read
        WHERE c.status = 'active' AND o.occurrence_at >= c.activated_at
          AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.campaign_id = o.campaign_id AND r.period_key = o.period_key)
     ), inserted AS (
       INSERT INTO runs (campaign_id, period_key, occurrence_at, status, trigger, message)
       SELECT campaign_id, period_key, occurrence_at, status, ${sqlValue(RunTrigger.Schedule)},
              CASE status
                WHEN ${S.missed} THEN format('missed: found at %s, after the %s h grace window of the occurrence at %s (%s)',
                                          to_char($1::timestamptz AT TIME ZONE time_zone, 'YYYY-MM-DD HH24:MI'),
                                          grace_hours,
                                          to_char(occurrence_at AT TIME ZONE time_zone, 'YYYY-MM-DD HH24:MI'),
                                          time_zone)
                WHEN ${S.held} THEN 'edition missing'
              END
         FROM due
       ON CONFLICT (campaign_id, period_key) DO NOTHING
       RETURNING id, campaign_id, period_key, status, message
     )
     SELECT i.id, i.campaign_id, d.name, i.period_key, i.status, i.message
       FROM inserted i JOIN due d USING (campaign_id, period_key)
      ORDER BY d.occurrence_at`,
    [now, toleranceMs, occurrences.campaignIds, occurrences.periodKeys, occurrences.ats],
  );
}

/** Held runs: the edition arrived within grace → planned; grace over → missed. */
export async function recheckHeldRuns(
  manager: EntityManager,
  now: Date,
  toleranceMs: number,
): Promise<RunChangeRow[]> {
  const [rows]: Updated<RunChangeRow> = await manager.query(
    `UPDATE runs r
        SET status = CASE WHEN ${PAST_GRACE('r.occurrence_at')} THEN ${S.missed} ELSE ${S.planned} END,
            message = CASE WHEN ${PAST_GRACE('r.occurrence_at')}
                           THEN format('missed: edition missing at the end of the %s h grace window', c.grace_hours)
                      END,
            updated_at = now()
       FROM campaigns c
      WHERE c.id = r.campaign_id AND r.status = ${S.held}
        AND (${PAST_GRACE('r.occurrence_at')}
             OR (c.status = 'active' AND (NOT c.requires_edition OR ${EDITION_EXISTS('r')})))
      RETURNING r.id, r.campaign_id, c.name, r.period_key, r.status, r.message`,
    [now, toleranceMs],
  );
  return rows;
}

/** Planned runs nobody planned within grace (workers down, campaign paused) are missed, not sent late. */
export async function expirePlannedRuns(
  manager: EntityManager,
  now: Date,
  toleranceMs: number,
): Promise<RunChangeRow[]> {
  const [rows]: Updated<RunChangeRow> = await manager.query(
    `UPDATE runs r
        SET status = ${S.missed},
            message = format('missed: not planned within the %s h grace window', c.grace_hours),
            updated_at = now()
       FROM campaigns c
      WHERE c.id = r.campaign_id AND r.status = ${S.planned} AND ${PAST_GRACE('r.occurrence_at')}
      RETURNING r.id, r.campaign_id, c.name, r.period_key, r.status, r.message`,
    [now, toleranceMs],
  );
  return rows;
}

/** Runs left `planning` by a worker that died go back to `planned` (planning is idempotent). */
export async function recoverStalledPlanning(manager: EntityManager, minutes: number): Promise<number> {
  const [, count]: Updated<unknown> = await manager.query(
    `UPDATE runs SET status = ${S.planned}, updated_at = now()
      WHERE status = ${S.planning} AND updated_at < now() - make_interval(mins => $1)
     RETURNING id`,
    [minutes],
  );
  return count;
}

/**
 * Claims the oldest planned run of an active campaign (or a manual one), now `planning`; null when
 * none. SKIP LOCKED: concurrent workers each take a different run.
 */
export async function claimPlannedRun(manager: EntityManager): Promise<string | null> {
  const [rows]: Updated<{ id: string }> = await manager.query(
    `UPDATE runs SET status = ${S.planning}, updated_at = now()
      WHERE id = (SELECT r.id FROM runs r JOIN campaigns c ON c.id = r.campaign_id
                   WHERE r.status = ${S.planned} AND (c.status = 'active' OR r.trigger = ${sqlValue(RunTrigger.Manual)})
                   ORDER BY r.occurrence_at
                   FOR UPDATE OF r SKIP LOCKED
                   LIMIT 1)
        AND status = ${S.planned}
      RETURNING id`,
  );
  return rows[0]?.id ?? null;
}

/**
 * A run whose planning failed: failed, and the deliveries its committed chunks queued are cancelled
 * (a failed run sends nothing half-way). Run it in one transaction.
 */
export async function failRun(manager: EntityManager, runId: string, message: string): Promise<void> {
  await manager.query(
    `UPDATE runs SET status = ${S.failed}, message = $2, updated_at = now()
      WHERE id = $1 AND status IN ${sqlList(RunStatus.Planned, RunStatus.Planning)}`,
    [runId, message.slice(0, 2000)],
  );
  await manager.query(
    `UPDATE deliveries SET status = ${sqlValue(DeliveryStatus.Cancelled)}, reason = ${sqlValue(DeliveryReason.RunFailed)},
            updated_at = now()
      WHERE run_id = $1 AND status = ${sqlValue(DeliveryStatus.Queued)}`,
    [runId],
  );
}

export async function markPlanning(manager: EntityManager, runId: string): Promise<void> {
  await manager.getRepository(Run).update({ id: runId }, { status: RunStatus.Planning });
}

/** Progress: a run still moving is not taken for a stalled one. */
export async function notePlanningProgress(manager: EntityManager, runId: string): Promise<void> {
  await manager.query(`UPDATE runs SET updated_at = now() WHERE id = $1`, [runId]);
}

/**
 * The end of planning, under the run's row lock taken in a statement of its own (so the read of the
 * deliveries sees every outcome committed before it): a dispatcher recording the last outcome
 * meanwhile waits for this lock too (completeRunsIfDone) and then completes the run itself.
 */
export async function finishPlanning(
  manager: EntityManager,
  runId: string,
  audience: number,
  stats: RunStats,
): Promise<void> {
  await manager.query(`SELECT 1 FROM runs WHERE id = $1 FOR UPDATE`, [runId]);
  await manager.query(FINISH_PLANNING_SQL, [runId, audience, JSON.stringify(stats)]);
  await emitRunsCompleted(manager, [runId]);
}

/**
 * run.completed for those of these runs that are completed now (in the caller's transaction, after
 * their counts are stored): one event each, set-based. A run is completed once, so once only.
 */
async function emitRunsCompleted(manager: EntityManager, runIds: string[]): Promise<void> {
  if (runIds.length === 0) return;
  await emitSelect(
    manager,
    WebhookEventType.RunCompleted,
    `SELECT NULL::uuid AS client_id,
            jsonb_build_object('runId', r.id, 'campaignId', r.campaign_id, 'periodKey', r.period_key,
                               'trigger', r.trigger, 'status', r.status, 'audience', r.audience,
                               'byStatus', COALESCE(r.stats -> 'byStatus', '{}'::jsonb),
                               'byChannel', COALESCE(r.stats -> 'byChannel', '{}'::jsonb),
                               'completedAt', r.completed_at) AS payload
       FROM runs r WHERE r.id = ANY($1::uuid[]) AND r.status = ${sqlValue(RunStatus.Completed)}
       ORDER BY r.completed_at, r.id`,
    [runIds],
  );
}

/**
 * Completes the runs that have nothing left to dispatch, inside `manager`'s transaction. The run rows
 * are locked first, in a statement of their own: a planner that is setting a run's status at the same
 * moment (it holds the row lock while it reads the deliveries) is waited for, and the completing
 * statement then reads its committed status — so the run whose last outcome the caller records never
 * stays `dispatching` with nothing left in it.
 */
export async function completeRunsIfDone(manager: EntityManager, runIds: string[]): Promise<void> {
  await manager.query(`SELECT id FROM runs WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [runIds]);
  const [completed]: Updated<{ id: string }> = await manager.query(COMPLETE_RUNS_SQL, [runIds]);
  // A completed run's counts are stored as they are then.
  const ids = completed.map((r) => r.id);
  await refreshRunStats(manager, ids);
  await emitRunsCompleted(manager, ids);
}

/** An archived campaign's runs not yet planned are cancelled; returns how many. */
export async function cancelPendingRunsOfCampaign(
  manager: EntityManager,
  campaignId: string,
  message: string,
): Promise<number> {
  const [, cancelled]: Updated<unknown> = await manager.query(
    `UPDATE runs SET status = ${S.cancelled}, message = $2, completed_at = now(), updated_at = now()
      WHERE campaign_id = $1 AND status IN ${PENDING_RUN_STATUSES_SQL} RETURNING id`,
    [campaignId, message],
  );
  return cancelled;
}

/** Locks a run's row (cancelling, call outcomes and letters lock the run first: one lock order). */
export async function lockRun(manager: EntityManager, runId: string): Promise<void> {
  await manager.query(`SELECT 1 FROM runs WHERE id = $1 FOR UPDATE`, [runId]);
}

export interface OccurrenceRunRow {
  id: string;
  campaignId: string;
  periodKey: string;
  status: RunStatus;
}

/** The runs of (campaign, period) pairs, for calendars: at most one each. */
export async function runsOfOccurrences(
  manager: EntityManager,
  keys: readonly { campaignId: string; periodKey: string }[],
): Promise<OccurrenceRunRow[]> {
  if (keys.length === 0) return [];
  return manager.query(
    `SELECT r.id, r.campaign_id AS "campaignId", r.period_key AS "periodKey", r.status
       FROM runs r
       JOIN unnest($1::uuid[], $2::text[]) AS k(campaign_id, period_key) USING (campaign_id, period_key)`,
    [keys.map((k) => k.campaignId), keys.map((k) => k.periodKey)],
  );
}
