import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Progress, Row, Statistic, Table, Tag, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { CHANNELS, type Overview as OverviewData } from '../api/types';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { TAG } from '../components/colours';
import { PageLoading } from '../components/PageLoading';
import { PageTitle } from '../components/Shell';
import { formatDateTime, formatNumber } from '../format';
import { useReasonText } from '../texts';

const SuppressionsChart = lazy(() => import('../components/SuppressionsChart'));

export default function Overview() {
  const { t, i18n } = useTranslation();
  const number = (v: number | string) => formatNumber(Number(v), i18n.language);
  const reasonText = useReasonText();
  const query = useQuery({
    queryKey: ['overview'],
    queryFn: () => unwrap<OverviewData>(api.GET('/api/v1/overview')),
    refetchInterval: 30_000,
  });
  if (query.isPending || query.isError) {
    return (
      <>
        <PageTitle>{t('overview.title')}</PageTitle>
        {query.isError ? (
          <ApiErrorAlert error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <PageLoading />
        )}
      </>
    );
  }
  const o = query.data;
  const suppressions = o.suppressions30d.map((s) => ({
    key: s.reason,
    name: reasonText(s.reason),
    count: s.count,
  }));

  return (
    <>
      <PageTitle
        extra={
          <Typography.Text type="secondary">
            {t('common.updated', { time: formatDateTime(o.generatedAt) })}
          </Typography.Text>
        }
      >
        {t('overview.title')}
      </PageTitle>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={8}>
          <Card title={t('overview.sentToday')} size="small" style={{ height: '100%' }}>
            <Row gutter={8} data-testid="sent-today">
              {CHANNELS.map((c) => (
                <Col span={6} key={c}>
                  <div data-testid={`sent-${c}`}>
                    <Statistic title={t(`channel.${c}`)} value={o.sentToday[c]} formatter={number} />
                  </div>
                </Col>
              ))}
            </Row>
          </Card>
        </Col>
        <Col xs={24} md={8} xl={6}>
          <Card
            title={t('overview.ceoCoverage', { quarter: o.ceoLetterCoverage.quarter })}
            size="small"
            style={{ height: '100%' }}
          >
            <div style={{ display: 'flex', alignItems: 'center', gap: 12 }}>
              <Progress
                type="circle"
                size={64}
                percent={Math.round(o.ceoLetterCoverage.percent)}
                aria-label={t('overview.ceoCoverage', { quarter: o.ceoLetterCoverage.quarter })}
              />
              <span data-testid="ceo-coverage">
                {t('overview.ceoReached', {
                  reached: number(o.ceoLetterCoverage.reached),
                  eligible: number(o.ceoLetterCoverage.eligible),
                })}
              </span>
            </div>
          </Card>
        </Col>
        <Col xs={12} md={8} xl={5}>
          <Card title={t('overview.vipsCooling')} size="small" style={{ height: '100%' }}>
            <div data-testid="vips-cooling">
              <Statistic value={o.vipsCooling.count} formatter={number} />
            </div>
            <Typography.Text type="secondary">{t('overview.vipsCoolingHint')}</Typography.Text>
          </Card>
        </Col>
        <Col xs={12} md={8} xl={5}>
          <Card title={t('overview.callsDue')} size="small" style={{ height: '100%' }}>
            <div data-testid="calls-due">
              <Statistic value={o.callsDueToday.count} formatter={number} />
            </div>
            <Typography.Text
              type={o.callsDueToday.overdue ? 'danger' : 'secondary'}
              data-testid="calls-overdue"
            >
              {t('overview.callsOverdue', { count: o.callsDueToday.overdue })}
            </Typography.Text>
          </Card>
        </Col>

        <Col xs={24} xl={12}>
          <Card title={t('overview.suppressions')} size="small">
            {suppressions.length === 0 ? (
              <Empty description={t('overview.suppressionsEmpty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <>
                <Suspense fallback={<PageLoading />}>
                  <SuppressionsChart rows={suppressions} label={t('overview.suppressions')} />
                </Suspense>
                <Table
                  size="small"
                  pagination={false}
                  data-testid="suppressions"
                  aria-label={t('overview.suppressionsTable')}
                  dataSource={suppressions}
                  columns={[
                    { title: t('overview.reasonCol'), dataIndex: 'name' },
                    { title: t('overview.countCol'), dataIndex: 'count', align: 'right', width: 120 },
                  ]}
                />
              </>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t('overview.runs')} size="small" style={{ marginBottom: 16 }}>
            {o.runsInFlight.length === 0 ? (
              <Empty description={t('overview.runsEmpty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <ul className="tb-list" data-testid="runs-in-flight">
                {o.runsInFlight.map((r) => (
                  <li key={r.id}>
                    <div style={{ width: '100%' }}>
                      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
                        <Link to={`/runs/${r.id}`}>
                          <strong>{r.campaignName}</strong>
                        </Link>
                        <span>
                          {r.channels.map((c) => (
                            <Tag key={c}>{t(`channel.${c}`)}</Tag>
                          ))}
                          <Tag color={TAG.blue}>{t(`runStatus.${r.status}`, { defaultValue: r.status })}</Tag>
                        </span>
                      </div>
                      <Progress
                        percent={r.total ? Math.floor((r.done / r.total) * 100) : 0}
                        aria-label={`${r.campaignName}: ${t('overview.progress', { done: r.done, total: r.total })}`}
                      />
                      <Typography.Text type="secondary">
                        {t('overview.progress', { done: number(r.done), total: number(r.total) })} ·{' '}
                        {t('overview.runCounts', {
                          sent: number(r.sent),
                          suppressed: number(r.suppressed),
                          failed: number(r.failed),
                        })}
                      </Typography.Text>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title={t('overview.upcoming')} size="small">
            {o.upcoming.length === 0 ? (
              <Empty description={t('overview.upcomingEmpty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Table
                size="small"
                pagination={false}
                data-testid="upcoming"
                rowKey={(u) => `${u.occurrenceAt}-${u.campaignId}`}
                dataSource={o.upcoming}
                columns={[
                  {
                    title: t('overview.date'),
                    dataIndex: 'occurrenceAt',
                    render: (at: string) => formatDateTime(at),
                    width: 150,
                  },
                  {
                    title: t('overview.campaign'),
                    dataIndex: 'campaignName',
                    render: (name: string, u) => (
                      <>
                        {name} {u.campaignStatus === 'paused' && <Tag>{t('overview.paused')}</Tag>}
                      </>
                    ),
                  },
                  {
                    title: t('overview.channel'),
                    dataIndex: 'channel',
                    render: (c: string | null) => (c ? t(`channel.${c}`) : t('common.none')),
                  },
                  {
                    title: t('overview.kind'),
                    dataIndex: 'kind',
                    render: (k: string) => t(`campaignKind.${k}`),
                  },
                ]}
              />
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
