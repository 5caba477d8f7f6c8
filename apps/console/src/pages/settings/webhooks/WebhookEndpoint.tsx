import { ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, unwrap } from '../../../api/client';
import { useSession } from '../../../auth/session';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { TAG } from '../../../components/colours';
import { EmptyText } from '../../../components/EmptyText';
import { PageLoading } from '../../../components/PageLoading';
import { PageTitle } from '../../../components/Shell';
import { formatDateTime } from '../../../format';
import { EndpointButtons, EndpointState, useEndpointActions } from './Webhooks';
import { EndpointModal, SecretModal } from './WebhookForms';
import { DELIVERY_STATUSES, type Delivery, type DeliveryStatus, type Endpoint } from './webhookTypes';

const STATUS_COLOUR: Record<DeliveryStatus, string> = {
  pending: TAG.blue,
  delivered: TAG.green,
  failed: TAG.orange,
  dead: TAG.red,
};

/** One endpoint (admins): its settings, its delivery log, replays of one event or a period. */
export default function WebhookEndpoint() {
  const { t } = useTranslation();
  const { session } = useSession();
  const { id = '' } = useParams();
  const endpoint = useQuery({
    queryKey: ['webhooks', 'endpoint', id],
    queryFn: () => unwrap<Endpoint>(api.GET('/api/v1/webhooks/endpoints/{id}', { params: { path: { id } } })),
    enabled: session?.staff.role === 'admin',
  });
  if (session?.staff.role !== 'admin') return <Typography.Text>{t('errors.forbidden')}</Typography.Text>;
  if (endpoint.isError)
    return <ApiErrorAlert error={endpoint.error} onRetry={() => void endpoint.refetch()} />;
  if (!endpoint.data) return <PageLoading />;
  return <EndpointScreen endpoint={endpoint.data} />;
}

