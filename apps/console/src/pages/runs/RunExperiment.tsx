import { useQuery } from '@tanstack/react-query';
import { Card, Col, Descriptions, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { TAG } from '../../components/colours';
import { formatDateTime, formatMoney, formatNumber } from '../../format';

type Results = Schemas['ExperimentResultsDto'];
type VariantResult = Schemas['VariantResultDto'];

const isNotFound = (e: unknown) => e instanceof ApiError && e.status === 404;

/** A run's A/B test (a full-width column of the run page's grid; nothing without a test): per variant what was reached and the metric, the p-value, the winner, the rest. */
export function RunExperiment({ runId }: { runId: string }) {
  const { t, i18n } = useTranslation();
  const results = useQuery({
    queryKey: ['run-experiment', runId],
    queryFn: () =>
      unwrap<Results>(api.GET('/api/v1/runs/{id}/experiment', { params: { path: { id: runId } } })),
    retry: (count, e) => !isNotFound(e) && count < 2,
    // Live while testing; settled afterwards.
    refetchInterval: (q) => (q.state.data?.status === 'testing' ? 5000 : false),
  });
  if (results.isPending || isNotFound(results.error)) return null;
  if (results.isError)
    return (
      <Col span={24}>
        <ApiErrorAlert error={results.error} onRetry={() => void results.refetch()} />
      </Col>
    );
  const r = results.data;
  const number = (n: number) => formatNumber(n, i18n.language);
  const percent = (x: number | null) =>
    x === null
      ? '—'
      : new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(x);
  const money = (x: number | null) => (x === null ? '—' : formatMoney(x, r.currency, i18n.language));
  const p4 = (x: number) => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 4 }).format(x);
  const p = (x: number | null) => (x === null ? '—' : x < 0.0001 ? `< ${p4(0.0001)}` : p4(x));
  const clicks = r.metric === 'clicks';
  const winner = r.variants.find((v) => v.key === r.winner);
  return (
    <Col span={24}>
      <Card
        size="small"
        title={<h2 className="tb-card-title">{t('experiments.run.title')}</h2>}
        data-testid="run-experiment"
      >
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2 }}
          items={[
            {
              key: 'status',
              label: t('experiments.run.status'),
              children: (
                <Tag data-testid="experiment-status" color={r.status === 'testing' ? TAG.blue : TAG.green}>
                  {t(`experiments.run.statusValue.${r.status}`)}
                </Tag>
              ),
            },
            {
              key: 'metric',
              label: t('experiments.run.metric'),
              children: t(`experiments.metricValue.${r.metric}`),
            },
            {
              key: 'window',
              label: t('experiments.run.windowEnds'),
              // The window counts from the test's sending: while some of it is still to go, no date yet.
              children:
                r.status === 'testing' && r.testUnsent > 0
                  ? t('experiments.run.windowAfterSending', { count: number(r.testUnsent) })
                  : formatDateTime(r.decidedAt ?? r.windowEndsAt),
            },
            {
              key: 'winner',
              label: t('experiments.run.winner'),
              children: (
                <span data-testid="experiment-winner">
                  {winner ? `${winner.key} · ${winner.name}` : t('experiments.run.noWinner')}
                  {r.winnerBasis ? (
                    <Typography.Text type="secondary">
                      {' '}
                      — {t(`experiments.run.basis.${r.winnerBasis}`)}
                    </Typography.Text>
                  ) : null}
                </span>
              ),
            },
            {
              key: 'p',
              label: t('experiments.run.pValue'),
              children: (
                <span data-testid="experiment-p">
                  {p(r.pValue)} ·{' '}
                  {r.significant
                    ? t('experiments.run.significant', { level: r.significanceLevel })
                    : t('experiments.run.notSignificant')}
                </span>
              ),
            },
            ...(r.testShare < 1
              ? [
                  {
                    key: 'rest',
                    label: r.status === 'testing' ? t('experiments.run.held') : t('experiments.run.rest'),
                    children: (
                      <span data-testid="experiment-rest">
                        {r.status === 'testing' ? number(r.held) : number(r.restCount ?? 0)}
                        {r.status !== 'testing' ? ` · ${t(`experiments.run.statusValue.${r.status}`)}` : ''}
                      </span>
                    ),
                  },
                ]
              : []),
          ]}
        />
        <Table<VariantResult>
          rowKey="key"
          size="small"
          pagination={false}
          style={{ marginTop: 12 }}
          aria-label={t('experiments.run.tableLabel')}
          data-testid="experiment-variants"
          dataSource={r.variants}
          scroll={{ x: 640 }}
          rowClassName={(v) => (v.key === r.winner ? 'tb-row-winner' : '')}
          columns={[
            {
              title: t('experiments.run.variantCol'),
              dataIndex: 'key',
              render: (key: string, v) => (
                <span>
                  <strong>{key}</strong> {v.name}
                  {key === r.winner ? (
                    <Tag color={TAG.green} style={{ marginLeft: 8 }}>
                      {t('experiments.run.winner')}
                    </Tag>
                  ) : null}
                </span>
              ),
            },
            { title: t('experiments.run.shareCol'), dataIndex: 'share', align: 'right', render: percent },
            {
              title: t('experiments.run.assignedCol'),
              dataIndex: 'assigned',
              align: 'right',
              render: number,
            },
            { title: t('experiments.run.reachedCol'), dataIndex: 'reached', align: 'right', render: number },
            ...(clicks
              ? [
                  {
                    title: t('experiments.run.clickedCol'),
                    dataIndex: 'clicked',
                    align: 'right' as const,
                    render: number,
                  },
                  {
                    title: t('experiments.run.clickRateCol'),
                    dataIndex: 'clickRate',
                    align: 'right' as const,
                    render: percent,
                  },
                ]
              : [
                  {
                    title: t('experiments.run.buyersCol'),
                    dataIndex: 'buyers',
                    align: 'right' as const,
                    render: number,
                  },
                  {
                    title: t('experiments.run.revenueCol'),
                    dataIndex: 'revenue',
                    align: 'right' as const,
                    render: money,
                  },
                  {
                    title: t('experiments.run.perClientCol'),
                    dataIndex: 'revenuePerClient',
                    align: 'right' as const,
                    render: money,
                  },
                ]),
            { title: t('experiments.run.pValueCol'), dataIndex: 'pValue', align: 'right', render: p },
          ]}
        />
        {r.status === 'testing' && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('experiments.run.live')}
          </Typography.Paragraph>
        )}
      </Card>
    </Col>
  );
}
