import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Form,
  Row,
  Select,
  Statistic,
  Table,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../../api/client';
import type { Page } from '../../api/types';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { PageLoading } from '../../components/PageLoading';
import { formatDate, formatDateTime, formatNumber } from '../../format';
import { useReportParams } from './filters';

const ReportChart = lazy(() => import('./ReportChart'));

type Survey = Schemas['SurveyReportDto'];
type Answer = Survey['answers'][number];

/** The survey answers: ratings, an NPS-style score and the answers, filtered by date and campaign. */
export function SurveyReport() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const number = (v: number) => formatNumber(v, locale);
  const { get, set } = useReportParams();
  const from = get('from');
  const to = get('to');
  const campaignId = get('campaign');
  const runId = get('run');
  // The picker's "to" is the last day shown; the API's `to` is exclusive.
  const query = {
    ...(from && { from }),
    ...(to && { to: dayjs(to).add(1, 'day').format('YYYY-MM-DD') }),
    ...(campaignId && { campaignId }),
    ...(runId && { runId }),
  };
  const campaigns = useQuery({
    queryKey: ['campaigns', 'picker'],
    queryFn: () =>
      unwrap<Page<{ id: string; name: string }>>(
        api.GET('/api/v1/campaigns', { params: { query: { limit: 100 } } }),
      ),
    staleTime: 60_000,
  });
  // The runs of the campaign chosen, newest first: the answers of one run (one month's survey).
  const runs = useQuery({
    queryKey: ['runs', 'picker', campaignId],
    queryFn: () =>
      unwrap<Page<{ id: string; periodKey: string; occurrenceAt: string }>>(
        api.GET('/api/v1/runs', { params: { query: { campaignId, limit: 100 } } }),
      ),
    enabled: !!campaignId,
    staleTime: 60_000,
  });
  const report = useQuery({
    queryKey: ['reports', 'survey', query],
    queryFn: () => unwrap<Survey>(api.GET('/api/v1/reports/survey', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const csv = `/api/v1/reports/survey?${new URLSearchParams({ ...query, format: 'csv' }).toString()}`;

  return (
    <>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 900 }}>
        {t('reports.intro.survey')}
      </Typography.Paragraph>
      <Form layout="inline" aria-label={t('reports.filter.label')} style={{ rowGap: 8, marginBottom: 16 }}>
        <Form.Item label={t('reports.filter.dateRange')} style={{ marginInlineEnd: 12 }}>
          <DatePicker.RangePicker
            aria-label={t('reports.filter.dateRange')}
            value={[from ? dayjs(from) : null, to ? dayjs(to) : null]}
            allowEmpty={[true, true]}
            placeholder={[t('reports.filter.from'), t('reports.filter.to')]}
            onChange={(v) => {
              const [a, b] = (v ?? [null, null]) as [Dayjs | null, Dayjs | null];
              set({ from: a?.format('YYYY-MM-DD'), to: b?.format('YYYY-MM-DD') });
            }}
          />
        </Form.Item>
        <Form.Item style={{ marginInlineEnd: 12 }}>
          <Select
            aria-label={t('reports.filter.campaign')}
            placeholder={t('reports.filter.allCampaigns')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            loading={campaigns.isPending}
            value={campaignId}
            style={{ width: 220 }}
            options={(campaigns.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
            onChange={(v?: string) => set({ campaign: v, run: null })}
          />
        </Form.Item>
        {campaignId && (
          <Form.Item style={{ marginInlineEnd: 12 }}>
            <Select
              aria-label={t('reports.filter.run')}
              placeholder={t('reports.filter.allRuns')}
              allowClear
              loading={runs.isPending}
              value={runId}
              style={{ width: 220 }}
              options={(runs.data?.items ?? []).map((r) => ({
                value: r.id,
                label: `${r.periodKey} · ${formatDate(r.occurrenceAt)}`,
              }))}
              onChange={(v?: string) => set({ run: v })}
            />
          </Form.Item>
        )}
        <Form.Item>
          <Button onClick={() => set({ from: null, to: null, campaign: null, run: null })}>
            {t('reports.filter.reset')}
          </Button>
        </Form.Item>
      </Form>
      {report.isError ? (
        <ApiErrorAlert error={report.error} onRetry={() => void report.refetch()} />
      ) : report.isPending ? (
        <PageLoading />
      ) : (
        <div data-testid="report-survey">
          <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
            {(
              [
                ['responses', report.data.responses],
                ['rated', report.data.ratings.rated],
                ['average', report.data.ratings.average],
                ['nps', report.data.ratings.nps],
                ['promoters', report.data.ratings.promoters],
                ['passives', report.data.ratings.passives],
                ['detractors', report.data.ratings.detractors],
              ] as const
            ).map(([key, v]) => (
              <Col key={key} xs={12} md={8} lg={6} xl={3}>
                <Card size="small" style={{ height: '100%' }}>
                  <div
                    data-testid={`summary-${key}`}
                    title={key === 'nps' ? t('reports.nps.hint') : undefined}
                  >
                    <Statistic
                      title={t(`reports.summary.${key}`)}
                      value={v ?? 0}
                      formatter={() => (v === null ? '—' : number(v))}
                    />
                  </div>
                </Card>
              </Col>
            ))}
          </Row>
          <Card size="small" title={t('reports.chart.distribution')} style={{ marginBottom: 16 }}>
            {report.data.ratings.rated === 0 ? (
              <Empty description={t('reports.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Suspense fallback={<PageLoading />}>
                <ReportChart
                  type="bar"
                  categories={report.data.ratings.distribution.map((d) => String(d.rating))}
                  series={[
                    {
                      name: t('reports.col.count'),
                      data: report.data.ratings.distribution.map((d) => d.count),
                    },
                  ]}
                  format={number}
                  label={t('reports.chart.summary', {
                    title: t('reports.chart.distribution'),
                    items: report.data.ratings.distribution
                      .map((d) => `${d.rating}: ${number(d.count)}`)
                      .join('; '),
                  })}
                />
              </Suspense>
            )}
          </Card>
          <Card
            size="small"
            title={t('reports.table.answers')}
            extra={
              <Button
                size="small"
                icon={<DownloadOutlined />}
                href={csv}
                download
                aria-label={t('reports.csvTitle', { table: t('reports.table.answers') })}
                data-testid="csv-answers"
              >
                {t('reports.csv')}
              </Button>
            }
          >
            {report.data.truncated && (
              <Alert type="info" showIcon title={t('reports.truncated')} style={{ marginBottom: 12 }} />
            )}
            <Table<Answer>
              size="small"
              data-testid="table-survey-answers"
              rowKey={(a) => `${a.runId}-${a.clientId}`}
              dataSource={report.data.answers}
              pagination={report.data.answers.length > 25 ? { pageSize: 25, showSizeChanger: false } : false}
              scroll={{ x: 'max-content' }}
              locale={{ emptyText: <EmptyText>{t('reports.empty')}</EmptyText> }}
              columns={[
                {
                  title: t('reports.col.answeredAt'),
                  dataIndex: 'answeredAt',
                  render: (d: string) => formatDateTime(d),
                  sorter: (a, b) => a.answeredAt.localeCompare(b.answeredAt),
                },
                {
                  title: t('reports.col.client'),
                  dataIndex: 'clientName',
                  render: (name: string, a) => <Link to={`/clients/${a.clientId}`}>{name}</Link>,
                  sorter: (a, b) => a.clientName.localeCompare(b.clientName),
                },
                { title: t('reports.col.campaign'), dataIndex: 'campaignName' },
                { title: t('reports.col.period'), dataIndex: 'periodKey' },
                {
                  title: t('reports.col.rating'),
                  dataIndex: 'rating',
                  align: 'right',
                  render: (r: number | null) => (r === null ? '—' : number(r)),
                  sorter: (a, b) => (a.rating ?? -1) - (b.rating ?? -1),
                },
                {
                  title: t('reports.col.valued'),
                  dataIndex: 'valued',
                  render: (s: string) => <div style={{ maxWidth: 320, whiteSpace: 'pre-wrap' }}>{s}</div>,
                },
                {
                  title: t('reports.col.improve'),
                  dataIndex: 'improve',
                  render: (s: string) => <div style={{ maxWidth: 320, whiteSpace: 'pre-wrap' }}>{s}</div>,
                },
                {
                  title: t('reports.col.locale'),
                  dataIndex: 'locale',
                  render: (l: string) => t(`reports.localeName.${l}`, { defaultValue: l }),
                },
              ]}
            />
          </Card>
        </div>
      )}
    </>
  );
}
