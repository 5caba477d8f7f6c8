import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  Campaign,
  CampaignStatus,
  HolidayCalendarService,
  occurrences,
  periodKey,
} from '@touchbase/campaigns';
import { PlannerService } from '@touchbase/planning';

/** How often the worker ticks. */
export const SCHEDULER_INTERVAL_MS = 30_000;
/** How far back a tick looks for occurrences without a run (a worker down for a while catches up). */
export const SCHEDULER_LOOKBACK_DAYS = 35;
/**
 * A tick finds an occurrence a little after it falls due (the interval, a long planning pass before
 * it); that lateness alone never makes it missed, even with a grace of 0 hours.
 */
export const SCHEDULER_TOLERANCE_MS = 5 * 60_000;

const DAY_MS = 86_400_000;
/** A run planning for longer than this without progress is taken over (1M clients plan in minutes). */
const STALLED_PLANNING_MINUTES = 30;

export interface RunChange {
  runId: string;
  campaignId: string;
  campaignName: string;
  periodKey: string;
  status: string;
  message: string | null;
}

export interface TickResult {
  /** New runs: planned, held (edition missing) or missed (past grace). */
  created: RunChange[];
  /** Held or planned runs that changed: held → planned (edition arrived), held/planned → missed. */
  updated: RunChange[];
  /** Runs handed to the planner and planned. */
  planned: string[];
  /** Runs the planner failed on (marked failed). */
  failed: { runId: string; message: string }[];
}

interface ChangeRow {
  id: string;
  campaign_id: string;
  name: string;
  period_key: string;
  status: string;
  message: string | null;
}

// `now` past the end of the grace window (plus the tolerance) of occurrence `at` of campaign `c`.
const PAST_GRACE = (at: string) =>
  `$1::timestamptz > ${at} + make_interval(hours => c.grace_hours) + $2::int * interval '1 millisecond'`;

// node-postgres answers an UPDATE … RETURNING with [rows, count] through TypeORM; a SELECT or INSERT with rows.
const EDITION_EXISTS = (run: string) =>
  `EXISTS (SELECT 1 FROM editions e WHERE e.campaign_id = ${run}.campaign_id AND e.period_key = ${run}.period_key)`;

/**
 * The scheduler: turns due occurrences of active campaigns into runs, exactly one per (campaign,
 * period key) whatever the number of workers (the unique index decides, ON CONFLICT DO NOTHING),
 * re-checks held runs, and hands planned runs to the planner one at a time (FOR UPDATE SKIP LOCKED).
 * Every step takes `now`, so tests drive it with a fake clock.
 */
@Injectable()
export class SchedulerService {
  private readonly logger = new Logger('Scheduler');

  constructor(
    private readonly dataSource: DataSource,
    private readonly planner: PlannerService,
    private readonly holidays: HolidayCalendarService,
  ) {}

  async tick(now = new Date()): Promise<TickResult> {
    await this.recoverStalledPlanning();
    const created = await this.createDueRuns(now);
    const updated = [...(await this.recheckHeld(now)), ...(await this.expirePlanned(now))];
    const { planned, failed } = await this.planPending(now);
    return { created, updated, planned, failed };
  }

  /**
   * A worker that died while planning leaves its run in `planning`. Planning is idempotent (one
   * delivery per client and run), so such a run goes back to `planned` and is finished by whoever
   * claims it next.
   */
  async recoverStalledPlanning(): Promise<number> {
    const [, count] = await this.dataSource.query(
      `UPDATE runs SET status = 'planned', updated_at = now()
        WHERE status = 'planning' AND updated_at < now() - make_interval(mins => $1)
       RETURNING id`,
      [STALLED_PLANNING_MINUTES],
    );
    if (count > 0) this.logger.warn(`Took back ${count} runs whose planning stopped (a worker died?)`);
    return count as number;
  }

