import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { neutraliseFormula } from '@touchbase/core';
import { SurveyAnswerRowDto, SurveyReportDto, SurveyReportQueryDto } from './dto/survey-report.dto';

interface AnswerRow {
  answered_at: Date;
  updated_at: Date;
  client_id: string;
  external_ref: string | null;
  client_name: string;
  run_id: string;
  campaign_id: string;
  campaign_name: string;
  period_key: string;
  rating: number | null;
  valued: string;
  improve: string;
  locale: string;
}

const CSV_COLUMNS: [keyof SurveyAnswerRowDto, string][] = [
  ['answeredAt', 'answered_at'],
  ['clientId', 'client_id'],
  ['externalRef', 'external_ref'],
  ['clientName', 'client_name'],
  ['campaignName', 'campaign'],
  ['runId', 'run_id'],
  ['periodKey', 'period'],
  ['rating', 'rating'],
  ['valued', 'valued'],
  ['improve', 'improve'],
  ['locale', 'locale'],
];

// Answers per rating 0–10, in one pass.
const DISTRIBUTION = Array.from(
  { length: 11 },
  (_, r) => `count(*) FILTER (WHERE a.rating = ${r})::int`,
).join(', ');

/** The survey report: ratings summary (with an NPS-style split) and the answers, filtered. */
@Injectable()
export class SurveyReportService {
  constructor(private readonly dataSource: DataSource) {}

  async report(query: SurveyReportQueryDto): Promise<SurveyReportDto> {
    const { where, params } = this.filters(query);
    const limit = query.limit ?? 500;
    const [summary]: {
      responses: number;
      rated: number;
      average: string | null;
      promoters: number;
      passives: number;
      detractors: number;
      distribution: number[];
    }[] = await this.dataSource.query(
      `SELECT count(*)::int AS responses, count(a.rating)::int AS rated,
              round(avg(a.rating), 2)::text AS average,
              count(*) FILTER (WHERE a.rating >= 9)::int AS promoters,
              count(*) FILTER (WHERE a.rating BETWEEN 7 AND 8)::int AS passives,
              count(*) FILTER (WHERE a.rating <= 6)::int AS detractors,
              ARRAY[${DISTRIBUTION}] AS distribution
         FROM survey_answers a
        WHERE ${where}`,
      params,
    );
    const rows = await this.answers(query, limit + 1);
    const { rated, promoters, detractors } = summary;
    return {
      filters: {
        from: query.from ?? null,
        to: query.to ?? null,
        runId: query.runId ?? null,
        campaignId: query.campaignId ?? null,
      },
      responses: summary.responses,
      ratings: {
        rated,
        average: summary.average === null ? null : Number(summary.average),
        distribution: summary.distribution.map((count, rating) => ({ rating, count })),
        promoters,
        passives: summary.passives,
        detractors,
        nps: rated > 0 ? Math.round(((promoters - detractors) * 100) / rated) : null,
      },
      answers: rows.slice(0, limit),
      truncated: rows.length > limit,
    };
  }

  /** Every matching answer as CSV (UTF-8 with a BOM, so spreadsheet programs read Cyrillic). */
  async csv(query: SurveyReportQueryDto): Promise<string> {
    const rows = await this.answers(query, null);
    const lines = [CSV_COLUMNS.map(([, header]) => header).join(',')];
    for (const row of rows) lines.push(CSV_COLUMNS.map(([key]) => csvCell(row[key])).join(','));
    return `\uFEFF${lines.join('\r\n')}\r\n`;
  }

  private async answers(query: SurveyReportQueryDto, limit: number | null): Promise<SurveyAnswerRowDto[]> {
    const { where, params } = this.filters(query);
    const rows: AnswerRow[] = await this.dataSource.query(
      `SELECT a.created_at AS answered_at, a.updated_at, a.client_id, c.external_ref, c.name AS client_name,
              a.run_id, r.campaign_id, cp.name AS campaign_name, r.period_key, a.rating, a.valued, a.improve,
              a.locale
         FROM survey_answers a
         JOIN clients c ON c.id = a.client_id
         JOIN runs r ON r.id = a.run_id
         JOIN campaigns cp ON cp.id = r.campaign_id
        WHERE ${where}
        ORDER BY a.created_at DESC, a.id DESC
        ${limit === null ? '' : `LIMIT ${Number(limit)}`}`,
      params,
    );
    return rows.map((r) => ({
      answeredAt: new Date(r.answered_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
      clientId: r.client_id,
      externalRef: r.external_ref,
      clientName: r.client_name,
      runId: r.run_id,
      campaignId: r.campaign_id,
      campaignName: r.campaign_name,
      periodKey: r.period_key,
      rating: r.rating,
      valued: r.valued,
      improve: r.improve,
      locale: r.locale,
    }));
  }

  // Parameters are positional and shared by every query of the report: $1 from, $2 to, $3 run, $4 campaign.
  private filters(query: SurveyReportQueryDto): { where: string; params: unknown[] } {
    return {
      where: `($1::timestamptz IS NULL OR a.created_at >= $1::timestamptz)
          AND ($2::timestamptz IS NULL OR a.created_at < $2::timestamptz)
          AND ($3::uuid IS NULL OR a.run_id = $3::uuid)
          AND ($4::uuid IS NULL OR a.run_id IN (SELECT id FROM runs WHERE campaign_id = $4::uuid))`,
      params: [query.from ?? null, query.to ?? null, query.runId ?? null, query.campaignId ?? null],
    };
  }
}

/** RFC 4180 quoting; a leading = + - @ is defused so that spreadsheets never run a cell as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = neutraliseFormula(String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