function EndpointScreen({ endpoint }: { endpoint: Endpoint }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const actions = useEndpointActions();
  const [editing, setEditing] = useState(false);
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const log = useQuery({
    queryKey: ['webhooks', 'deliveries', endpoint.id, status],
    queryFn: () =>
      unwrap<Delivery[]>(
        api.GET('/api/v1/webhooks/endpoints/{id}/deliveries', {
          params: { path: { id: endpoint.id }, query: { status: status || undefined } },
        }),
      ),
    refetchInterval: 3_000,
  });
  const replay = useMutation({
    mutationFn: (body: { eventId?: string; from?: string; to?: string }) =>
      unwrap<{ queued: number }>(
        api.POST('/api/v1/webhooks/endpoints/{id}/replay', { params: { path: { id: endpoint.id } }, body }),
      ),
    onSuccess: (r) => {
      void message.success(t('webhooks.replayQueued', { count: r.queued }));
      void queryClient.invalidateQueries({ queryKey: ['webhooks'] });
    },
  });
  const counts = Object.fromEntries(
    DELIVERY_STATUSES.map((s) => [s, (log.data ?? []).filter((d) => d.status === s).length]),
  ) as Record<DeliveryStatus, number>;
  return (
    <>
      <Link to="/settings/webhooks" style={{ display: 'inline-block', marginBottom: 8 }}>
        ← {t('webhooks.back')}
      </Link>
      <PageTitle>{endpoint.description || t('webhooks.title')}</PageTitle>
      {actions.error != null && <ApiErrorAlert error={actions.error} />}
      <Card size="small" style={{ marginBottom: 16 }}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            {
              key: 'url',
              label: t('webhooks.url'),
              children: (
                <span style={{ wordBreak: 'break-all' }} data-testid="webhook-url-value">
                  {endpoint.url}
                </span>
              ),
            },
            { key: 'status', label: t('webhooks.status'), children: <EndpointState endpoint={endpoint} /> },
            {
              key: 'events',
              label: t('webhooks.eventTypes'),
              children:
                endpoint.eventTypes.length === 0
                  ? t('webhooks.allEvents')
                  : endpoint.eventTypes.map((type) => t(`webhooks.types.${type}`)).join(', '),
            },
            {
              key: 'last',
              label: t('webhooks.lastSuccess'),
              children: endpoint.lastSuccessAt ? formatDateTime(endpoint.lastSuccessAt) : t('webhooks.never'),
            },
          ]}
        />
        <div style={{ marginTop: 8 }}>
          <EndpointButtons endpoint={endpoint} actions={actions} onEdit={() => setEditing(true)} />
        </div>
      </Card>
      <Card
        size="small"
        title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('webhooks.log')}</h2>}
        extra={
          <Button size="small" icon={<ReloadOutlined />} onClick={() => void log.refetch()}>
            {t('webhooks.refresh')}
          </Button>
        }
      >
        <Typography.Paragraph type="secondary">{t('webhooks.logHint')}</Typography.Paragraph>
        <Space wrap style={{ marginBottom: 12 }} align="start">
          <Select<DeliveryStatus | ''>
            aria-label={t('webhooks.statusFilter')}
            style={{ width: 200 }}
            value={status}
            onChange={setStatus}
            options={[
              { value: '', label: `${t('webhooks.statusFilter')}: ${t('webhooks.all')}` },
              ...DELIVERY_STATUSES.map((s) => ({ value: s, label: t(`webhooks.deliveryStatus.${s}`) })),
            ]}
            data-testid="webhook-status-filter"
          />
          <ReplayRange onReplay={(from, to) => replay.mutate({ from, to })} pending={replay.isPending} />
        </Space>
        {replay.isError && <ApiErrorAlert error={replay.error} />}
        {log.data && (
          <Typography.Paragraph data-testid="webhook-log-summary">
            {t('webhooks.summary', counts)}
          </Typography.Paragraph>
        )}
        {log.isError ? (
          <ApiErrorAlert error={log.error} onRetry={() => void log.refetch()} />
        ) : (
          <Table<Delivery>
            size="small"
            rowKey="id"
            loading={log.isPending}
            dataSource={log.data ?? []}
            pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: <EmptyText>{t('webhooks.logEmpty')}</EmptyText> }}
            data-testid="webhook-log"
            columns={[
              {
                title: t('webhooks.status'),
                dataIndex: 'status',
                render: (s: DeliveryStatus, d) => (
                  <>
                    <Tag color={STATUS_COLOUR[s]} data-testid="webhook-delivery-status">
                      {t(`webhooks.deliveryStatus.${s}`)}
                    </Tag>
                    {(s === 'pending' || s === 'failed') && d.attempts > 0 && (
                      <div>
                        <Typography.Text type="secondary">
                          {t('webhooks.nextAttempt', { time: formatDateTime(d.nextAttemptAt) })}
                        </Typography.Text>
                      </div>
                    )}
                  </>
                ),
              },
              {
                title: t('webhooks.event'),
                dataIndex: 'type',
                render: (type: Delivery['type'], d) => (
                  <>
                    <div>{t(`webhooks.types.${type}`)}</div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {type} · {d.eventId}
                    </Typography.Text>
                  </>
                ),
              },
              { title: t('webhooks.attempts'), dataIndex: 'attempts', align: 'right' },
              {
                title: t('webhooks.responseCode'),
                key: 'code',
                render: (_: unknown, d) =>
                  d.lastStatusCode !== null ? (
                    <span data-testid="webhook-delivery-code">{d.lastStatusCode}</span>
                  ) : d.lastError ? (
                    <Typography.Text type="danger">{d.lastError}</Typography.Text>
                  ) : (
                    '—'
                  ),
              },
              {
                title: t('webhooks.createdAt'),
                dataIndex: 'createdAt',
                render: (v: string) => formatDateTime(v),
              },
              {
                title: t('webhooks.deliveredAt'),
                dataIndex: 'deliveredAt',
                render: (v: string | null) => formatDateTime(v),
              },
              {
                title: t('webhooks.actions'),
                key: 'replay',
                render: (_: unknown, d) => (
                  <Button
                    size="small"
                    onClick={() => replay.mutate({ eventId: d.eventId })}
                    data-testid={`webhook-replay-${d.eventId}`}
                  >
                    {t('webhooks.replay')}
                  </Button>
                ),
              },
            ]}
          />
        )}
      </Card>
      {editing && (
        <EndpointModal
          endpoint={endpoint}
          onClose={() => setEditing(false)}
          onCreated={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            void message.success(t('webhooks.saved'));
            void actions.refresh();
          }}
        />
      )}
      {actions.secret && <SecretModal secret={actions.secret} onClose={() => actions.setSecret(null)} />}
    </>
  );
}

/** A period to send again: every event of it the endpoint takes. */
function ReplayRange({
  onReplay,
  pending,
}: {
  onReplay: (from: string, to: string) => void;
  pending: boolean;
}) {
  const { t } = useTranslation();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  return (
    <Form
      layout="inline"
      onFinish={() => range?.[0] && range[1] && onReplay(range[0].toISOString(), range[1].toISOString())}
    >
      <Form.Item
        label={t('webhooks.replayRange')}
        tooltip={t('webhooks.replayRangeHint')}
        style={{ marginBottom: 8 }}
      >
        <DatePicker.RangePicker
          showTime
          style={{ maxWidth: '100%' }}
          value={range}
          onChange={(v) => setRange(v)}
          aria-label={t('webhooks.replayRange')}
          data-testid="webhook-replay-range"
        />
      </Form.Item>
      <Form.Item style={{ marginBottom: 8 }}>
        <Button
          htmlType="submit"
          disabled={!range?.[0] || !range[1]}
          loading={pending}
          data-testid="webhook-replay-range-submit"
        >
          {t('webhooks.replay')}
        </Button>
      </Form.Item>
    </Form>
  );
}
