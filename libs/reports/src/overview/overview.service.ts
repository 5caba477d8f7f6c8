import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { CallTasksService } from '@touchbase/calls';
import { CalendarService } from '@touchbase/campaigns';
import { AppConfig } from '@touchbase/config';
import { Channel } from '@touchbase/core';
import { RunsService } from '@touchbase/planning';
import {
  DeliveryStatus,
  FAILED_STATUSES,
  OPEN_STATUSES,
  reachedByChannelSince,
  REACHED_STATUSES,
  Run,
  RunStatus,
} from '@touchbase/runs';
import { StaffMember } from '@touchbase/staff';
import { parsePeriod } from '../report-period';
import { ReportsService } from '../reports.service';
import { OverviewDto, RunInFlightDto } from './overview.dto';

const IN_FLIGHT = [RunStatus.Planning, RunStatus.Dispatching];
const UPCOMING_DAYS = 7;
const SUPPRESSION_DAYS = 30;
const MAX_RUNS = 100;

/**
 * The console's first screen, from the services behind the report, runs, calendar and call-task
 * endpoints: the same numbers they answer, no formulas of its own.
 */
@Injectable()
export class OverviewService {
  constructor(
    private readonly reports: ReportsService,
    private readonly runs: RunsService,
    private readonly calendar: CalendarService,
    private readonly calls: CallTasksService,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async get(staff: StaffMember, now = new Date()): Promise<OverviewDto> {
    const zone = this.config.workspace.timeZone;
    const today = DateTime.fromJSDate(now, { zone }).startOf('day');
    const quarter = parsePeriod(undefined, zone, now).quarters[0];

    const [runsInFlight, sent, upcoming, suppressed, ceo, cooling, calls] = await Promise.all([
      this.runsInFlight(),
      reachedByChannelSince(this.dataSource.manager, today.toJSDate()),
      this.upcoming(today, now),
      this.reports.suppressionsByReason(new Date(now.getTime() - SUPPRESSION_DAYS * 86_400_000), now),
      this.reports.ceoLetterCoverage(quarter),
      this.reports.vipCooling({ limit: 1 }, now),
      this.calls.dueCounts(staff, now),
    ]);
    const eligible = ceo.base as number;
    const reached = ceo.reached as number;
    return {
      generatedAt: now.toISOString(),
      runsInFlight,
      sentToday: {
        email: sent[Channel.Email] ?? 0,
        sms: sent[Channel.Sms] ?? 0,
        call: sent[Channel.Call] ?? 0,
        letter: sent[Channel.Letter] ?? 0,
      },
      upcoming,
      suppressions30d: suppressed.map((r) => ({ reason: r.reason as string, count: r.deliveries as number })),
      ceoLetterCoverage: {
        quarter,
        eligible,
        reached,
        percent: Math.round((ceo.share as number) * 1e4) / 100,
      },
      vipsCooling: { count: cooling.summary.clients as number },
      callsDueToday: { count: calls.today, overdue: calls.overdue },
    };
  }

  private async runsInFlight(): Promise<RunInFlightDto[]> {
    const found: { run: Run; campaignName: string }[] = [];
    for (const status of IN_FLIGHT) {
      found.push(...(await this.runs.list({ status, limit: MAX_RUNS })).items);
    }
    const channels = await this.channelsOf(found.map((f) => f.run.campaignId));
    return found.map(({ run, campaignName }) => {
      const byStatus = ((run.stats as { byStatus?: Record<string, number> }).byStatus ?? {}) as Record<
        string,
        number
      >;
      const count = (statuses: readonly DeliveryStatus[]) =>
        statuses.reduce((n, s) => n + (byStatus[s] ?? 0), 0);
      const total = Object.values(byStatus).reduce((n, v) => n + v, 0);
      const campaignChannels = channels.get(run.campaignId) ?? [];
      return {
        id: run.id,
        campaignId: run.campaignId,
        campaignName,
        channel: campaignChannels[0] ?? null,
        channels: campaignChannels,
        status: run.status,
        total,
        done: total - count(OPEN_STATUSES),
        sent: count(REACHED_STATUSES),
        suppressed: count([DeliveryStatus.Suppressed]),
        failed: count(FAILED_STATUSES),
        startedAt: run.plannedAt?.toISOString() ?? null,
      };
    });
  }

  private async upcoming(today: DateTime, now: Date): Promise<OverviewDto['upcoming']> {
    const { items } = await this.calendar.list(
      { from: today.toISODate()!, to: today.plus({ days: UPCOMING_DAYS - 1 }).toISODate()! },
      now,
    );
    const channels = await this.channelsOf(items.map((i) => i.campaignId));
    return items.map((i) => ({
      date: i.localTime.slice(0, 10),
      occurrenceAt: i.occurrenceAt,
      campaignId: i.campaignId,
      campaignName: i.campaignName,
      channel: channels.get(i.campaignId)?.[0] ?? null,
      kind: i.campaignKind,
      campaignStatus: i.campaignStatus,
    }));
  }

  private async channelsOf(campaignIds: string[]): Promise<Map<string, Channel[]>> {
    if (campaignIds.length === 0) return new Map();
    const rows: { id: string; channels: Channel[] }[] = await this.dataSource.query(
      `SELECT id, channels FROM campaigns WHERE id = ANY($1::uuid[])`,
      [[...new Set(campaignIds)]],
    );
    return new Map(rows.map((r) => [r.id, r.channels]));
  }
}
