import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { Channel, NotFoundException } from '@touchbase/core';
import { EngagementSettingsService } from '@touchbase/links';
import { SegmentsService } from '@touchbase/segments';
import { parsePeriod, ReportPeriod } from './report-period';
import { clientScopeSql, ReportFilters, SqlParams } from './report-scope';
import { ReportName, ReportResult, ReportRow, ReportValue } from './report-tables';
import {
  callOutcomesSql,
  CEO_LETTER_RUNS_SQL,
  ceoLetterSql,
  coverageByCategorySql,
  coverageByChannelSql,
  deliverabilitySql,
  funnelMovesSql,
  funnelStagesSql,
  lapsedListSql,
  lapsedSummarySql,
  mostCappedSql,
  stopsSql,
  suppressionsByCampaignSql,
  suppressionsByReasonSql,
  verificationBacklogSql,
  verificationByProblemSql,
  verificationCallsSql,
  vipCoolingByOwnerSql,
  vipCoolingSql,
  winBackSql,
} from './reports.sql';
import { attributionSql, attributionTotalsSql, clientAttributionSql } from './attribution.sql';

export interface ReportOptions extends ReportFilters {
  /** `2026-11`, `2026-Q4`, `2026`; the current month when absent. */
  period?: string;
  /** Rows of the list tables (missed clients, most capped, backlog …). */
  limit?: number;
  /** VIP cooling: idle days (default VIP_COOLING_DAYS). */
  days?: number;
  /** Win-back: days after the touch a purchase counts as coming back; attribution: its window. */
  windowDays?: number;
}

/** The touch a purchase was attributed to. */
export interface AttributedTouch {
  deliveryId: string;
  campaignId: string;
  campaignName: string | null;
  channel: Channel;
  sentAt: Date;
}

export interface ClientPurchaseAttribution {
  purchaseId: string;
  purchasedAt: Date;
  amount: number;
  currency: string;
  product: string | null;
  attributedTo: AttributedTouch | null;
}

export const DEFAULT_LIST_LIMIT = 1000;
export const DEFAULT_WIN_BACK_WINDOW_DAYS = 90;
const ATTRIBUTION_WORK_MEM = '64MB';

const CATEGORY_ORDER = ['VIP', 'A', 'B', 'C', 'none'];
const CHANNELS = [Channel.Email, Channel.Sms, Channel.Call, Channel.Letter] as string[];
const STAGES = ['potential', 'probable', 'prospect', 'client', 'key', 'lapsed'];
const NEXT_STAGE: Record<string, string> = {
  potential: 'probable',
  probable: 'prospect',
  prospect: 'client',
  client: 'key',
  lapsed: 'client',
};
const CEO_REASONS = [
  ['suppressed', 'suppressed'],
  ['cancelled', 'cancelled'],
  ['failed', 'failed'],
  ['bounced', 'bounced'],
  ['pending', 'pending'],
  ['optedOut', 'opted-out'],
  ['notInSegment', 'not-in-segment'],
  ['noDelivery', 'no-delivery'],
] as const;
const CALL_OUTCOMES = [
  'reached',
  'declined',
  'no-answer',
  'wrong-number',
  'callback-requested',
  'open',
  'cancelled',
];

/** A share rounded for people: 4 decimals, 0 when there is nothing to share. */
const share = (part: number, whole: number): number =>
  whole > 0 ? Math.round((part / whole) * 1e4) / 1e4 : 0;

/** An amount of money rounded to kopecks (cents). */
const money = (value: number): number => Math.round(value * 100) / 100;

