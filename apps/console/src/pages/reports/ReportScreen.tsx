import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Empty, Row, Segmented, Statistic, Table, Typography } from 'antd';
import type { ColumnType } from 'antd/es/table';
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { CHANNELS } from '../../api/types';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { PageLoading } from '../../components/PageLoading';
import { formatDate, formatDateTime, formatNumber } from '../../format';
import { formatShare, useCells } from './cells';
import type { ChartDef, ColumnDef, ReportData, ReportDef, ReportRow, TableDef } from './definitions';
import {
  currentPeriod,
  periodEnd,
  periodKind,
  periodMonths,
  periodStart,
  reportQuery,
  ReportFilters,
  useReportParams,
} from './filters';

const ReportChart = lazy(() => import('./ReportChart'));

/** Fetches one report with the query (JSON); the same query with format=csv gives its CSV. */
export function fetchReport(name: string, query: Record<string, string>): Promise<ReportData> {
  // One generic call for every report: their answers share ReportDto.
  const path = `/api/v1/reports/${name}` as '/api/v1/reports/coverage';
  return unwrap<ReportData>(api.GET(path, { params: { query: query as never } }));
}

/** The URL of one table of a report as CSV (the API writes it: header row, UTF-8 with a BOM). */
export function csvUrl(name: string, query: Record<string, string>, table: string): string {
  const params = new URLSearchParams({ ...query, format: 'csv', table });
  return `/api/v1/reports/${name}?${params.toString()}`;
}

/** Every report with the common shape (ReportDto): filters, headline figures, charts, tables, CSV. */
export function ReportScreen({ def }: { def: ReportDef }) {
  const { t } = useTranslation();
  const { get } = useReportParams();
  const query = reportQuery(def.filters, get);
  const report = useQuery({
    queryKey: ['reports', def.name, query],
    queryFn: () => fetchReport(def.name, query),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 900 }}>
        {t(`reports.intro.${def.name}`)}
      </Typography.Paragraph>
      <ReportFilters filters={def.filters} />
      {report.isError ? (
        <ApiErrorAlert error={report.error} onRetry={() => void report.refetch()} />
      ) : report.isPending ? (
        <PageLoading />
      ) : (
        <ReportBody def={def} data={report.data} query={query} />
      )}
    </>
  );
}

function ReportBody({
  def,
  data,
  query,
}: {
  def: ReportDef;
  data: ReportData;
  query: Record<string, string>;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const table = (name: string) => def.tables.find((x) => x.name === name)!;
  return (
    <div data-testid={`report-${def.name}`}>
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 12 }}>
        {data.period &&
          t('reports.periodShown', {
            from: formatDate(periodStart(data.period.key).format('YYYY-MM-DD')),
            to: formatDate(periodEnd(data.period.key).format('YYYY-MM-DD')),
          })}
        {data.period && ' · '}
        {t('reports.generated', { time: formatDateTime(data.generatedAt) })}
      </Typography.Text>
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
        {def.summary.map((s) => {
          const v = Number(data.summary[s.key] ?? 0);
          return (
            <Col key={s.key} xs={12} md={8} lg={6} xl={4}>
              <Card size="small" style={{ height: '100%' }}>
                <div data-testid={`summary-${s.key}`}>
                  <Statistic
                    title={t(`reports.summary.${s.key}`)}
                    value={v}
                    formatter={() => (s.kind === 'share' ? formatShare(v, locale) : formatNumber(v, locale))}
                  />
                </div>
              </Card>
            </Col>
          );
        })}
      </Row>
      {def.name === 'coverage' && <CoverageTrend query={query} />}
      {def.name === 'deliverability' && <WeeklyChart rows={data.tables.weekly ?? []} />}
      {def.charts.length > 0 && (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          {def.charts.map((c) => (
            <Col key={c.title} xs={24} xl={def.charts.length > 1 ? 12 : 24}>
              <ChartCard chart={c} rows={data.tables[c.table] ?? []} />
            </Col>
          ))}
        </Row>
      )}
      {def.tables.map((tb) => (
        <ReportTable
          key={tb.name}
          report={def.name}
          def={table(tb.name)}
          rows={data.tables[tb.name] ?? []}
          csv={csvUrl(def.name, query, tb.name)}
        />
      ))}
    </div>
  );
}

