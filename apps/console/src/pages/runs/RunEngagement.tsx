import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatNumber } from '../../format';

type Engagement = Schemas['RunEngagementDto'];
type Figures = Omit<Schemas['ChannelEngagementDto'], 'channel'>;

/** What a run's messages drew (a full-width column of the run page's grid): clicks and opens, per channel. */
/** The per-channel columns shown on every screen (the others from 1200 px). */
const NARROW_COLUMNS: readonly string[] = ['reached', 'clicked'];

export function RunEngagement({ runId, live }: { runId: string; live: boolean }) {
  const { t, i18n } = useTranslation();
  const engagement = useQuery({
    queryKey: ['run-engagement', runId],
    queryFn: () =>
      unwrap<Engagement>(api.GET('/api/v1/runs/{id}/engagement', { params: { path: { id: runId } } })),
    // Clicks keep coming after the run is over: refreshed now and then, faster while it sends.
    refetchInterval: live ? 5000 : 60_000,
  });
  const number = (n: number) => formatNumber(n, i18n.language);
  const percent = (x: number | null) =>
    x === null
      ? '—'
      : new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(x);
  const title = <h2 className="tb-card-title">{t('engagement.run.title')}</h2>;
  if (engagement.isPending) return null;
  if (engagement.isError)
    return (
      <Col span={24}>
        <Card size="small" title={title}>
          <ApiErrorAlert error={engagement.error} onRetry={() => void engagement.refetch()} />
        </Card>
      </Col>
    );
  const e = engagement.data;
  if (e.reached === 0) return null;
  const stats: { key: Exclude<keyof Figures, symbol>; value: string }[] = [
    { key: 'reached', value: number(e.reached) },
    { key: 'tracked', value: number(e.tracked) },
    { key: 'clicked', value: number(e.clicked) },
    { key: 'clickRate', value: percent(e.clickRate) },
    { key: 'clicks', value: number(e.clicks) },
    { key: 'opened', value: number(e.opened) },
    { key: 'machineOpens', value: number(e.machineOpens) },
  ];
  return (
    <Col span={24}>
      <Card size="small" title={title} data-testid="run-engagement">
        <Row gutter={[8, 12]}>
          {stats.map((s) => (
            <Col xs={12} sm={8} md={6} xl={3} key={s.key} data-testid={`engagement-${s.key}`}>
              <Statistic title={t(`engagement.run.${s.key}`)} value={s.value} />
            </Col>
          ))}
        </Row>
        {e.tracked === 0 && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t('engagement.run.untracked')}
          </Typography.Paragraph>
        )}
        {e.byChannel.length > 1 && (
          <Table<Schemas['ChannelEngagementDto']>
            title={() => t('engagement.run.byChannel')}
            style={{ marginTop: 12 }}
            size="small"
            pagination={false}
            rowKey="channel"
            dataSource={e.byChannel}
            columns={[
              {
                key: 'channel',
                title: t('engagement.run.channel'),
                render: (_, r) => t(`channel.${r.channel}`),
              },
              ...(['reached', 'tracked', 'clicked', 'clicks', 'opened', 'machineOpens'] as const).map(
                (k) => ({
                  key: k,
                  title: t(`engagement.run.${k}`),
                  align: 'right' as const,
                  // Narrow screens keep the essentials (reached, clicked, click rate): the table fits
                  // its card at 768 px without a horizontal scroll.
                  ...(NARROW_COLUMNS.includes(k) ? {} : { responsive: ['xl' as const] }),
                  render: (_: unknown, r: Schemas['ChannelEngagementDto']) => number(r[k]),
                }),
              ),
              {
                key: 'clickRate',
                title: t('engagement.run.clickRate'),
                align: 'right' as const,
                render: (_: unknown, r: Schemas['ChannelEngagementDto']) => percent(r.clickRate),
              },
            ]}
          />
        )}
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 13 }}>
          {t('engagement.run.note')}
        </Typography.Paragraph>
      </Card>
    </Col>
  );
}
