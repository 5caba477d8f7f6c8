import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  Progress,
  Row,
  Select,
  Space,
  Statistic,
  Table,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { CHANNELS, type Channel } from '../../api/types';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { PageLoading } from '../../components/PageLoading';
import { PageTitle } from '../../components/Shell';
import { formatDateTime, formatMoney, formatNumber } from '../../format';
import { useReasonText } from '../../texts';
import { CursorPager } from '../../components/CursorPager';
import { ExplainDrawer } from './ExplainDrawer';
import { RunEngagement } from './RunEngagement';
import { RunExperiment } from './RunExperiment';
import { SuppressionsByReason } from './SuppressionsByReason';
import {
  byStatusOf,
  CANCELLABLE,
  DELIVERY_STATUSES,
  DeliveryStatusTag,
  periodText,
  REASONS,
  RunStatusTag,
  type Delivery,
  type DeliveryStatus,
  type Reason,
  type Run,
} from './shared';
import { useRunProgress } from './useRunProgress';

export const DELIVERIES_PAGE_SIZE = 25;

export default function RunDetail() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const number = (n: number) => formatNumber(n, i18n.language);
  const { session } = useSession();
  const { modal, message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [cancelError, setCancelError] = useState<unknown>(null);

  const { progress, mode } = useRunProgress(id);
  const finished = progress.data?.finished ?? false;
  const run = useQuery({
    queryKey: ['run', id],
    queryFn: () => unwrap<Run>(api.GET('/api/v1/runs/{id}', { params: { path: { id } } })),
    // The counts by channel and reason follow the live counts while the run is on.
    refetchInterval: (q) => (q.state.data && !progress.data?.finished ? 3000 : false),
  });
  // The run's status and counts once the progress says it is over (or its status moved on).
  const progressStatus = progress.data?.status;
  useEffect(() => {
    if (progressStatus && run.data && progressStatus !== run.data.status) {
      void queryClient.invalidateQueries({ queryKey: ['run', id] });
      void queryClient.invalidateQueries({ queryKey: ['run-deliveries', id] });
    }
  }, [progressStatus, run.data, id, queryClient]);

  if (run.isPending) return <PageLoading />;
  if (run.isError) {
    const notFound = run.error instanceof ApiError && run.error.status === 404;
    return (
      <>
        <Link to="/runs">← {t('runs.detail.back')}</Link>
        <PageTitle>{t('runs.title')}</PageTitle>
        {notFound ? (
          <Empty description={t('runs.detail.notFound')} />
        ) : (
          <ApiErrorAlert error={run.error} onRetry={() => void run.refetch()} />
        )}
      </>
    );
  }
  const r = run.data;
  const counts: Record<DeliveryStatus, number> = progress.data
    ? (Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, progress.data.byStatus[s] ?? 0])) as Record<
        DeliveryStatus,
        number
      >)
    : byStatusOf(r);
  const total = progress.data?.total ?? DELIVERY_STATUSES.reduce((sum, s) => sum + counts[s], 0);
  const done = progress.data?.done ?? total - counts.queued - counts.sending;
  const status = progress.data?.status ?? r.status;
  const canCancel = CANCELLABLE.includes(status) && session?.staff.role !== 'sales-ops';
  const byChannel = (r.stats.byChannel ?? {}) as Record<string, Record<string, number>>;
  const displaced = Number(r.stats.displaced ?? 0);

  const cancel = () =>
    modal.confirm({
      title: t('runs.detail.cancelTitle', { campaign: r.campaignName ?? '' }),
      content: t('runs.detail.cancelText'),
      okText: t('runs.detail.cancelOk'),
      cancelText: t('runs.detail.cancelKeep'),
      okButtonProps: { danger: true },
      onOk: async () => {
        setCancelError(null);
        try {
          await unwrap<Run>(api.POST('/api/v1/runs/{id}/cancel', { params: { path: { id } } }));
          void message.success(t('runs.detail.cancelled'));
        } catch (e) {
          setCancelError(e);
        }
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: ['run', id] }),
          queryClient.invalidateQueries({ queryKey: ['run-progress', id] }),
          queryClient.invalidateQueries({ queryKey: ['run-deliveries', id] }),
        ]);
      },
    });

  return (
    <>
      <Link to="/runs">← {t('runs.detail.back')}</Link>
      <PageTitle
        extra={
          canCancel ? (
            <Button danger onClick={cancel}>
              {t('runs.detail.cancel')}
            </Button>
          ) : undefined
        }
      >
        {r.campaignName} · {periodText(r)}
      </PageTitle>
      {cancelError ? <ApiErrorAlert error={cancelError} /> : null}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card title={t('runs.detail.progress')} size="small" style={{ height: '100%' }}>
            <div style={{ display: 'flex', alignItems: 'center', gap: 8, marginBottom: 8, flexWrap: 'wrap' }}>
              <span data-testid="run-status">
                <RunStatusTag status={status} />
              </span>
              <Typography.Text type="secondary" data-testid="progress-mode">
                {finished
                  ? t('runs.detail.over')
                  : mode === 'stream'
                    ? t('runs.detail.live')
                    : t('runs.detail.polling')}
              </Typography.Text>
            </div>
            <Progress
              percent={Math.floor((progress.data?.doneFraction ?? (total ? done / total : 0)) * 100)}
              status={
                status === 'failed'
                  ? 'exception'
                  : status === 'completed'
                    ? 'success'
                    : finished
                      ? 'normal'
                      : 'active'
              }
              aria-label={t('runs.detail.progressLabel', { done: number(done), total: number(total) })}
            />
            <Typography.Text data-testid="progress-text">
              {t('runs.detail.progressLabel', { done: number(done), total: number(total) })}
            </Typography.Text>
            {progress.isError && (
              <ApiErrorAlert error={progress.error} onRetry={() => void progress.refetch()} />
            )}
            <Row gutter={[8, 12]} style={{ marginTop: 12 }} data-testid="status-counts">
              {DELIVERY_STATUSES.map((s) => (
                <Col xs={12} sm={6} key={s}>
                  <div data-testid={`status-${s}`}>
                    <Statistic
                      title={t(`deliveryStatus.${s}`)}
                      value={counts[s]}
                      formatter={(v) => number(Number(v))}
                    />
                  </div>
                </Col>
              ))}
            </Row>
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card size="small" style={{ height: '100%' }}>
            <Descriptions
              size="small"
              column={{ xs: 1, sm: 2 }}
              items={[
                { key: 'occ', label: t('runs.detail.occurrence'), children: formatDateTime(r.occurrenceAt) },
                { key: 'trigger', label: t('runs.triggerLabel'), children: t(`runs.trigger.${r.trigger}`) },
                {
                  key: 'aud',
                  label: t('runs.audience'),
                  children: (
                    <span data-testid="run-audience">
                      {r.audience === null ? t('common.none') : number(r.audience)}
                    </span>
                  ),
                },
                { key: 'created', label: t('runs.detail.created'), children: formatDateTime(r.createdAt) },
                { key: 'planned', label: t('runs.detail.planned'), children: formatDateTime(r.plannedAt) },
                {
                  key: 'completed',
                  label: t('runs.detail.completed'),
                  children: formatDateTime(r.completedAt),
                },
                ...(r.message
                  ? [{ key: 'msg', label: t('runs.detail.message'), children: r.message, span: 2 }]
                  : []),
              ]}
            />
            {displaced > 0 && (
              <Typography.Text type="secondary">
                {t('runs.detail.displaced', { count: displaced })}
              </Typography.Text>
            )}
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t('runs.detail.byChannel')} size="small">
            <ByChannel byChannel={byChannel} />
          </Card>
        </Col>
        <Col xs={24} lg={byChannel.sms || byChannel.letter ? 12 : 24}>
          <Card title={t('runs.detail.byReason')} size="small" style={{ height: '100%' }}>
            <SuppressionsByReason
              counts={(r.stats.byReason ?? {}) as Record<string, number>}
              label={t('runs.detail.byReason')}
              empty={t('runs.detail.byReasonEmpty')}
              testId="run-reasons"
            />
          </Card>
        </Col>
        {byChannel.sms && (
          <Col xs={24} lg={12}>
            <SmsCard runId={id} />
          </Col>
        )}
        {byChannel.letter && (
          <Col xs={24} lg={12}>
            <LettersCard runId={id} />
          </Col>
        )}
        <RunEngagement runId={id} live={status === 'dispatching' || status === 'planning'} />
        <RunExperiment runId={id} />
        <Col span={24}>
          <Deliveries runId={id} />
        </Col>
      </Row>
    </>
  );
}

