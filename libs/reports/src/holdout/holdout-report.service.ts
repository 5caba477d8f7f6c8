import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CampaignKind } from '@touchbase/campaigns';
import { GroupStats, NotFoundException, welch } from '@touchbase/core';
import { ControlGroupService } from '@touchbase/planning';
import { parsePeriod, ReportPeriod } from '../report-period';
import { ReportResult, ReportRow } from '../report-tables';
import { ReportOptions, ReportsService } from '../reports.service';
import { HELD_OUT_REASONS, holdoutGroupsSql, HOLDOUT_RUNS_SQL } from './holdout.sql';
import { holdoutVerdict, holdoutVerdictText } from './holdout-verdict';

export const DEFAULT_HOLDOUT_DAYS = 30;

export interface HoldoutReportOptions extends ReportOptions {
  /** The campaign whose holdout is compared; absent: the workspace's control group. */
  campaignId?: string;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * Did touching clients make them buy more? Revenue per client of the touched and the held-out groups
 * over the same windows (each run's occurrence to N days after), Welch's 95% confidence interval for
 * the difference, and the verdict in words.
 */
@Injectable()
export class HoldoutReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly reports: ReportsService,
    private readonly controlGroup: ControlGroupService,
  ) {}

  async holdout(options: HoldoutReportOptions, now = new Date()): Promise<ReportResult> {
    const days = options.days ?? DEFAULT_HOLDOUT_DAYS;
    let campaignName: string | null = null;
    let kinds: CampaignKind[];
    // A campaign's report covers all its runs unless a period is given; the control group's this month.
    let period: ReportPeriod | null = null;
    if (options.campaignId) {
      const [campaign] = await this.dataSource.query(`SELECT name, kind FROM campaigns WHERE id = $1`, [
        options.campaignId,
      ]);
      if (!campaign) throw new NotFoundException('Campaign', options.campaignId);
      campaignName = campaign.name;
      kinds = [campaign.kind];
      if (options.period) period = parsePeriod(options.period, this.reports.zone, now);
    } else {
      const group = await this.controlGroup.get();
      kinds = [CampaignKind.Broadcast, CampaignKind.Plan];
      if (group.includeCeoLetters) kinds.push(CampaignKind.CeoLetter);
      period = parsePeriod(options.period, this.reports.zone, now);
    }
    const reasons = options.campaignId ? HELD_OUT_REASONS.campaign : HELD_OUT_REASONS.control;
    const runs: ReportRow[] = await this.dataSource.query(HOLDOUT_RUNS_SQL, [
      options.campaignId ?? null,
      kinds,
      period?.from ?? null,
      period?.to ?? null,
      reasons,
    ]);
    const found = runs.length
      ? await this.reports.rows(options, (scope, p) =>
          holdoutGroupsSql(
            scope,
            p.add(
              runs.map((r) => r.runId),
              'uuid[]',
            ),
            p.add(reasons, 'text[]'),
            p.add(days, 'int'),
          ),
        )
      : [];
    const stats = (group: string): GroupStats & { purchasers: number; revenue: number } => {
      const row = found.find((r) => r.group === group);
      return {
        n: (row?.clients as number | undefined) ?? 0,
        purchasers: (row?.purchasers as number | undefined) ?? 0,
        revenue: (row?.revenue as number | undefined) ?? 0,
        mean: (row?.meanRevenue as number | undefined) ?? 0,
        variance: (row?.variance as number | undefined) ?? 0,
      };
    };
    const touched = stats('touched');
    const heldOut = stats('held-out');
    const result = welch(touched, heldOut);
    const verdict = holdoutVerdict(touched.n, heldOut.n, result);
    const counts = { touched: touched.n, heldOut: heldOut.n };
    const lastOccurrence = runs.at(-1)?.occurrenceAt as Date | undefined;
    const windowEndsAt = lastOccurrence ? new Date(lastOccurrence.getTime() + days * 86_400_000) : null;
    const groups = [
      ['touched', touched],
      ['held-out', heldOut],
    ].map(([group, s]) => {
      const g = s as typeof touched;
      return {
        group: group as string,
        clients: g.n,
        purchasers: g.purchasers,
        revenue: round(g.revenue),
        meanRevenue: round(g.mean, 4),
        stdDev: round(Math.sqrt(g.variance), 4),
      };
    });
    return this.reports.result(
      'holdout',
      options,
      period,
      now,
      {
        campaignId: options.campaignId ?? null,
        campaignName,
        group: options.campaignId ? 'campaign-holdout' : 'control-group',
        days,
        runs: runs.length,
        touched: touched.n,
        heldOut: heldOut.n,
        touchedMean: round(touched.mean, 4),
        heldOutMean: round(heldOut.mean, 4),
        difference: result ? round(result.difference, 4) : null,
        ciLow: result ? round(result.ciLow, 4) : null,
        ciHigh: result ? round(result.ciHigh, 4) : null,
        pValue: result ? round(result.pValue, 4) : null,
        degreesOfFreedom: result ? round(result.degreesOfFreedom, 2) : null,
        verdict,
        verdictEn: holdoutVerdictText(verdict, 'en', counts, result),
        verdictRu: holdoutVerdictText(verdict, 'ru', counts, result),
        windowEndsAt: windowEndsAt?.toISOString() ?? null,
        windowComplete: windowEndsAt ? windowEndsAt.getTime() <= now.getTime() : false,
      },
      { groups, runs },
    );
  }
}