  /** Creates the runs of due occurrences that have none: planned, held or missed. */
  async createDueRuns(now: Date): Promise<RunChange[]> {
    const campaigns = await this.dataSource.getRepository(Campaign).findBy({ status: CampaignStatus.Active });
    const ids: string[] = [];
    const keys: string[] = [];
    const ats: string[] = [];
    const lookback = new Date(now.getTime() - SCHEDULER_LOOKBACK_DAYS * DAY_MS);
    const calendar = await this.holidays.get();
    for (const c of campaigns) {
      if (!c.activatedAt) continue;
      const from = c.activatedAt > lookback ? c.activatedAt : lookback;
      try {
        for (const at of occurrences(c.schedule, c.timeZone, from, now, calendar)) {
          ids.push(c.id);
          keys.push(periodKey(c.schedule, at, c.timeZone));
          ats.push(at.toISOString());
        }
      } catch (e) {
        // One broken schedule must not stop the others.
        this.logger.error(
          `Campaign '${c.name}' (${c.id}) has a schedule that cannot be evaluated: ${(e as Error).message}`,
        );
      }
    }
    if (ids.length === 0) return [];
    const rows: ChangeRow[] = await this.dataSource.query(
      `WITH due AS (
         SELECT o.campaign_id, o.period_key, o.occurrence_at, c.name, c.grace_hours, c.time_zone,
                CASE WHEN ${PAST_GRACE('o.occurrence_at')} THEN 'missed'
                     WHEN c.requires_edition AND NOT ${EDITION_EXISTS('o')} THEN 'held'
                     ELSE 'planned' END AS status
           FROM unnest($3::uuid[], $4::text[], $5::timestamptz[]) AS o(campaign_id, period_key, occurrence_at)
           JOIN campaigns c ON c.id = o.campaign_id
          -- re-checked here: the campaign may have been paused since it was read
          WHERE c.status = 'active' AND o.occurrence_at >= c.activated_at
            AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.campaign_id = o.campaign_id AND r.period_key = o.period_key)
       ), inserted AS (
         INSERT INTO runs (campaign_id, period_key, occurrence_at, status, trigger, message)
         SELECT campaign_id, period_key, occurrence_at, status, 'schedule',
                CASE status
                  WHEN 'missed' THEN format('missed: found at %s, after the %s h grace window of the occurrence at %s (%s)',
                                            to_char($1::timestamptz AT TIME ZONE time_zone, 'YYYY-MM-DD HH24:MI'),
                                            grace_hours,
                                            to_char(occurrence_at AT TIME ZONE time_zone, 'YYYY-MM-DD HH24:MI'),
                                            time_zone)
                  WHEN 'held' THEN 'edition missing'
                END
           FROM due
         ON CONFLICT (campaign_id, period_key) DO NOTHING
         RETURNING id, campaign_id, period_key, status, message
       )
       SELECT i.id, i.campaign_id, d.name, i.period_key, i.status, i.message
         FROM inserted i JOIN due d USING (campaign_id, period_key)
        ORDER BY d.occurrence_at`,
      [now, SCHEDULER_TOLERANCE_MS, ids, keys, ats],
    );
    const changes = rows.map(toChange);
    for (const r of changes) {
      if (r.status === 'planned')
        this.logger.log(`Created run ${r.runId} for '${r.campaignName}' ${r.periodKey}`);
      else if (r.status === 'held') {
        this.logger.warn(`Held run ${r.runId} for '${r.campaignName}' ${r.periodKey}: edition missing`);
      } else this.logger.warn(`Missed '${r.campaignName}' ${r.periodKey} (run ${r.runId}): ${r.message}`);
    }
    return changes;
  }