function ByChannel({ byChannel }: { byChannel: Record<string, Record<string, number>> }) {
  const { t, i18n } = useTranslation();
  const channels = CHANNELS.filter((c) => byChannel[c]);
  // Suppressed deliveries have no channel: the reasons say what they are.
  const shown = DELIVERY_STATUSES.filter((s) => s !== 'suppressed');
  if (!channels.length)
    return <Empty description={t('runs.detail.byChannelEmpty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <Table
      size="small"
      pagination={false}
      data-testid="run-channels"
      aria-label={t('runs.detail.byChannel')}
      rowKey="channel"
      dataSource={channels.map((channel) => ({ channel, ...byChannel[channel] }))}
      columns={[
        {
          title: t('runs.detail.channelCol'),
          dataIndex: 'channel',
          render: (c: Channel) => t(`channel.${c}`),
        },
        ...shown.map((s) => ({
          title: t(`deliveryStatus.${s}`),
          dataIndex: s,
          align: 'right' as const,
          render: (n: number | undefined) => formatNumber(n ?? 0, i18n.language),
        })),
      ]}
    />
  );
}

function SmsCard({ runId }: { runId: string }) {
  const { t, i18n } = useTranslation();
  const number = (n: number) => formatNumber(n, i18n.language);
  const sms = useQuery({
    queryKey: ['run-sms', runId],
    queryFn: () =>
      unwrap<Schemas['RunSmsCostDto']>(api.GET('/api/v1/runs/{id}/sms', { params: { path: { id: runId } } })),
  });
  return (
    <Card title={t('runs.sms.title')} size="small" style={{ height: '100%' }}>
      {sms.isError ? (
        <ApiErrorAlert error={sms.error} onRetry={() => void sms.refetch()} />
      ) : sms.isPending ? (
        <PageLoading />
      ) : (
        <>
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2 }}
            items={[
              { key: 'n', label: t('runs.sms.deliveries'), children: number(sms.data.deliveries) },
              { key: 'q', label: t('runs.sms.queued'), children: number(sms.data.queued) },
              { key: 's', label: t('runs.sms.sent'), children: number(sms.data.sent) },
              { key: 'd', label: t('runs.sms.delivered'), children: number(sms.data.delivered) },
              { key: 'f', label: t('runs.sms.failed'), children: number(sms.data.failed) },
              { key: 'seg', label: t('runs.sms.segments'), children: number(sms.data.segments) },
              {
                key: 'cost',
                label: t('runs.sms.cost'),
                children: formatMoney(sms.data.estimatedCost, sms.data.currency, i18n.language),
              },
            ]}
          />
          {sms.data.estimated.length > 0 && (
            <Typography.Text type="secondary">{t('runs.sms.estimated')}</Typography.Text>
          )}
        </>
      )}
    </Card>
  );
}

