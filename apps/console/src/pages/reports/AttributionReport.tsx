import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Card, Col, Empty, Form, Row, Segmented, Select, Statistic, Table, Typography } from 'antd';
import type { ColumnType } from 'antd/es/table';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { PageLoading } from '../../components/PageLoading';
import { formatDate, formatDateTime, formatMoney, formatNumber } from '../../format';
import { formatShare } from './cells';
import type { ReportData, ReportRow } from './definitions';
import { periodEnd, periodStart, reportQuery, ReportFilters, useReportParams } from './filters';
import { csvUrl, fetchReport } from './ReportScreen';

const ReportChart = lazy(() => import('./ReportChart'));

/** The windows offered; the API takes 1–365 days, a link may carry any of them. */
export const ATTRIBUTION_WINDOWS = [7, 14, 30, 60, 90, 180];
/** The window shown before the report (and the workspace's window with it) has been read. */
export const DEFAULT_ATTRIBUTION_WINDOW = 30;

export type AttributionGrouping = 'campaign' | 'channel';
const TABLE: Record<AttributionGrouping, string> = { campaign: 'byCampaign', channel: 'byChannel' };
const FILTERS = ['period', 'category', 'owner', 'segment'] as const;
const SUMMARY = [
  ['purchases', 'int'],
  ['revenue', 'money'],
  ['attributedRevenue', 'money'],
  ['attributedShare', 'share'],
  ['unattributedPurchases', 'int'],
  ['unattributedRevenue', 'money'],
] as const;
/** The figures of each campaign or channel row, with how they are shown (the campaign card shows them too). */
export const ATTRIBUTION_FIGURES = [
  ['touched', 'int'],
  ['clicked', 'int'],
  ['purchasers', 'int'],
  ['purchases', 'int'],
  ['revenue', 'money'],
  ['revenuePerClient', 'money'],
  ['conversionRate', 'share'],
] as const;
type Kind = 'int' | 'money' | 'share';

/** Numbers as the attribution screens show them: counts, money in the workspace currency, shares. */
export function useAttributionFormat(currency: string | null) {
  const { i18n } = useTranslation();
  const locale = i18n.language;
  return (kind: Kind, value: unknown): string => {
    const n = Number(value ?? 0);
    if (kind === 'money') return formatMoney(n, currency, locale);
    if (kind === 'share') return formatShare(n, locale);
    return formatNumber(n, locale);
  };
}

/** The window selector: a few usual windows, and the one a link carries. */
export function AttributionWindowSelect({
  value,
  onChange,
  id,
}: {
  value: number;
  onChange: (days: number) => void;
  id?: string;
}) {
  const { t } = useTranslation();
  const days = ATTRIBUTION_WINDOWS.includes(value)
    ? ATTRIBUTION_WINDOWS
    : [...ATTRIBUTION_WINDOWS, value].sort((a, b) => a - b);
  return (
    <Select<number>
      id={id}
      aria-label={t('attribution.window')}
      value={value}
      style={{ width: 130 }}
      options={days.map((d) => ({ value: d, label: t('attribution.windowDays', { count: d }) }))}
      onChange={onChange}
    />
  );
}

/** The attribution report: purchases credited to the last touch before them, per campaign or channel. */
export function AttributionReport() {
  const { t } = useTranslation();
  const { get, set } = useReportParams();
  // The window a link asks for, else the workspace's (the API's default: engagement settings).
  const asked = get('windowDays');
  const by: AttributionGrouping = get('by') === 'channel' ? 'channel' : 'campaign';
  const filters = reportQuery([...FILTERS], get);
  const fetched = asked ? { ...filters, windowDays: asked } : filters;
  const report = useQuery({
    queryKey: ['reports', 'attribution', fetched],
    queryFn: () => fetchReport('attribution', fetched),
    placeholderData: keepPreviousData,
  });
  const windowDays = Number(asked ?? report.data?.summary.windowDays ?? DEFAULT_ATTRIBUTION_WINDOW);
  // The CSV of what is shown: with the window the report was read with.
  const query = { ...filters, windowDays: String(windowDays) };

  return (
    <>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 900 }}>
        {t('attribution.intro')}
      </Typography.Paragraph>
      <ReportFilters filters={[...FILTERS]} />
      <Form layout="inline" style={{ rowGap: 8, marginBottom: 16 }}>
        <Form.Item
          label={t('attribution.window')}
          htmlFor="attribution-window"
          style={{ marginInlineEnd: 12 }}
        >
          <AttributionWindowSelect
            id="attribution-window"
            value={windowDays}
            onChange={(d) => set({ windowDays: d })}
          />
        </Form.Item>
        <Form.Item label={t('attribution.by')}>
          <Segmented<AttributionGrouping>
            aria-label={t('attribution.by')}
            value={by}
            onChange={(v) => set({ by: v === 'campaign' ? null : v })}
            options={[
              { value: 'campaign', label: t('attribution.byCampaign') },
              { value: 'channel', label: t('attribution.byChannel') },
            ]}
          />
        </Form.Item>
      </Form>
      {report.isError ? (
        <ApiErrorAlert error={report.error} onRetry={() => void report.refetch()} />
      ) : report.isPending ? (
        <PageLoading />
      ) : (
        <AttributionBody data={report.data} by={by} query={query} />
      )}
    </>
  );
}