  /** Held runs: the edition arrived within grace → planned; grace over → missed. */
  async recheckHeld(now: Date): Promise<RunChange[]> {
    const [rows]: [ChangeRow[], number] = await this.dataSource.query(
      `UPDATE runs r
          SET status = CASE WHEN ${PAST_GRACE('r.occurrence_at')} THEN 'missed' ELSE 'planned' END,
              message = CASE WHEN ${PAST_GRACE('r.occurrence_at')}
                             THEN format('missed: edition missing at the end of the %s h grace window', c.grace_hours)
                        END,
              updated_at = now()
         FROM campaigns c
        WHERE c.id = r.campaign_id AND r.status = 'held'
          AND (${PAST_GRACE('r.occurrence_at')}
               OR (c.status = 'active' AND (NOT c.requires_edition OR ${EDITION_EXISTS('r')})))
        RETURNING r.id, r.campaign_id, c.name, r.period_key, r.status, r.message`,
      [now, SCHEDULER_TOLERANCE_MS],
    );
    const changes = rows.map(toChange);
    for (const r of changes) {
      if (r.status === 'planned') {
        this.logger.log(`Released held run ${r.runId} for '${r.campaignName}' ${r.periodKey}: edition ready`);
      } else this.logger.warn(`Missed '${r.campaignName}' ${r.periodKey} (run ${r.runId}): ${r.message}`);
    }
    return changes;
  }

  /** Planned runs nobody planned within grace (workers down, campaign paused) are missed, not sent late. */
  async expirePlanned(now: Date): Promise<RunChange[]> {
    const [rows]: [ChangeRow[], number] = await this.dataSource.query(
      `UPDATE runs r
          SET status = 'missed',
              message = format('missed: not planned within the %s h grace window', c.grace_hours),
              updated_at = now()
         FROM campaigns c
        WHERE c.id = r.campaign_id AND r.status = 'planned' AND ${PAST_GRACE('r.occurrence_at')}
        RETURNING r.id, r.campaign_id, c.name, r.period_key, r.status, r.message`,
      [now, SCHEDULER_TOLERANCE_MS],
    );
    const changes = rows.map(toChange);
    for (const r of changes)
      this.logger.warn(`Missed '${r.campaignName}' ${r.periodKey} (run ${r.runId}): ${r.message}`);
    return changes;
  }

  /** Claims planned runs one at a time and plans each; a failure marks that run failed and goes on. */
  async planPending(now: Date): Promise<{ planned: string[]; failed: { runId: string; message: string }[] }> {
    const planned: string[] = [];
    const failed: { runId: string; message: string }[] = [];
    for (let runId = await this.claim(); runId; runId = await this.claim()) {
      try {
        await this.planner.plan(runId, { now });
        planned.push(runId);
      } catch (e) {
        const message = `planning failed: ${(e as Error).message}`;
        this.logger.error(`Run ${runId} ${message}`, (e as Error).stack);
        await this.markFailed(runId, message);
        failed.push({ runId, message });
      }
    }
    return { planned, failed };
  }

  /**
   * The oldest planned run of an active campaign (or a manual one), now `planning`; null when none.
   * SKIP LOCKED: concurrent workers each take a different run.
   */
  async claim(): Promise<string | null> {
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE runs SET status = 'planning', updated_at = now()
        WHERE id = (SELECT r.id FROM runs r JOIN campaigns c ON c.id = r.campaign_id
                     WHERE r.status = 'planned' AND (c.status = 'active' OR r.trigger = 'manual')
                     ORDER BY r.occurrence_at
                     FOR UPDATE OF r SKIP LOCKED
                     LIMIT 1)
          AND status = 'planned'
        RETURNING id`,
    );
    return rows[0]?.id ?? null;
  }

  async markFailed(runId: string, message: string): Promise<void> {
    await this.dataSource
      .transaction(async (manager) => {
        await manager.query(
          `UPDATE runs SET status = 'failed', message = $2, updated_at = now()
            WHERE id = $1 AND status IN ('planned', 'planning')`,
          [runId, message.slice(0, 2000)],
        );
        // Chunks planned before the failure committed: a failed run sends nothing half-way.
        await manager.query(
          `UPDATE deliveries SET status = 'cancelled', reason = 'run-failed', updated_at = now()
            WHERE run_id = $1 AND status = 'queued'`,
          [runId],
        );
      })
      .catch((e: Error) => this.logger.error(`Could not mark run ${runId} failed: ${e.message}`));
  }
}

function toChange(r: ChangeRow): RunChange {
  return {
    runId: r.id,
    campaignId: r.campaign_id,
    campaignName: r.name,
    periodKey: r.period_key,
    status: r.status,
    message: r.message,
  };
}
