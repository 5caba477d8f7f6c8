import { useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  Collapse,
  DatePicker,
  Empty,
  Row,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../../api/client';
import { CHANNELS } from '../../api/types';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { TAG } from '../../components/colours';
import { PageLoading } from '../../components/PageLoading';
import { PageTitle } from '../../components/Shell';
import { formatDateTime, formatNumber } from '../../format';
import { useReasonText } from '../../texts';
import { CapHits } from '../runs/shared';
import { SuppressionsByReason } from '../runs/SuppressionsByReason';

const SuppressionsChart = lazy(() => import('../../components/SuppressionsChart'));

type Result = Schemas['SimulationResultDto'];
type Occurrence = Result['occurrences'][number];

const DAY = 'YYYY-MM-DD';

/** The preset ranges, from today. */
function presets(today: Dayjs): { key: string; value: [Dayjs, Dayjs] }[] {
  const quarter = today.month(Math.floor(today.month() / 3) * 3).startOf('month');
  return [
    { key: 'next7', value: [today, today.add(6, 'day')] },
    { key: 'thisMonth', value: [today.startOf('month'), today.endOf('month').startOf('day')] },
    {
      key: 'nextMonth',
      value: [today.add(1, 'month').startOf('month'), today.add(1, 'month').endOf('month').startOf('day')],
    },
    { key: 'thisQuarter', value: [quarter, quarter.add(2, 'month').endOf('month').startOf('day')] },
  ];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A day from the address: 2027-02-01, or the local day of a date-time (2027-02-01T00:00:00Z). */
function parseDay(value: string | null): Dayjs | null {
  if (!value) return null;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const parsed = day ? dayjs(new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3]))) : dayjs(value);
  return parsed.isValid() ? parsed.startOf('day') : null;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const total = (counts: Record<string, number>) => sum(Object.values(counts));

/**
 * Plans every occurrence in a range (?from=&to=, days, both included) without sending anything: per
 * occurrence the audience, deliveries by channel, suppressions by reason and the clients who would
 * hit a cap, each with the cap and the touches in the way.
 */
export default function Simulation() {
  const { t, i18n } = useTranslation();
  const number = (n: number) => formatNumber(n, i18n.language);
  const reasonText = useReasonText();
  const { session } = useSession();
  const mayRun = session?.staff.role !== 'sales-ops';
  const [params, setParams] = useSearchParams();
  const from = parseDay(params.get('from'));
  const to = parseDay(params.get('to'));
  // A link may narrow the simulation to some campaigns (?campaignId=…&campaignId=…).
  const campaignIds = params.getAll('campaignId').filter((id) => UUID.test(id));
  // What the picker shows: the range in the address until the person picks another.
  const urlKey = `${params.get('from')}|${params.get('to')}`;
  const [pick, setPick] = useState<{ key: string; value: [Dayjs | null, Dayjs | null] }>({
    key: urlKey,
    value: [from, to],
  });
  const picked: [Dayjs | null, Dayjs | null] = pick.key === urlKey ? pick.value : [from, to];
  const setPicked = (value: [Dayjs | null, Dayjs | null]) => setPick({ key: urlKey, value });

  const simulation = useQuery({
    queryKey: ['simulation', from?.format(DAY), to?.format(DAY), campaignIds],
    enabled: mayRun && !!from && !!to,
    queryFn: () =>
      unwrap<Result>(
        api.POST('/api/v1/simulations', {
          body: {
            from: from!.startOf('day').toISOString(),
            // The end day is included: up to the start of the next one.
            to: to!.add(1, 'day').startOf('day').toISOString(),
            ...(campaignIds.length && { campaignIds }),
          },
        }),
      ),
    retry: false,
    staleTime: 60_000,
  });

  const run = () => {
    const [a, b] = picked;
    if (!a || !b) return;
    if (a.format(DAY) === from?.format(DAY) && b.format(DAY) === to?.format(DAY)) {
      void simulation.refetch();
      return;
    }
    const next = new URLSearchParams(params);
    next.set('from', a.format(DAY));
    next.set('to', b.format(DAY));
    setParams(next);
  };
  const allCampaigns = () => {
    const next = new URLSearchParams(params);
    next.delete('campaignId');
    setParams(next);
  };

  return (
    <>
      <PageTitle>{t('simulation.title')}</PageTitle>
      <Typography.Paragraph type="secondary">{t('simulation.intro')}</Typography.Paragraph>
      {!mayRun ? (
        <Alert type="info" showIcon title={t('simulation.forbidden')} />
      ) : (
        <>
          <form
            className="tb-filters"
            aria-label={t('simulation.range')}
            onSubmit={(e) => {
              e.preventDefault();
              run();
            }}
          >
            <Space wrap size={[8, 8]}>
              <DatePicker.RangePicker
                value={picked}
                allowEmpty={[false, false]}
                format="L"
                aria-label={t('simulation.range')}
                id={{ start: 'simulation-from', end: 'simulation-to' }}
                placeholder={[t('simulation.from'), t('simulation.to')]}
                presets={presets(dayjs().startOf('day')).map((p) => ({
                  label: t(`simulation.presets.${p.key}`),
                  value: p.value,
                }))}
                onChange={(v) => setPicked([v?.[0] ?? null, v?.[1] ?? null])}
              />
              <Button
                type="primary"
                htmlType="submit"
                disabled={!picked[0] || !picked[1]}
                loading={simulation.isFetching}
              >
                {from && to ? t('simulation.rerun') : t('simulation.run')}
              </Button>
            </Space>
          </form>
          {campaignIds.length > 0 && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              title={t('simulation.someCampaigns', { count: campaignIds.length })}
              action={
                <Button size="small" onClick={allCampaigns}>
                  {t('simulation.allCampaigns')}
                </Button>
              }
            />
          )}
          {!from || !to ? (
            <Empty description={t('simulation.pick')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
          ) : simulation.isError ? (
            <ApiErrorAlert error={simulation.error} onRetry={() => void simulation.refetch()} />
          ) : simulation.isPending || (simulation.isFetching && !simulation.data) ? (
            <Running />
          ) : (
            <Spin spinning={simulation.isFetching} description={t('simulation.running')}>
              <Results occurrences={simulation.data.occurrences} number={number} reasonText={reasonText} />
            </Spin>
          )}
        </>
      )}
    </>
  );
}