/** A chart over one table, with its numbers as its text alternative. */
function ChartCard({ chart, rows }: { chart: ChartDef; rows: ReportRow[] }) {
  const { t, i18n } = useTranslation();
  const { text } = useCells();
  const title = t(`reports.chart.${chart.title}`);
  const scale = chart.percent ? 100 : 1;
  const categories = rows.map((r) => text(chart.category.kind, r[chart.category.key], r));
  const series = chart.series.map((key) => ({
    name: t(`reports.col.${key}`),
    data: rows.map((r) => Number(r[key] ?? 0) * scale),
  }));
  const format = (v: number) =>
    chart.percent ? formatShare(v / 100, i18n.language) : formatNumber(v, i18n.language);
  const label = t('reports.chart.summary', {
    title,
    items: categories
      .map(
        (c, i) =>
          `${c} ${series.map((s) => `${series.length > 1 ? `${s.name} ` : ''}${format(s.data[i])}`).join(', ')}`,
      )
      .join('; '),
  });
  return (
    <Card size="small" title={title}>
      {rows.length === 0 ? (
        <Empty description={t('reports.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <ChartSuspense>
          <ReportChart
            type={chart.type}
            categories={categories}
            series={series}
            label={label}
            format={format}
          />
        </ChartSuspense>
      )}
    </Card>
  );
}

function ChartSuspense({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Suspense fallback={<Typography.Text type="secondary">{t('reports.chart.loading')}</Typography.Text>}>
      {children}
    </Suspense>
  );
}

/** Coverage of each month (and, over a year, each quarter) of the period: the trend. */
function CoverageTrend({ query }: { query: Record<string, string> }) {
  const { t, i18n } = useTranslation();
  const period = query.period ?? currentPeriod();
  // A month: the half-year up to it; a quarter or a year: its months (and a year's quarters).
  const months =
    periodKind(period) === 'month'
      ? Array.from({ length: 6 }, (_, i) =>
          periodStart(period)
            .subtract(5 - i, 'month')
            .format('YYYY-MM'),
        )
      : periodMonths(period);
  const quarters = periodKind(period) === 'year' ? [1, 2, 3, 4].map((q) => `${period}-Q${q}`) : [];
  const keys = [...months, ...quarters];
  const results = useQueries({
    queries: keys.map((key) => ({
      queryKey: ['reports', 'coverage', { ...query, period: key, limit: '1' }],
      queryFn: () => fetchReport('coverage', { ...query, period: key, limit: '1' }),
      enabled: keys.length > 1,
    })),
  });
  if (keys.length <= 1) return null;
  if (results.some((r) => r.isError)) {
    const failed = results.find((r) => r.isError)!;
    return <ApiErrorAlert error={failed.error} onRetry={() => void failed.refetch()} />;
  }
  const ready = results.every((r) => r.data);
  const share = (key: string) => Number(results[keys.indexOf(key)].data?.summary.share ?? 0) * 100;
  const monthName = (key: string) =>
    new Date(`${key}-01T12:00:00`).toLocaleDateString(i18n.language, { month: 'short', year: '2-digit' });
  const format = (v: number) => formatShare(v / 100, i18n.language);
  const chart = (title: string, labels: string[], values: number[]) => (
    <Card size="small" title={title}>
      {!ready ? (
        <PageLoading />
      ) : (
        <ChartSuspense>
          <ReportChart
            type="bar"
            categories={labels}
            series={[{ name: t('reports.col.share'), data: values }]}
            format={format}
            label={t('reports.chart.summary', {
              title,
              items: labels.map((l, i) => `${l} ${format(values[i])}`).join('; '),
            })}
          />
        </ChartSuspense>
      )}
    </Card>
  );
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
      <Col xs={24} xl={quarters.length ? 14 : 24}>
        {chart(t('reports.chart.byMonth'), months.map(monthName), months.map(share))}
      </Col>
      {quarters.length > 0 && (
        <Col xs={24} xl={10}>
          {chart(t('reports.chart.byQuarter'), quarters, quarters.map(share))}
        </Col>
      )}
    </Row>
  );
}

const WEEKLY_METRICS = ['sent', 'delivered', 'failed', 'bounced', 'planned'] as const;

/** Deliverability by ISO week: one line per channel for the chosen measure. */
function WeeklyChart({ rows }: { rows: ReportRow[] }) {
  const { t, i18n } = useTranslation();
  const [metric, setMetric] = useState<(typeof WEEKLY_METRICS)[number]>('sent');
  const weeks = [...new Set(rows.map((r) => String(r.week)))].sort();
  const channels = CHANNELS.filter((c) => rows.some((r) => r.channel === c));
  const series = channels.map((c) => ({
    name: t(`channel.${c}`),
    data: weeks.map((w) => Number(rows.find((r) => r.week === w && r.channel === c)?.[metric] ?? 0)),
  }));
  const format = (v: number) => formatNumber(v, i18n.language);
  const title = `${t('reports.chart.weekly')}: ${t(`reports.col.${metric}`)}`;
  return (
    <Card size="small" title={title} style={{ marginBottom: 16 }}>
      <Segmented
        size="small"
        aria-label={t('reports.chart.metric')}
        value={metric}
        onChange={(v) => setMetric(v as typeof metric)}
        options={WEEKLY_METRICS.map((m) => ({ value: m, label: t(`reports.col.${m}`) }))}
        style={{ marginBottom: 8, maxWidth: '100%', overflowX: 'auto' }}
      />
      {weeks.length === 0 ? (
        <Empty description={t('reports.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <ChartSuspense>
          <ReportChart
            type="line"
            categories={weeks}
            series={series}
            format={format}
            label={t('reports.chart.summary', {
              title,
              items: series.map((s) => `${s.name}: ${s.data.map(format).join(', ')}`).join('; '),
            })}
          />
        </ChartSuspense>
      )}
    </Card>
  );
}

const NUMERIC = new Set(['int', 'share']);

/** One table of a report, sortable, with its CSV. */
export function ReportTable({
  report,
  def,
  rows,
  csv,
  titleKey,
}: {
  report: string;
  def: TableDef;
  rows: ReportRow[];
  csv: string;
  titleKey?: string;
}) {
  const { t } = useTranslation();
  const { text, node } = useCells();
  const title = t(titleKey ?? `reports.table.${def.title ?? def.name}`);
  const columns: ColumnType<ReportRow>[] = def.columns.map((c: ColumnDef) => ({
    key: c.key,
    dataIndex: c.key,
    title: t(`reports.col.${c.label ?? c.key}`),
    align: NUMERIC.has(c.kind) ? 'right' : undefined,
    render: (v: unknown, row: ReportRow) => node(c.kind, v, row),
    sorter: NUMERIC.has(c.kind)
      ? (a, b) => Number(a[c.key] ?? 0) - Number(b[c.key] ?? 0)
      : (a, b) => text(c.kind, a[c.key], a).localeCompare(text(c.kind, b[c.key], b)),
  }));
  return (
    <Card
      size="small"
      title={title}
      style={{ marginBottom: 16 }}
      extra={
        <Button
          size="small"
          icon={<DownloadOutlined />}
          href={csv}
          download
          aria-label={t('reports.csvTitle', { table: title })}
          data-testid={`csv-${def.name}`}
        >
          {t('reports.csv')}
        </Button>
      }
    >
      <Table<ReportRow>
        size="small"
        data-testid={`table-${report}-${def.name}`}
        rowKey={(r) =>
          def.columns.map((c) => String(r[c.key])).join('|') + String(r.clientId ?? r.campaignId ?? '')
        }
        dataSource={rows}
        columns={columns}
        pagination={rows.length > 25 ? { pageSize: 25, showSizeChanger: false } : false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <EmptyText>{t('reports.empty')}</EmptyText> }}
      />
    </Card>
  );
}