/**
 * The playbook's reports. Every report is a few set-based statements over the whole scope (clients
 * not archived, inside the category, owner and segment filters); nothing loops over clients.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly segments: SegmentsService,
    private readonly config: AppConfig,
    private readonly engagementSettings: EngagementSettingsService,
  ) {}

  /** The attribution window: the one asked for, else the workspace's (engagement settings, 30 days by default). */
  async attributionWindowDays(asked?: number): Promise<number> {
    return asked ?? (await this.engagementSettings.get()).attributionWindowDays;
  }

  get zone(): string {
    return this.config.workspace.timeZone;
  }

  /** Share of the base touched in the period by category and channel; CEO-letter coverage per quarter. */
  async coverage(options: ReportOptions, now = new Date()): Promise<ReportResult> {
    const period = parsePeriod(options.period, this.zone, now);
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;

    const byCategory = await this.rows(options, (scope, p) =>
      coverageByCategorySql(scope, p.add(period.from), p.add(period.to)),
    );
    byCategory.sort(
      (a, b) => CATEGORY_ORDER.indexOf(a.category as string) - CATEGORY_ORDER.indexOf(b.category as string),
    );
    const base = byCategory.reduce((n, r) => n + (r.base as number), 0);
    const touched = byCategory.reduce((n, r) => n + (r.touched as number), 0);
    for (const r of byCategory) r.share = share(r.touched as number, r.base as number);

    const channelRows = await this.rows(options, (scope, p) =>
      coverageByChannelSql(scope, p.add(period.from), p.add(period.to)),
    );
    const byChannel = CHANNELS.map((channel) => {
      const n = (channelRows.find((r) => r.channel === channel)?.touched as number | undefined) ?? 0;
      return { channel, touched: n, share: share(n, base) };
    });

    const ceoLetter: ReportRow[] = [];
    const ceoLetterMissed: ReportRow[] = [];
    for (const quarter of period.quarters) {
      const { row, missed } = await this.ceoLetterQuarter(quarter, options, limit);
      ceoLetter.push(row);
      ceoLetterMissed.push(...missed);
    }

    return this.result(
      'coverage',
      options,
      period,
      now,
      { base, touched, share: share(touched, base) },
      {
        byCategory,
        byChannel,
        ceoLetter,
        ceoLetterMissed,
      },
    );
  }

  /** Suppressed deliveries by reason and campaign; the clients the caps held back most. */
  async suppressions(options: ReportOptions, now = new Date()): Promise<ReportResult> {
    const period = parsePeriod(options.period, this.zone, now);
    const range = (p: SqlParams) => [p.add(period.from), p.add(period.to)] as const;
    const byReason = await this.rows(options, (s, p) => suppressionsByReasonSql(s, ...range(p)));
    const byCampaign = await this.rows(options, (s, p) => suppressionsByCampaignSql(s, ...range(p)));
    const mostCapped = await this.rows(options, (s, p) =>
      mostCappedSql(s, ...range(p), p.add(options.limit ?? DEFAULT_LIST_LIMIT)),
    );
    const suppressed = byReason.reduce((n, r) => n + (r.deliveries as number), 0);
    const capped = byReason.find((r) => r.reason === 'frequency-cap')?.deliveries ?? 0;
    return this.result(
      'suppressions',
      options,
      period,
      now,
      { suppressed, capped },
      {
        byReason,
        byCampaign,
        mostCapped,
      },
    );
  }

  /** Suppressed deliveries scheduled in [from, to), by reason: the suppressions report's first table. */
  suppressionsByReason(from: Date, to: Date, options: ReportFilters = {}): Promise<ReportRow[]> {
    return this.rows(options, (s, p) => suppressionsByReasonSql(s, p.add(from), p.add(to)));
  }

  /** A quarter's CEO-letter coverage: the coverage report's `ceoLetter` row for it. */
  async ceoLetterCoverage(quarter: string, options: ReportFilters = {}): Promise<ReportRow> {
    return (await this.ceoLetterQuarter(quarter, options, 1)).row;
  }

  /** Per channel: sent, delivered, failed, bounced, STOPs, returned letters, call outcomes; by ISO week. */
  async deliverability(options: ReportOptions, now = new Date()): Promise<ReportResult> {
    const period = parsePeriod(options.period, this.zone, now);
    const rows = await this.rows(options, (s, p) =>
      deliverabilitySql(s, p.add(period.from), p.add(period.to), p.add(this.zone)),
    );
    const stops = await this.rows(options, (s, p) =>
      stopsSql(s, p.add(period.from), p.add(period.to), p.add(this.zone)),
    );
    const outcomes = await this.rows(options, (s, p) =>
      callOutcomesSql(s, p.add(period.from), p.add(period.to)),
    );

    const counts = ['planned', 'sent', 'delivered', 'failed', 'bounced', 'cancelled', 'pending', 'returned'];
    const zero = () => Object.fromEntries(counts.map((k) => [k, 0])) as Record<string, number>;
    const stopsIn = (week?: string) =>
      stops.filter((r) => week === undefined || r.week === week).reduce((n, r) => n + (r.stops as number), 0);

    const byChannel = CHANNELS.map((channel) => {
      const found = rows.find((r) => r.total && r.channel === channel);
      const c = found ? pick(found, counts) : zero();
      const settled = c.sent + c.failed + c.bounced;
      return {
        channel,
        ...c,
        stops: channel === Channel.Sms ? stopsIn() : 0,
        deliveryRate: share(c.sent, settled),
      };
    });

    const weeks = [
      ...new Set([...rows.filter((r) => !r.total).map((r) => r.week), ...stops.map((r) => r.week)]),
    ]
      .map(String)
      .sort();
    const weekly: ReportRow[] = [];
    for (const week of weeks) {
      for (const channel of CHANNELS) {
        const found = rows.find((r) => !r.total && r.week === week && r.channel === channel);
        const weekStops = channel === Channel.Sms ? stopsIn(week) : 0;
        if (!found && weekStops === 0) continue;
        const c = found ? pick(found, counts) : zero();
        weekly.push({
          week,
          channel,
          planned: c.planned,
          sent: c.sent,
          delivered: c.delivered,
          failed: c.failed,
          bounced: c.bounced,
          returned: c.returned,
          stops: weekStops,
        });
      }
    }

    const callOutcomes = CALL_OUTCOMES.map((outcome) => ({
      outcome,
      tasks: (outcomes.find((r) => r.outcome === outcome)?.tasks as number | undefined) ?? 0,
    }));
    const stopKeyword = stops
      .filter((r) => r.actor === 'client')
      .reduce((n, r) => n + (r.stops as number), 0);
    return this.result(
      'deliverability',
      options,
      period,
      now,
      { stops: stopsIn(), stopKeyword, stopCarrierBlock: stopsIn() - stopKeyword },
      { byChannel, callOutcomes, weekly },
    );
  }

  /** Clients per stage at the period's start and end, conversions up the pyramid, stage changes. */
  async funnel(options: ReportOptions, now = new Date()): Promise<ReportResult> {
    const period = parsePeriod(options.period, this.zone, now);
    // Without JIT: the per-client stage lookups make the estimate high enough to compile, and the
    // compiling costs more (about a second) than the statement itself.
    const at = await this.rows(options, (s, p) => funnelStagesSql(s, p.add(period.from), p.add(period.to)), {
      jit: false,
    });
    const moves = await this.rows(options, (s, p) => funnelMovesSql(s, p.add(period.from), p.add(period.to)));

    const count = (when: string, stage: string, key = 'clients') =>
      (at.find((r) => r.at === when && r.stage === stage)?.[key] as number | undefined) ?? 0;
    const stages = STAGES.map((stage) => ({
      stage,
      atStart: count('start', stage),
      atEnd: count('end', stage),
      entered: (moves.find((m) => m.anyFrom === 1 && m.anyTo === 0 && m.toStage === stage)?.clients ??
        0) as number,
      left: (moves.find((m) => m.anyFrom === 0 && m.anyTo === 1 && m.fromStage === stage)?.clients ??
        0) as number,
    }));
    const conversions = Object.entries(NEXT_STAGE).map(([fromStage, toStage]) => {
      const clients = count('start', fromStage);
      const converted = count('start', fromStage, 'converted');
      return { fromStage, toStage, clients, converted, rate: share(converted, clients) };
    });
    const transitions = moves
      .filter((m) => m.anyFrom === 0 && m.anyTo === 0)
      .map((m) => ({ fromStage: m.fromStage, toStage: m.toStage, clients: m.clients, changes: m.changes }))
      .sort(
        (a, b) =>
          STAGES.indexOf(a.fromStage as string) - STAGES.indexOf(b.fromStage as string) ||
          STAGES.indexOf(a.toStage as string) - STAGES.indexOf(b.toStage as string),
      );
    const changes = transitions.reduce((n, t) => n + (t.changes as number), 0);
    return this.result('funnel', options, period, now, { changes }, { stages, conversions, transitions });
  }

  /** VIP and A clients with no touch and no purchase for `days`, with their owner and open call task. */
  async vipCooling(options: ReportOptions, now = new Date()): Promise<ReportResult> {
    const days = options.days ?? this.config.reports.vipCoolingDays;
    const limit = options.limit ?? DEFAULT_LIST_LIMIT;
    const rows = await this.rows(options, (s, p) =>
      vipCoolingSql(s, p.add(now, 'timestamptz'), p.add(days, 'int'), p.add(limit)),
    );
    const byOwner = await this.rows(options, (s, p) =>
      vipCoolingByOwnerSql(s, p.add(now, 'timestamptz'), p.add(days, 'int')),
    );
    const clients = byOwner.reduce((n, r) => n + (r.clients as number), 0);
    for (const r of rows) delete r.total;
    return this.result('vip-cooling', options, null, now, { days, clients }, { clients: rows, byOwner });
  }

  /** Lapsed clients, and per win-back campaign how many of the clients it reached bought again. */
  async winBack(options: ReportOptions, now = new Date()): Promise<ReportResult> {
    const period = parsePeriod(options.period, this.zone, now);
    const windowDays = options.windowDays ?? DEFAULT_WIN_BACK_WINDOW_DAYS;
    const [summary] = await this.rows(options, (s, p) =>
      lapsedSummarySql(s, p.add(period.from), p.add(period.to)),
    );
    const winBack = await this.rows(options, (s, p) =>
      winBackSql(s, p.add(period.from), p.add(period.to), p.add(windowDays, 'int')),
    );
    for (const r of winBack) r.rate = share(r.cameBack as number, r.touched as number);
    const lapsed = await this.rows(options, (s, p) =>
      lapsedListSql(s, p.add(options.limit ?? DEFAULT_LIST_LIMIT)),
    );
    return this.result(
      'win-back',
      options,
      period,
      now,
      {
        ...summary,
        windowDays,
        winBackTouched: winBack.reduce((n, r) => n + (r.touched as number), 0),
        cameBack: winBack.reduce((n, r) => n + (r.cameBack as number), 0),
      },
      { winBack, lapsed },
    );
  }

  /**
   * The period's purchases credited to the client's last touch within `windowDays` before each, per
   * campaign and per channel: touched and clicked clients, purchasers, purchases, revenue, revenue
   * per touched client and conversion; the purchases no touch can claim are the unattributed ones.
   */
  async attribution(options: ReportOptions, now = new Date()): Promise<ReportResult> {
    const period = parsePeriod(options.period, this.zone, now);
    const windowDays = await this.attributionWindowDays(options.windowDays);
    const currency = this.config.workspace.currency;
    const args = (p: SqlParams) =>
      [p.add(period.from), p.add(period.to), p.add(windowDays, 'int'), p.add(currency, 'text')] as const;
    // The period's touches are grouped in memory (a month of a large base: some 100k rows); without
    // JIT, whose compiling costs more than it saves here.
    const rows = await this.rows(options, (s, p) => attributionSql(s, ...args(p)), {
      jit: false,
      workMem: ATTRIBUTION_WORK_MEM,
    });
    const [totals] = await this.rows(options, (s, p) => attributionTotalsSql(s, ...args(p)));
    const figures = (r: ReportRow | undefined) => {
      const touched = (r?.touched as number | undefined) ?? 0;
      const purchasers = (r?.purchasers as number | undefined) ?? 0;
      const revenue = money((r?.revenue as number | undefined) ?? 0);
      return {
        touched,
        clicked: (r?.clicked as number | undefined) ?? 0,
        purchasers,
        purchases: (r?.purchases as number | undefined) ?? 0,
        revenue,
        revenuePerClient: touched > 0 ? money(revenue / touched) : 0,
        conversionRate: share(purchasers, touched),
      };
    };
    const byCampaign = rows
      .filter((r) => r.grp === 'campaign')
      .map((r) => ({ campaignId: r.campaignId, campaignName: r.campaignName, ...figures(r) }))
      .sort(
        (a, b) =>
          b.revenue - a.revenue ||
          b.purchasers - a.purchasers ||
          String(a.campaignName).localeCompare(String(b.campaignName)) ||
          String(a.campaignId).localeCompare(String(b.campaignId)),
      );
    const byChannel = CHANNELS.map((channel) => ({
      channel,
      ...figures(rows.find((r) => r.grp === 'channel' && r.channel === channel)),
    }));
    const revenue = money(totals.revenue as number);
    const attributedRevenue = money(totals.attributedRevenue as number);
    const purchases = totals.purchases as number;
    const attributedPurchases = totals.attributedPurchases as number;
    return this.result(
      'attribution',
      options,
      period,
      now,
      {
        windowDays,
        currency,
        purchases,
        purchasers: totals.purchasers as number,
        revenue,
        attributedPurchases,
        attributedPurchasers: totals.attributedPurchasers as number,
        attributedRevenue,
        unattributedPurchases: purchases - attributedPurchases,
        unattributedRevenue: money(revenue - attributedRevenue),
        attributedShare: share(attributedPurchases, purchases),
      },
      { byCampaign, byChannel },
    );
  }

  /** A client's purchases, newest first, each with the touch it is attributed to (or none). */
  async clientAttribution(
    clientId: string,
    windowDays?: number,
    limit = DEFAULT_LIST_LIMIT,
  ): Promise<ClientPurchaseAttribution[]> {
    const [known] = await this.dataSource.query(`SELECT 1 FROM clients WHERE id = $1`, [clientId]);
    if (!known) throw new NotFoundException('Client', clientId);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      clientAttributionSql('$1::uuid', '$2::int', '$3::int'),
      [clientId, await this.attributionWindowDays(windowDays), limit],
    );
    return rows.map((r) => ({
      purchaseId: r.purchaseId as string,
      purchasedAt: r.purchasedAt as Date,
      amount: r.amount as number,
      currency: r.currency as string,
      product: r.product as string | null,
      attributedTo:
        r.deliveryId === null
          ? null
          : {
              deliveryId: r.deliveryId as string,
              campaignId: r.campaignId as string,
              campaignName: r.campaignName as string | null,
              channel: r.channel as Channel,
              sentAt: r.touchedAt as Date,
            },
    }));
  }

  /** Clients with flagged or stale contact data, and what the period's verification calls achieved. */
  async verification(options: ReportOptions, now = new Date()): Promise<ReportResult> {
    const period = parsePeriod(options.period, this.zone, now);
    const found = await this.rows(options, (s, p) => verificationByProblemSql(s, p.add(now, 'timestamptz')));
    const problems = [
      'email-invalid',
      'email-bounced',
      'sms-blocked',
      'address-returned',
      'phone-wrong',
      'not-verified',
    ];
    const byProblem = problems.map((problem) => ({
      problem,
      clients: (found.find((r) => r.problem === problem)?.clients as number | undefined) ?? 0,
    }));
    const backlog = await this.rows(options, (s, p) =>
      verificationBacklogSql(s, p.add(now, 'timestamptz'), p.add(options.limit ?? DEFAULT_LIST_LIMIT)),
    );
    const calls = await this.rows(options, (s, p) =>
      verificationCallsSql(s, p.add(period.from), p.add(period.to)),
    );
    const verificationCalls = CALL_OUTCOMES.map((result) => {
      const r = calls.find((c) => c.result === result);
      return {
        result,
        tasks: (r?.tasks as number | undefined) ?? 0,
        clients: (r?.clients as number | undefined) ?? 0,
      };
    });
    const total = (found.find((r) => r.problem === 'any')?.clients as number | undefined) ?? 0;
    return this.result(
      'verification',
      options,
      period,
      now,
      {
        clients: total,
        verificationTasks: verificationCalls.reduce((n, r) => n + r.tasks, 0),
        verified: verificationCalls.find((r) => r.result === 'reached')!.clients,
      },
      { byProblem, backlog, verificationCalls },
    );
  }

  // ── helpers ─────────────────────────────────────────────────────────────────

  /** Runs one statement built over the client scope; the builder adds its own parameters after it. */
  async rows(
    options: ReportOptions,
    build: (scope: string, params: SqlParams) => string | Promise<string>,
    settings: { jit?: false; workMem?: string } = {},
  ): Promise<ReportRow[]> {
    const params = new SqlParams();
    const scope = await clientScopeSql(options, params, this.segments);
    const sql = await build(scope, params);
    if (settings.jit !== false && !settings.workMem) return this.dataSource.query(sql, params.values);
    return this.dataSource.transaction(async (m) => {
      if (settings.jit === false) await m.query(`SET LOCAL jit = off`);
      if (settings.workMem) await m.query(`SELECT set_config('work_mem', $1, true)`, [settings.workMem]);
      return m.query(sql, params.values);
    });
  }

  private async ceoLetterQuarter(
    quarter: string,
    options: ReportOptions,
    limit: number,
  ): Promise<{ row: ReportRow; missed: ReportRow[] }> {
    const runs: { id: string; name: string; segment_id: string | null }[] = await this.dataSource.query(
      CEO_LETTER_RUNS_SQL,
      [quarter],
    );
    const [result] = await this.rows(options, async (scope, p) => {
      const runIds = p.add(
        runs.map((r) => r.id),
        'uuid[]',
      );
      const inSegment = await this.segmentSql(runs, p);
      return ceoLetterSql(scope, runIds, runs.length <= 1, inSegment, p.add(quarter, 'text'), p.add(limit));
    });
    const counts = (result.counts ?? {}) as unknown as Record<string, number>;
    const base = result.base as number;
    const reached = counts.reached ?? 0;
    const row: ReportRow = {
      quarter,
      campaigns: [...new Set(runs.map((r) => r.name))].join('; '),
      base,
      reached,
      share: share(reached, base),
      missed: base - reached,
    };
    for (const [column, reason] of CEO_REASONS) row[column] = counts[reason] ?? 0;
    return { row, missed: result.missed as unknown as ReportRow[] };
  }

  /**
   * Whether a client is inside the audience of any of the runs' campaigns, compiled by the segments
   * library in the statement's parameter space; a campaign without a segment is everyone.
   */
  private async segmentSql(runs: { segment_id: string | null }[], params: SqlParams): Promise<string> {
    if (runs.length === 0 || runs.some((r) => r.segment_id === null)) return 'true';
    const parts: string[] = [];
    for (const id of new Set(runs.map((r) => r.segment_id!))) {
      const compiled = await this.segments.compile(id, params.values.length);
      params.values.push(...compiled.params);
      parts.push(compiled.sql);
    }
    return `(${parts.join(' OR ')})`;
  }

  result(
    report: ReportName,
    options: ReportOptions,
    period: ReportPeriod | null,
    now: Date,
    summary: Record<string, ReportValue>,
    tables: Record<string, ReportRow[]>,
  ): ReportResult {
    return {
      report,
      period: period && { key: period.key, from: period.from.toISOString(), to: period.to.toISOString() },
      filters: {
        category: options.category ?? null,
        owner: options.owner ?? null,
        segment: options.segment ?? null,
      },
      generatedAt: now.toISOString(),
      summary,
      tables,
    };
  }
}

function pick(row: ReportRow, keys: string[]): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k, (row[k] as number | null) ?? 0]));
}