/** A spinner with the seconds gone by: a long simulation is working, not stuck. */
function Running() {
  const { t } = useTranslation();
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setSeconds((s) => s + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div role="status" style={{ padding: 48, textAlign: 'center' }} data-testid="simulation-running">
      <Spin size="large" />
      <div style={{ marginTop: 12 }}>{t('simulation.running')}</div>
      <Typography.Text type="secondary">{t('simulation.elapsed', { seconds })}</Typography.Text>
    </div>
  );
}

function Results({
  occurrences,
  number,
  reasonText,
}: {
  occurrences: Occurrence[];
  number: (n: number) => string;
  reasonText: (r: string) => string;
}) {
  const { t } = useTranslation();
  const keyOf = (o: Occurrence) => `${o.campaignId}-${o.occurrenceAt}`;
  const [expanded, setExpanded] = useState<string[]>(() =>
    occurrences
      .filter((o) => o.capped.count > 0)
      .slice(0, 5)
      .map(keyOf),
  );
  if (occurrences.length === 0) {
    return <Empty description={t('simulation.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  }
  const allReasons: Record<string, number> = {};
  for (const o of occurrences) {
    for (const [reason, n] of Object.entries(o.suppressions))
      allReasons[reason] = (allReasons[reason] ?? 0) + n;
  }
  const reasonRows = Object.entries(allReasons)
    .filter(([, n]) => n > 0)
    .map(([reason, count]) => ({ key: reason, name: reasonText(reason), count }));
  const stats: { key: string; value: number }[] = [
    { key: 'occurrences', value: occurrences.length },
    { key: 'audience', value: sum(occurrences.map((o) => o.audience)) },
    { key: 'deliveries', value: sum(occurrences.map((o) => total(o.deliveries))) },
    { key: 'suppressed', value: sum(occurrences.map((o) => total(o.suppressions))) },
    { key: 'capped', value: sum(occurrences.map((o) => o.capped.count)) },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card size="small">
        <Row gutter={[16, 12]} data-testid="simulation-summary">
          {stats.map((s) => (
            <Col xs={12} sm={8} lg={4} key={s.key}>
              <div data-testid={`summary-${s.key}`}>
                <Statistic
                  title={t(`simulation.summary.${s.key}`)}
                  value={s.value}
                  formatter={(v) => number(Number(v))}
                />
              </div>
            </Col>
          ))}
        </Row>
      </Card>
      {reasonRows.length > 0 && (
        <Card title={t('simulation.suppressionsAll')} size="small">
          <Suspense fallback={<PageLoading />}>
            <SuppressionsChart rows={reasonRows} label={t('simulation.suppressionsAll')} />
          </Suspense>
        </Card>
      )}
      <Card title={<span id="occurrences-title">{t('simulation.occurrences')}</span>} size="small">
        <Table<Occurrence>
          size="small"
          rowKey={keyOf}
          data-testid="simulation-occurrences"
          aria-labelledby="occurrences-title"
          pagination={occurrences.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
          dataSource={occurrences}
          scroll={{ x: 900 }}
          columns={[
            {
              title: t('simulation.campaign'),
              dataIndex: 'campaignName',
              width: 240,
              sorter: (a, b) => a.campaignName.localeCompare(b.campaignName),
              render: (name: string, o) => (
                <>
                  <Link to={`/campaigns/${o.campaignId}`}>{name}</Link>
                  {o.editionMissing && (
                    <div>
                      <Tag color={TAG.orange}>{t('simulation.editionMissing')}</Tag>
                    </div>
                  )}
                </>
              ),
            },
            {
              title: t('simulation.date'),
              dataIndex: 'occurrenceAt',
              width: 150,
              sorter: (a, b) => a.occurrenceAt.localeCompare(b.occurrenceAt),
              render: (at: string, o) => (
                <>
                  {formatDateTime(at)}
                  <div>
                    <Typography.Text type="secondary">{o.periodKey}</Typography.Text>
                  </div>
                </>
              ),
            },
            {
              title: t('simulation.audience'),
              dataIndex: 'audience',
              align: 'right',
              width: 110,
              sorter: (a, b) => a.audience - b.audience,
              render: (n: number) => <span data-testid="occ-audience">{number(n)}</span>,
            },
            {
              title: t('simulation.deliveries'),
              key: 'deliveries',
              render: (_, o) => <Channels counts={o.deliveries} number={number} />,
            },
            {
              title: t('simulation.suppressed'),
              key: 'suppressed',
              align: 'right',
              width: 130,
              sorter: (a, b) => total(a.suppressions) - total(b.suppressions),
              render: (_, o) => <span data-testid="occ-suppressed">{number(total(o.suppressions))}</span>,
            },
            {
              title: t('simulation.capped'),
              key: 'capped',
              align: 'right',
              width: 120,
              sorter: (a, b) => a.capped.count - b.capped.count,
              render: (_, o) =>
                o.capped.count > 0 ? (
                  <Tag color={TAG.red} style={{ marginInlineEnd: 0 }} data-testid="occ-capped">
                    {number(o.capped.count)}
                  </Tag>
                ) : (
                  <span data-testid="occ-capped">{number(0)}</span>
                ),
            },
          ]}
        />
      </Card>
      <Card title={<span id="details-title">{t('simulation.detailsTitle')}</span>} size="small">
        <Collapse
          aria-labelledby="details-title"
          activeKey={expanded}
          onChange={(keys) => setExpanded(Array.isArray(keys) ? keys : [keys])}
          items={occurrences.map((o) => ({
            key: keyOf(o),
            label: (
              <Space wrap size={[8, 4]}>
                <strong>{o.campaignName}</strong>
                <span>{formatDateTime(o.occurrenceAt)}</span>
                {o.capped.count > 0 && (
                  <Tag color={TAG.red}>{t('simulation.cappedTag', { count: number(o.capped.count) })}</Tag>
                )}
              </Space>
            ),
            children: <OccurrenceDetail o={o} number={number} reasonText={reasonText} />,
          }))}
        />
      </Card>
    </Space>
  );
}

function Channels({ counts, number }: { counts: Record<string, number>; number: (n: number) => string }) {
  const { t } = useTranslation();
  const shown = CHANNELS.filter((c) => (counts[c] ?? 0) > 0);
  if (!shown.length) return <Typography.Text type="secondary">{t('simulation.noChannels')}</Typography.Text>;
  return (
    <Space size={[4, 4]} wrap>
      {shown.map((c) => (
        <Tag key={c} data-testid={`occ-channel-${c}`}>
          {t(`channel.${c}`)}: {number(counts[c])}
        </Tag>
      ))}
    </Space>
  );
}

function OccurrenceDetail({
  o,
  number,
  reasonText,
}: {
  o: Occurrence;
  number: (n: number) => string;
  reasonText: (r: string) => string;
}) {
  const { t } = useTranslation();
  const title = t('simulation.details', { campaign: o.campaignName, date: formatDateTime(o.occurrenceAt) });
  return (
    <section aria-label={title} data-testid="occurrence-detail">
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Typography.Title level={2} style={{ fontSize: 15 }}>
            {t('simulation.suppressionsTitle')}
          </Typography.Title>
          <SuppressionsByReason
            counts={o.suppressions}
            label={`${title}: ${t('simulation.suppressionsTitle')}`}
            empty={t('simulation.suppressionsEmpty')}
            testId="occ-reasons"
          />
        </Col>
        <Col xs={24} xl={14}>
          <Typography.Title level={2} style={{ fontSize: 15 }}>
            {t('simulation.cappedTitle')}
          </Typography.Title>
          {o.capped.count === 0 ? (
            <Typography.Text type="secondary">{t('simulation.cappedNone')}</Typography.Text>
          ) : (
            <>
              {o.capped.clients.length < o.capped.count && (
                <Typography.Paragraph type="secondary">
                  {t('simulation.cappedSample', {
                    shown: number(o.capped.clients.length),
                    count: number(o.capped.count),
                  })}
                </Typography.Paragraph>
              )}
              <ul className="tb-list" data-testid="capped-clients">
                {o.capped.clients.map((c) => (
                  <li key={c.id} data-testid="capped-client" data-client-id={c.id}>
                    <div>
                      <Typography.Paragraph style={{ marginBottom: 4 }}>
                        <Link to={`/clients/${c.id}`} style={{ textDecoration: 'underline' }}>
                          {c.name}
                        </Link>{' '}
                        {t('simulation.cappedWhy', {
                          campaign: o.campaignName,
                          reason: reasonText('frequency-cap'),
                        })}
                      </Typography.Paragraph>
                      <CapHits caps={c.caps} />
                    </div>
                  </li>
                ))}
              </ul>
            </>
          )}
        </Col>
      </Row>
    </section>
  );
}
