import * as fs from 'node:fs';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { LinksService } from '@touchbase/links';
import { ReportOptions, ReportResult, ReportsService } from '@touchbase/reports';
import { DeliveryStatus, REACHED_STATUSES_SQL, sqlValue } from '@touchbase/runs';

export interface CampaignLine {
  campaign: string;
  periodKey: string;
  status: string;
  /** channel → deliveries sent, handed over (calls, letters) or queued */
  channels: Record<string, number>;
  suppressed: number;
  /** channel → deliveries handed over and not finished yet (open call tasks, letters not yet mailed) */
  handedOver: Record<string, number>;
  /** Deliveries still queued (waiting for their sending window). */
  queued: number;
}

export interface DemoFigures {
  clients: number;
  englishClients: number;
  timeZones: string[];
  staff: number;
  purchases: number;
  categories: Record<string, number>;
  stages: Record<string, number>;
  campaigns: CampaignLine[];
  /** Deliveries by channel and status, over the whole month. */
  deliveries: Record<string, Record<string, number>>;
  suppressedByReason: Record<string, number>;
  /** Clients with at least one message sent, or handed to a person (call task, letter to post). */
  touchedClients: number;
  emailDir: string;
  emlFiles: number;
  smsLog: string;
  smsLines: number;
  letterBatches: { id: string; status: string; letters: number; pages: number; file: string | null }[];
  callTasks: number;
  portal: { name: string; category: string | null; url: string } | null;
  /** The reports' headline figures for the month (the route's name, its query, its summary). */
  reports: { name: string; query: string; summary: ReportResult['summary'] | null; error?: string }[];
}

type Counted = { key: string; n: number };

