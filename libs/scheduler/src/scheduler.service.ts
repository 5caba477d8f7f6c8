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
import {
  claimPlannedRun,
  createRunsForOccurrences,
  expirePlannedRuns,
  failRun,
  recheckHeldRuns,
  recoverStalledPlanning,
  RunChangeRow,
  RunStatus,
} from '@touchbase/runs';

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
    const count = await recoverStalledPlanning(this.dataSource.manager, STALLED_PLANNING_MINUTES);
    if (count > 0) this.logger.warn(`Took back ${count} runs whose planning stopped (a worker died?)`);
    return count;
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
    const rows = await createRunsForOccurrences(this.dataSource.manager, now, SCHEDULER_TOLERANCE_MS, {
      campaignIds: ids,
      periodKeys: keys,
      ats,
    });
    const changes = rows.map(toChange);
    for (const r of changes) {
      if (r.status === RunStatus.Planned)
        this.logger.log(`Created run ${r.runId} for '${r.campaignName}' ${r.periodKey}`);
      else if (r.status === RunStatus.Held) {
        this.logger.warn(`Held run ${r.runId} for '${r.campaignName}' ${r.periodKey}: edition missing`);
      } else this.logger.warn(`Missed '${r.campaignName}' ${r.periodKey} (run ${r.runId}): ${r.message}`);
    }
    return changes;
  }

  /** Held runs: the edition arrived within grace → planned; grace over → missed. */
  async recheckHeld(now: Date): Promise<RunChange[]> {
    const rows = await recheckHeldRuns(this.dataSource.manager, now, SCHEDULER_TOLERANCE_MS);
    const changes = rows.map(toChange);
    for (const r of changes) {
      if (r.status === RunStatus.Planned) {
        this.logger.log(`Released held run ${r.runId} for '${r.campaignName}' ${r.periodKey}: edition ready`);
      } else this.logger.warn(`Missed '${r.campaignName}' ${r.periodKey} (run ${r.runId}): ${r.message}`);
    }
    return changes;
  }

  /** Planned runs nobody planned within grace (workers down, campaign paused) are missed, not sent late. */
  async expirePlanned(now: Date): Promise<RunChange[]> {
    const rows = await expirePlannedRuns(this.dataSource.manager, now, SCHEDULER_TOLERANCE_MS);
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
    return claimPlannedRun(this.dataSource.manager);
  }

  async markFailed(runId: string, message: string): Promise<void> {
    await this.dataSource
      .transaction((manager) => failRun(manager, runId, message))
      .catch((e: Error) => this.logger.error(`Could not mark run ${runId} failed: ${e.message}`));
  }
}

function toChange(r: RunChangeRow): RunChange {
  return {
    runId: r.id,
    campaignId: r.campaign_id,
    campaignName: r.name,
    periodKey: r.period_key,
    status: r.status,
    message: r.message,
  };
}