function AttributionBody({
  data,
  by,
  query,
}: {
  data: ReportData;
  by: AttributionGrouping;
  query: Record<string, string>;
}) {
  const { t } = useTranslation();
  const currency = (data.summary.currency as string | null) ?? null;
  const format = useAttributionFormat(currency);
  const table = TABLE[by];
  const all = data.tables[table] ?? [];
  // A channel nobody was touched by is a row of zeros: the table keeps it, the chart does not.
  const rows = by === 'channel' ? all.filter((r) => Number(r.touched) > 0) : all;
  const name = (r: ReportRow) =>
    by === 'channel' ? t(`channel.${String(r.channel)}`) : String(r.campaignName ?? r.campaignId);
  const title = `${t('attribution.chartRevenue')} · ${t(by === 'campaign' ? 'attribution.byCampaign' : 'attribution.byChannel')}`;
  const revenue = rows.map((r) => Number(r.revenue ?? 0));

  const columns: ColumnType<ReportRow>[] = [
    by === 'campaign'
      ? {
          key: 'campaign',
          title: t('attribution.col.campaign'),
          render: (_: unknown, r: ReportRow) => (
            <Link to={`/campaigns/${String(r.campaignId)}`}>{name(r)}</Link>
          ),
          sorter: (a, b) => name(a).localeCompare(name(b)),
        }
      : {
          key: 'channel',
          title: t('attribution.col.channel'),
          render: (_: unknown, r: ReportRow) => name(r),
        },
    ...ATTRIBUTION_FIGURES.map(([key, kind]) => ({
      key,
      dataIndex: key,
      title: t(`attribution.col.${key}`),
      align: 'right' as const,
      render: (v: unknown) => <span data-cell={key}>{format(kind, v)}</span>,
      sorter: (a: ReportRow, b: ReportRow) => Number(a[key] ?? 0) - Number(b[key] ?? 0),
    })),
  ];
  const s = data.summary;
  const summaryRow = (label: string, testId: string, purchases: unknown, money: unknown) => (
    <Table.Summary.Row data-testid={testId}>
      <Table.Summary.Cell index={0}>{label}</Table.Summary.Cell>
      <Table.Summary.Cell index={1} colSpan={3} />
      <Table.Summary.Cell index={4} align="right">
        {format('int', purchases)}
      </Table.Summary.Cell>
      <Table.Summary.Cell index={5} align="right">
        {format('money', money)}
      </Table.Summary.Cell>
      <Table.Summary.Cell index={6} colSpan={2} />
    </Table.Summary.Row>
  );

  return (
    <div data-testid="report-attribution">
      <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 12 }}>
        {data.period &&
          t('reports.periodShown', {
            from: formatDate(periodStart(data.period.key).format('YYYY-MM-DD')),
            to: formatDate(periodEnd(data.period.key).format('YYYY-MM-DD')),
          })}
        {' · '}
        {t('attribution.windowDays', { count: Number(s.windowDays) })}
        {' · '}
        {t('reports.generated', { time: formatDateTime(data.generatedAt) })}
      </Typography.Text>
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
        {SUMMARY.map(([key, kind]) => (
          <Col key={key} xs={12} md={8} xl={4}>
            <Card size="small" style={{ height: '100%' }}>
              <div data-testid={`summary-${key}`}>
                <Statistic
                  title={t(`attribution.summary.${key}`)}
                  value={Number(s[key] ?? 0)}
                  formatter={() => format(kind, s[key])}
                />
              </div>
            </Card>
          </Col>
        ))}
      </Row>
      <Card size="small" title={title} style={{ marginBottom: 16 }}>
        {rows.length === 0 ? (
          <Empty description={t('attribution.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
        ) : (
          <Suspense
            fallback={<Typography.Text type="secondary">{t('reports.chart.loading')}</Typography.Text>}
          >
            <ReportChart
              type={by === 'campaign' ? 'hbar' : 'bar'}
              categories={rows.map(name)}
              series={[{ name: t('attribution.col.revenue'), data: revenue }]}
              format={(v) => format('money', v)}
              label={t('attribution.chartSummary', {
                title,
                items: rows.map((r, i) => `${name(r)} ${format('money', revenue[i])}`).join('; '),
              })}
            />
          </Suspense>
        )}
      </Card>
      <Card
        size="small"
        title={t(by === 'campaign' ? 'attribution.byCampaign' : 'attribution.byChannel')}
        extra={
          <Button
            size="small"
            icon={<DownloadOutlined />}
            href={csvUrl('attribution', query, table)}
            download
            aria-label={t('reports.csvTitle', {
              table: t(by === 'campaign' ? 'attribution.byCampaign' : 'attribution.byChannel'),
            })}
            data-testid={`csv-${table}`}
          >
            {t('reports.csv')}
          </Button>
        }
      >
        <Table<ReportRow>
          size="small"
          data-testid={`table-attribution-${table}`}
          rowKey={(r) => String(by === 'campaign' ? r.campaignId : r.channel)}
          dataSource={all}
          columns={columns}
          pagination={all.length > 25 ? { pageSize: 25, showSizeChanger: false } : false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <EmptyText>{t('attribution.empty')}</EmptyText> }}
          summary={() => (
            <Table.Summary>
              {summaryRow(
                t('attribution.unattributed'),
                'attribution-unattributed',
                s.unattributedPurchases,
                s.unattributedRevenue,
              )}
              {summaryRow(t('attribution.total'), 'attribution-total', s.purchases, s.revenue)}
            </Table.Summary>
          )}
        />
      </Card>
    </div>
  );
}