/** What the month produced, read back from the database and the development outboxes. */
@Injectable()
export class DemoSummaryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly links: LinksService,
    private readonly reports: ReportsService,
  ) {}

  /** `period`: the month the reports read (YYYY-MM). */
  async collect(period: string): Promise<DemoFigures> {
    const q = <T>(sql: string, params: unknown[] = []): Promise<T[]> => this.dataSource.query(sql, params);
    const [base] = await q<{
      clients: number;
      english: number;
      zones: string[];
      staff: number;
      purchases: number;
    }>(
      `SELECT (SELECT count(*)::int FROM clients) AS clients,
              (SELECT count(*)::int FROM clients WHERE locale = 'en') AS english,
              (SELECT array_agg(DISTINCT time_zone ORDER BY time_zone) FROM clients) AS zones,
              (SELECT count(*)::int FROM staff_members) AS staff,
              (SELECT count(*)::int FROM purchases) AS purchases`,
    );
    const categories = toRecord(
      await q<Counted>(
        `SELECT COALESCE(category, 'none') AS key, count(*)::int AS n FROM clients GROUP BY 1`,
      ),
    );
    const stages = toRecord(
      await q<Counted>(`SELECT stage AS key, count(*)::int AS n FROM clients GROUP BY 1`),
    );
    const campaignRows = await q<{
      campaign: string;
      period_key: string;
      status: string;
      channel: string | null;
      n: number;
      suppressed: number;
      handed_over: number;
      queued: number;
    }>(
      `SELECT c.name AS campaign, COALESCE(r.edition_key, r.period_key) AS period_key, r.status,
              d.channel, count(d.id) FILTER (WHERE d.status <> ${sqlValue(DeliveryStatus.Suppressed)})::int AS n,
              count(d.id) FILTER (WHERE d.status = ${sqlValue(DeliveryStatus.Suppressed)})::int AS suppressed,
              count(d.id) FILTER (WHERE d.status = ${sqlValue(DeliveryStatus.Sending)} AND d.locked_until IS NULL)::int AS handed_over,
              count(d.id) FILTER (WHERE d.status = ${sqlValue(DeliveryStatus.Queued)})::int AS queued
         FROM runs r JOIN campaigns c ON c.id = r.campaign_id
         LEFT JOIN deliveries d ON d.run_id = r.id
        GROUP BY c.name, r.id, d.channel
        ORDER BY min(r.occurrence_at), c.name, d.channel`,
    );
    const campaigns: CampaignLine[] = [];
    for (const row of campaignRows) {
      let line = campaigns.find((c) => c.campaign === row.campaign && c.periodKey === row.period_key);
      if (!line) {
        line = {
          campaign: row.campaign,
          periodKey: row.period_key,
          status: row.status,
          channels: {},
          suppressed: 0,
          handedOver: {},
          queued: 0,
        };
        campaigns.push(line);
      }
      if (row.channel && row.n > 0) line.channels[row.channel] = row.n;
      line.suppressed += row.suppressed;
      if (row.channel && row.handed_over > 0) line.handedOver[row.channel] = row.handed_over;
      line.queued += row.queued;
    }
    const deliveries: Record<string, Record<string, number>> = {};
    for (const r of await q<{ channel: string | null; status: string; n: number }>(
      `SELECT channel, status, count(*)::int AS n FROM deliveries GROUP BY 1, 2`,
    )) {
      const channel = r.channel ?? 'none';
      deliveries[channel] = { ...deliveries[channel], [r.status]: r.n };
    }
    const suppressedByReason = toRecord(
      await q<Counted>(
        `SELECT reason AS key, count(*)::int AS n FROM deliveries WHERE status = ${sqlValue(DeliveryStatus.Suppressed)} GROUP BY 1`,
      ),
    );
    const [{ touched }] = await q<{ touched: number }>(
      `SELECT count(DISTINCT client_id)::int AS touched FROM deliveries
        WHERE status IN ${REACHED_STATUSES_SQL} OR (status = ${sqlValue(DeliveryStatus.Sending)} AND locked_until IS NULL)`,
    );
    const emailDir = this.config.email.fileDir;
    const smsLog = this.config.sms.logFile;
    const letterBatches = (
      await q<{ id: string; status: string; letters: number; pages: number; file_path: string | null }>(
        `SELECT id, status, letters, pages, file_path FROM letter_batches ORDER BY created_at`,
      )
    ).map((b) => ({ id: b.id, status: b.status, letters: b.letters, pages: b.pages, file: b.file_path }));
    const [{ tasks }] = await q<{ tasks: number }>(
      `SELECT count(*)::int AS tasks FROM call_tasks WHERE status = 'open'`,
    );
    return {
      clients: base.clients,
      englishClients: base.english,
      timeZones: base.zones ?? [],
      staff: base.staff,
      purchases: base.purchases,
      categories,
      stages,
      campaigns,
      deliveries,
      suppressedByReason,
      touchedClients: touched,
      emailDir,
      emlFiles: fs.existsSync(emailDir)
        ? fs.readdirSync(emailDir).filter((f) => f.endsWith('.eml')).length
        : 0,
      smsLog,
      smsLines: fs.existsSync(smsLog)
        ? fs
            .readFileSync(smsLog, 'utf8')
            .split('\n')
            .filter((l) => l.trim() !== '').length
        : 0,
      letterBatches,
      callTasks: tasks,
      portal: await this.portalExample(),
      reports: await this.reportHeadlines(period),
    };
  }

  /** Each report as the API answers it, reduced to its summary; a report that fails says why. */
  private async reportHeadlines(period: string): Promise<DemoFigures['reports']> {
    const r = this.reports;
    const reports: [string, ReportOptions, (o: ReportOptions) => Promise<ReportResult>][] = [
      ['coverage', { period }, (o) => r.coverage(o)],
      ['suppressions', { period }, (o) => r.suppressions(o)],
      ['deliverability', { period }, (o) => r.deliverability(o)],
      ['funnel', { period }, (o) => r.funnel(o)],
      ['vip-cooling', {}, (o) => r.vipCooling(o)],
      ['win-back', { period }, (o) => r.winBack(o)],
      ['verification', { period }, (o) => r.verification(o)],
    ];
    const headlines: DemoFigures['reports'] = [];
    for (const [name, options, read] of reports) {
      const query = options.period ? `?period=${options.period}` : '';
      try {
        headlines.push({ name, query, summary: (await read(options)).summary });
      } catch (e) {
        headlines.push({ name, query, summary: null, error: (e as Error).message });
      }
    }
    return headlines;
  }

  /** A portal link of a VIP client who reads email: what such a client gets in every message. */
  private async portalExample(): Promise<DemoFigures['portal']> {
    const [client] = await this.dataSource.query(
      `SELECT id, name, category, link_version, locale FROM clients
        WHERE email IS NOT NULL AND kind = 'person' AND locale = 'ru'
        ORDER BY (category = 'VIP') IS TRUE DESC, revenue_window DESC, external_ref
        LIMIT 1`,
    );
    if (!client) return null;
    return {
      name: client.name,
      category: client.category,
      url: this.links.portalUrl(client.id, client.link_version, client.locale),
    };
  }
}

function toRecord(rows: Counted[]): Record<string, number> {
  return Object.fromEntries(rows.map((r) => [r.key, r.n]));
}
