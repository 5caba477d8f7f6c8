import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { CalendarService, Campaign, CampaignStatus, Priority } from '@touchbase/campaigns';
import { ValidationException } from '@touchbase/core';
import { RunStatus, runsOfOccurrences } from '@touchbase/runs';
import {
  BoardOccurrenceDto,
  BoardStatus,
  CalendarBoardDto,
  CalendarBoardQueryDto,
} from './dto/calendar-board.dto';
import { FrequencyPolicyService } from './frequency-policy.service';
import { SimulationService } from './simulation.service';

const BOARD_STATUS: Record<RunStatus, BoardStatus> = {
  [RunStatus.Planned]: BoardStatus.Running,
  [RunStatus.Planning]: BoardStatus.Running,
  [RunStatus.Dispatching]: BoardStatus.Running,
  [RunStatus.Completed]: BoardStatus.Done,
  [RunStatus.Held]: BoardStatus.Held,
  [RunStatus.Missed]: BoardStatus.Missed,
  [RunStatus.Cancelled]: BoardStatus.Cancelled,
  [RunStatus.Failed]: BoardStatus.Failed,
};

/** A cached collision count lives this long: the client base and other campaigns move on. */
export const COLLISION_CACHE_SECONDS = 600;
const COLLISION_CACHE_SIZE = 5_000;

/**
 * The calendar as a board: every occurrence with what became of it (through its run), its priority
 * and channels, and — for what is still to come — how many clients the simulation shows hitting a
 * cap. Collisions are cached per (campaign, occurrence, policy version).
 */
@Injectable()
export class CalendarBoardService {
  private readonly logger = new Logger('CalendarBoard');
  private readonly collisions = new Map<string, { count: number; at: number }>();
  private simulating: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly calendar: CalendarService,
    private readonly simulation: SimulationService,
    private readonly policies: FrequencyPolicyService,
  ) {}

  async board(query: CalendarBoardQueryDto, now = new Date()): Promise<CalendarBoardDto> {
    const { from, to, items: found } = await this.calendar.list({ from: query.from, to: query.to }, now);
    const campaigns = await this.dataSource.getRepository(Campaign).find({
      where: { id: In([...new Set(found.map((i) => i.campaignId))]) },
      select: ['id', 'priority', 'channels', 'graceHours', 'status'],
    });
    const campaignOf = new Map(campaigns.map((c) => [c.id, c]));
    const runs = await runsOfOccurrences(this.dataSource.manager, found);
    const runOf = new Map(runs.map((r) => [`${r.campaignId}|${r.periodKey}`, r]));

    const items: BoardOccurrenceDto[] = found.map((i) => {
      const campaign = campaignOf.get(i.campaignId);
      const run = runOf.get(`${i.campaignId}|${i.periodKey}`);
      const at = Date.parse(i.occurrenceAt);
      const graceMs = (campaign?.graceHours ?? 0) * 3_600_000;
      const status = run
        ? BOARD_STATUS[run.status]
        : at + graceMs >= now.getTime()
          ? BoardStatus.Upcoming
          : BoardStatus.Missed;
      return {
        campaignId: i.campaignId,
        campaignName: i.campaignName,
        campaignKind: i.campaignKind,
        campaignStatus: i.campaignStatus,
        periodKey: i.periodKey,
        occurrenceAt: i.occurrenceAt,
        localTime: i.localTime,
        timeZone: i.timeZone,
        status,
        priority: campaign?.priority ?? Priority.Normal,
        channels: campaign?.channels ?? [],
        editionStatus: i.editionStatus,
        willBeHeld: status === BoardStatus.Upcoming && i.editionStatus === 'missing',
        runId: run?.id ?? null,
        runStatus: run?.status ?? null,
        collisions: null,
      };
    });

    const policyVersion = versionOf(await this.policies.get());
    // What the simulation can say something about: occurrences still to come of active campaigns.
    const simulable = items.filter(
      (i) =>
        i.status === BoardStatus.Upcoming &&
        i.campaignStatus === CampaignStatus.Active &&
        Date.parse(i.occurrenceAt) > now.getTime(),
    );
    let collisionsMessage: string | undefined;
    const missing = () => simulable.filter((i) => this.cached(keyOf(i, policyVersion)) === undefined);
    if (query.collisions !== 'false' && missing().length > 0) {
      const last = Math.max(...simulable.map((i) => Date.parse(i.occurrenceAt)));
      try {
        await this.simulate(now, new Date(last), policyVersion);
      } catch (e) {
        if (!(e instanceof ValidationException)) throw e;
        collisionsMessage = `Collisions were not simulated: ${e.message}`;
      }
    }
    for (const i of simulable) i.collisions = this.cached(keyOf(i, policyVersion)) ?? null;
    return {
      from: from,
      to: to,
      policyVersion,
      ...(collisionsMessage && { collisionsMessage }),
      items,
    };
  }

  /**
   * Simulates every active campaign's occurrences in (from, to] — as the simulation endpoint does, each
   * occurrence seeing the ones before it — and caches each one's capped clients. One at a time.
   */
  private async simulate(from: Date, to: Date, policyVersion: string): Promise<void> {
    while (this.simulating) await this.simulating.catch(() => undefined);
    const work = (async () => {
      const started = Date.now();
      const results = await this.simulation.simulate(from, new Date(to.getTime() + 1));
      for (const r of results) {
        this.remember(keyOf(r, policyVersion), r.capped.count);
      }
      this.logger.log(`Simulated ${results.length} occurrences for the board in ${Date.now() - started} ms`);
    })();
    this.simulating = work;
    try {
      await work;
    } finally {
      this.simulating = null;
    }
  }

  private cached(key: string): number | undefined {
    const hit = this.collisions.get(key);
    if (!hit) return undefined;
    if (Date.now() - hit.at > COLLISION_CACHE_SECONDS * 1000) {
      this.collisions.delete(key);
      return undefined;
    }
    return hit.count;
  }

  private remember(key: string, count: number): void {
    this.collisions.delete(key);
    if (this.collisions.size >= COLLISION_CACHE_SIZE) {
      const oldest = this.collisions.keys().next();
      if (!oldest.done) this.collisions.delete(oldest.value);
    }
    this.collisions.set(key, { count, at: Date.now() });
  }
}

function keyOf(o: { campaignId: string; occurrenceAt: string }, policyVersion: string): string {
  return `${o.campaignId}|${new Date(o.occurrenceAt).toISOString()}|${policyVersion}`;
}

/** A short hash of the policy's content: a changed policy is a new version. */
function versionOf(policy: unknown): string {
  return createHash('sha256').update(stableJson(policy)).digest('hex').slice(0, 16);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