/** What the run page reads of a letter batch (GET /letter-batches?runId). */
interface LetterBatch {
  id: string;
  status: 'building' | 'ready' | 'mailed' | 'failed';
  letters: number;
  mailedAt: string | null;
}

function LettersCard({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const batches = useQuery({
    queryKey: ['run-letters', runId],
    queryFn: () =>
      unwrap<{ items: LetterBatch[] }>(api.GET('/api/v1/letter-batches', { params: { query: { runId } } })),
  });
  return (
    <Card title={t('runs.letters.title')} size="small" style={{ height: '100%' }}>
      {batches.isError ? (
        <ApiErrorAlert error={batches.error} onRetry={() => void batches.refetch()} />
      ) : batches.isPending ? (
        <PageLoading />
      ) : batches.data.items.length === 0 ? (
        <Typography.Text type="secondary">{t('runs.letters.none')}</Typography.Text>
      ) : (
        <ul className="tb-list">
          {batches.data.items.map((b) => (
            <li key={b.id}>
              <Space wrap>
                <span>{t('runs.letters.batch', { count: b.letters })}</span>
                {b.mailedAt && <Typography.Text type="secondary">{t('runs.letters.mailed')}</Typography.Text>}
                {(b.status === 'ready' || b.status === 'mailed') && (
                  <a href={`/api/v1/letter-batches/${b.id}/pdf`}>{t('runs.letters.pdf')}</a>
                )}
              </Space>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

interface DeliveryFilters {
  status?: DeliveryStatus;
  channel?: Channel;
  reason?: Reason;
  q?: string;
}

function Deliveries({ runId }: { runId: string }) {
  const { t } = useTranslation();
  const reasonText = useReasonText();
  const [filters, setFilters] = useState<DeliveryFilters>({});
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [open, setOpen] = useState<{ clientId: string; clientName?: string } | null>(null);
  const cursor = cursors[cursors.length - 1];
  const list = useQuery({
    queryKey: ['run-deliveries', runId, filters, cursor],
    queryFn: () =>
      unwrap<Schemas['DeliveryListDto']>(
        api.GET('/api/v1/runs/{id}/deliveries', {
          params: { path: { id: runId }, query: { ...filters, cursor, limit: DELIVERIES_PAGE_SIZE } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const set = (patch: DeliveryFilters) => {
    setFilters((f) => ({ ...f, ...patch }));
    setCursors([undefined]);
  };

  return (
    <Card title={<span id="deliveries-title">{t('runs.deliveries.title')}</span>} size="small">
      <div className="tb-filters" role="search" aria-label={t('runs.deliveries.filters')}>
        <Space wrap size={[8, 8]}>
          <Select<DeliveryStatus>
            aria-label={t('runs.deliveries.status')}
            placeholder={t('runs.deliveries.status')}
            allowClear
            style={{ width: 170 }}
            value={filters.status}
            onChange={(status) => set({ status })}
            options={DELIVERY_STATUSES.map((s) => ({ value: s, label: t(`deliveryStatus.${s}`) }))}
          />
          <Select<Channel>
            aria-label={t('runs.deliveries.channel')}
            placeholder={t('runs.deliveries.channel')}
            allowClear
            style={{ width: 150 }}
            value={filters.channel}
            onChange={(channel) => set({ channel })}
            options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
          />
          <Select<Reason>
            aria-label={t('runs.deliveries.reason')}
            placeholder={t('runs.deliveries.reason')}
            allowClear
            popupMatchSelectWidth={false}
            style={{ width: 260 }}
            value={filters.reason}
            onChange={(reason) => set({ reason })}
            options={REASONS.map((r) => ({ value: r, label: reasonText(r) }))}
          />
          <Input.Search
            aria-label={t('runs.deliveries.search')}
            placeholder={t('runs.deliveries.search')}
            allowClear
            style={{ width: 260 }}
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              if (!e.target.value) set({ q: undefined });
            }}
            onSearch={(q) => set({ q: q.trim() || undefined })}
          />
        </Space>
      </div>
      {list.isError ? (
        <ApiErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<Delivery>
            rowKey="id"
            size="small"
            data-testid="deliveries"
            aria-labelledby="deliveries-title"
            loading={list.isFetching}
            pagination={false}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: <EmptyText>{t('runs.deliveries.empty')}</EmptyText> }}
            scroll={{ x: 960 }}
            onRow={(d) => ({
              onClick: (event) => {
                // Links and buttons in the row do their own thing.
                if ((event.target as HTMLElement).closest('a, button')) return;
                setOpen({ clientId: d.clientId, clientName: d.clientName });
              },
              style: { cursor: 'pointer' },
            })}
            columns={[
              {
                title: t('runs.deliveries.client'),
                dataIndex: 'clientName',
                width: 200,
                render: (name: string | undefined, d) => <Link to={`/clients/${d.clientId}`}>{name}</Link>,
              },
              {
                title: t('runs.deliveries.status'),
                dataIndex: 'status',
                width: 130,
                render: (s: DeliveryStatus) => <DeliveryStatusTag status={s} />,
              },
              {
                title: t('runs.deliveries.channel'),
                dataIndex: 'channel',
                width: 110,
                render: (c: Channel | null) => (c ? t(`channel.${c}`) : t('common.none')),
              },
              {
                title: t('runs.deliveries.reason'),
                dataIndex: 'reason',
                width: 280,
                render: (r: string | null) => (r ? reasonText(r) : t('common.none')),
              },
              {
                title: t('runs.deliveries.scheduled'),
                dataIndex: 'scheduledAt',
                width: 150,
                render: (at: string) => formatDateTime(at),
              },
              {
                title: t('runs.deliveries.sent'),
                dataIndex: 'sentAt',
                width: 150,
                render: (at: string | null) => formatDateTime(at),
              },
              {
                title: <span className="tb-sr-only">{t('common.actions')}</span>,
                key: 'why',
                width: 110,
                render: (_, d) => (
                  <Button
                    size="small"
                    aria-label={t('runs.deliveries.whyFor', { client: d.clientName ?? '' })}
                    onClick={() => setOpen({ clientId: d.clientId, clientName: d.clientName })}
                  >
                    {t('runs.deliveries.why')}
                  </Button>
                ),
              },
            ]}
          />
          <CursorPager
            label={t('runs.deliveries.title')}
            page={cursors.length}
            onPrevious={cursors.length > 1 ? () => setCursors((c) => c.slice(0, -1)) : null}
            onNext={
              list.data?.nextCursor && !list.isPlaceholderData
                ? () => setCursors((c) => [...c, list.data!.nextCursor!])
                : null
            }
          />
        </>
      )}
      <ExplainDrawer
        runId={runId}
        clientId={open?.clientId ?? null}
        clientName={open?.clientName}
        onClose={() => setOpen(null)}
      />
    </Card>
  );
}
