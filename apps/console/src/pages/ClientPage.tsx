import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Input,
  Modal,
  Row,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import {
  CHANNELS,
  type Client,
  type ConsentEntry,
  type HistoryEntry,
  type Page,
  type Preferences,
  type TimelineEvent,
} from '../api/types';
import { useSession } from '../auth/session';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { EmptyText } from '../components/EmptyText';
import { TAG } from '../components/colours';
import { PageLoading } from '../components/PageLoading';
import { PageTitle } from '../components/Shell';
import { formatDateTime, formatMoney } from '../format';
import { useConsentText, useReasonText } from '../texts';
import { ClientEditor } from './ClientEditor';
import { ClientAttributionCard } from './clients/ClientAttributionCard';
import { ClientConsentProofCard } from './clients/ClientConsentProofCard';
import { DeliveryEngagement } from './clients/DeliveryEngagement';

const STATUS_COLOURS: Record<string, string> = {
  sent: TAG.blue,
  delivered: TAG.green,
  failed: TAG.red,
  bounced: TAG.red,
  suppressed: TAG.orange,
  cancelled: TAG.grey,
  queued: TAG.grey,
  sending: TAG.blue,
};

const show = (v: unknown): string =>
  v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);

export default function ClientPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const client = useQuery({
    queryKey: ['client', id],
    queryFn: () => unwrap<Client>(api.GET('/api/v1/clients/{id}', { params: { path: { id } } })),
  });
  if (client.isPending) return <PageLoading />;
  if (client.isError) {
    return (
      <>
        <Link to="/clients">← {t('client.back')}</Link>
        <ApiErrorAlert error={client.error} />
      </>
    );
  }
  const c = client.data;
  return (
    <>
      <Link to="/clients">← {t('client.back')}</Link>
      <PageTitle
        extra={
          <Space>
            {c.category && (
              <Tag color={c.category === 'VIP' ? TAG.gold : TAG.blue}>{t(`category.${c.category}`)}</Tag>
            )}
            <Tag>{t(`stage.${c.stage}`)}</Tag>
            {c.archivedAt && <Tag color={TAG.red}>{t('client.archived')}</Tag>}
            {c.erasedAt && <Tag color={TAG.grey}>{t('clientBase.erasedTag')}</Tag>}
            <ClientActions c={c} />
          </Space>
        }
      >
        {c.name}
      </PageTitle>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <ContactCard c={c} />
        </Col>
        <Col xs={24} lg={12}>
          <HistoryCard c={c} />
        </Col>
        <Col xs={24} lg={12}>
          <PreferencesCard id={id} />
        </Col>
        <Col xs={24} lg={12}>
          <ConsentCard id={id} />
        </Col>
        <Col span={24}>
          <ClientConsentProofCard id={id} />
        </Col>
        <Col span={24}>
          <ClientAttributionCard id={id} />
        </Col>
        <Col span={24}>
          <TimelineCard id={id} />
        </Col>
      </Row>
    </>
  );
}

/** Edit, archive or bring back, erase: what the person's role may do with this client. */
function ClientActions({ c }: { c: Client }) {
  const { t } = useTranslation();
  const { session } = useSession();
  const { message, modal } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [erasing, setErasing] = useState(false);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const role = session?.staff.role;
  if (c.erasedAt || (role !== 'admin' && role !== 'sales-ops')) return null;

  const post = async (action: 'archive' | 'unarchive' | 'erase', done: string) => {
    setBusy(true);
    setError(null);
    try {
      const path = `/api/v1/clients/{id}/${action}` as const;
      const updated = await unwrap<Client>(api.POST(path, { params: { path: { id: c.id } } }));
      queryClient.setQueryData(['client', c.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['client', c.id] });
      void queryClient.invalidateQueries({ queryKey: ['clients'] });
      void message.success(done);
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button onClick={() => setEditing(true)}>{t('clientBase.edit')}</Button>
      {c.archivedAt ? (
        <Button loading={busy} onClick={() => void post('unarchive', t('clientBase.unarchived'))}>
          {t('clientBase.unarchive')}
        </Button>
      ) : (
        <Button
          loading={busy}
          onClick={() =>
            modal.confirm({
              title: t('clientBase.archive'),
              content: t('clientBase.archiveConfirm', { name: c.name }),
              okText: t('clientBase.archive'),
              cancelText: t('common.cancel'),
              onOk: () => post('archive', t('clientBase.archived')),
            })
          }
        >
          {t('clientBase.archive')}
        </Button>
      )}
      {role === 'admin' && (
        <Button danger onClick={() => setErasing(true)}>
          {t('clientBase.erase')}
        </Button>
      )}
      {error && !erasing ? (
        <div style={{ width: '100%' }}>
          <ApiErrorAlert error={error} />
        </div>
      ) : null}
      <ClientEditor
        open={editing}
        client={c}
        onClose={() => setEditing(false)}
        onSaved={(saved) => {
          queryClient.setQueryData(['client', c.id], saved);
          void queryClient.invalidateQueries({ queryKey: ['client', c.id] });
          setEditing(false);
        }}
      />
      <Modal
        open={erasing}
        title={t('clientBase.eraseTitle')}
        okText={t('clientBase.eraseConfirm')}
        okButtonProps={{ danger: true, disabled: typed.trim() !== c.name.trim() }}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onCancel={() => {
          setErasing(false);
          setTyped('');
          setError(null);
        }}
        onOk={async () => {
          if (await post('erase', t('clientBase.erased'))) {
            setErasing(false);
            setTyped('');
          }
        }}
        destroyOnHidden
      >
        <Typography.Paragraph>{t('clientBase.eraseText')}</Typography.Paragraph>
        <label htmlFor="erase-confirm">{t('clientBase.eraseType', { name: c.name })}</label>
        <Input
          id="erase-confirm"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
        />
        {error ? (
          <div style={{ marginTop: 12 }}>
            <ApiErrorAlert error={error} />
          </div>
        ) : null}
      </Modal>
    </>
  );
}

function ContactCard({ c }: { c: Client }) {
  const { t } = useTranslation();
  const address = [
    c.address.recipient,
    ...c.address.lines,
    c.address.postalCode,
    c.address.city,
    c.address.region,
    c.address.country,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('client.contact')}</h2>}
      size="small"
      style={{ height: '100%' }}
    >
      <Descriptions column={1} size="small" data-testid="client-contact">
        <Descriptions.Item label={t('client.contactName')}>{c.contactName ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('client.email')}>{c.email ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('client.phone')}>{c.phone ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('client.address')}>{address || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('client.reference')}>{c.externalRef ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('client.owner')}>
          {c.owner?.name ?? t('clients.noOwner')}
        </Descriptions.Item>
        <Descriptions.Item label={t('client.locale')}>{t(`language.${c.locale}`)}</Descriptions.Item>
        <Descriptions.Item label={t('client.timeZone')}>{c.timeZone ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('client.tags')}>
          {c.tags.length ? c.tags.map((tag) => <Tag key={tag}>{tag}</Tag>) : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('client.verified')}>
          {formatDateTime(c.contactVerifiedAt)}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

function HistoryCard({ c }: { c: Client }) {
  const { t } = useTranslation();
  const history = useQuery({
    queryKey: ['client', c.id, 'history'],
    queryFn: () =>
      unwrap<HistoryEntry[]>(api.GET('/api/v1/clients/{id}/history', { params: { path: { id: c.id } } })),
  });
  const value = (field: string, v: string | null) =>
    v ? t(field === 'stage' ? `stage.${v}` : `category.${v}`, { defaultValue: v }) : '—';
  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('client.history')}</h2>}
      size="small"
      style={{ height: '100%' }}
    >
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('client.category')}>
          <span data-testid="client-category">{c.category ? t(`category.${c.category}`) : '—'}</span>
          {c.categorySource && (
            <Typography.Text type="secondary" style={{ marginInlineStart: 6 }}>
              ({t(`client.categorySource.${c.categorySource}`)})
            </Typography.Text>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('client.stage')}>
          <span data-testid="client-stage">{t(`stage.${c.stage}`)}</span>
          <Typography.Text type="secondary" style={{ marginInlineStart: 6 }}>
            ({formatDateTime(c.stageChangedAt)})
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('client.purchases', { count: c.purchaseCount })}>
          {formatDateTime(c.lastPurchaseAt)}
        </Descriptions.Item>
      </Descriptions>
      {history.isError ? (
        <ApiErrorAlert error={history.error} />
      ) : (
        <Table<HistoryEntry>
          size="small"
          loading={history.isPending}
          pagination={false}
          data-testid="client-history"
          rowKey={(h) => `${h.at}-${h.field}-${h.to}`}
          dataSource={history.data ?? []}
          locale={{ emptyText: <EmptyText>{t('client.historyEmpty')}</EmptyText> }}
          columns={[
            { title: t('client.consentWhen'), dataIndex: 'at', render: formatDateTime, width: 150 },
            {
              title: t('client.consentItem'),
              dataIndex: 'field',
              render: (f: string) => t(`client.field.${f}`, { defaultValue: f }),
            },
            {
              title: t('client.consentChange'),
              key: 'change',
              render: (_, h) =>
                t('client.change', { from: value(h.field, h.from), to: value(h.field, h.to) }),
            },
            {
              title: t('client.consentSource'),
              key: 'source',
              render: (_, h) => {
                const source = t(`historySource.${h.source.split(':')[0]}`, { defaultValue: h.source });
                return h.staffName ? `${source}, ${t('client.by', { name: h.staffName })}` : source;
              },
            },
          ]}
        />
      )}
    </Card>
  );
}

function PreferencesCard({ id }: { id: string }) {
  const { t } = useTranslation();
  const prefs = useQuery({
    queryKey: ['client', id, 'preferences'],
    queryFn: () =>
      unwrap<Preferences>(api.GET('/api/v1/clients/{id}/preferences', { params: { path: { id } } })),
  });
  const title = <h2 style={{ fontSize: 16, margin: 0 }}>{t('client.preferences')}</h2>;
  if (prefs.isPending) return <Card title={title} size="small" loading />;
  if (prefs.isError)
    return (
      <Card title={title} size="small">
        <ApiErrorAlert error={prefs.error} />
      </Card>
    );
  const p = prefs.data;
  const allowed = p.channels;
  return (
    <Card title={title} size="small" style={{ height: '100%' }}>
      <Descriptions column={1} size="small" data-testid="client-preferences">
        <Descriptions.Item label={t('client.preferences')}>
          {p.optedOut ? (
            <Tag color={TAG.red}>{t('client.optedOut')}</Tag>
          ) : (
            <Tag color={TAG.green}>{t('client.subscribed')}</Tag>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('client.channels')}>
          {CHANNELS.filter((ch) => allowed[ch])
            .map((ch) => t(`channel.${ch}`))
            .join(', ') || '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('client.preferred')}>
          {p.preferredChannel ? t(`channel.${p.preferredChannel}`) : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('client.frequency')}>
          {t(`frequency.${p.frequency}`, { defaultValue: p.frequency })}
        </Descriptions.Item>
        <Descriptions.Item label={t('client.quietHours')}>
          {p.quietHours ? `${p.quietHours.start}–${p.quietHours.end}` : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('client.topics')}>
          {p.topics.length === 0 ? (
            t('client.topicsEmpty')
          ) : (
            <Space size={[0, 4]} wrap>
              {p.topics.map((topic) => (
                <Tag key={topic.key} color={topic.subscribed ? TAG.green : undefined}>
                  {topic.subscribed ? '✓' : '✗'} {topic.key}
                </Tag>
              ))}
            </Space>
          )}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

function ConsentCard({ id }: { id: string }) {
  const { t } = useTranslation();
  const consentText = useConsentText();
  const log = useQuery({
    queryKey: ['client', id, 'consent'],
    queryFn: () =>
      unwrap<Page<ConsentEntry>>(
        api.GET('/api/v1/clients/{id}/consent-log', { params: { path: { id }, query: { limit: 50 } } }),
      ),
  });
  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('client.consent')}</h2>}
      size="small"
      style={{ height: '100%' }}
    >
      {log.isError ? (
        <ApiErrorAlert error={log.error} />
      ) : (
        <Table<ConsentEntry>
          size="small"
          rowKey="id"
          loading={log.isPending}
          data-testid="client-consent"
          pagination={{ pageSize: 8, hideOnSinglePage: true }}
          dataSource={log.data?.items ?? []}
          locale={{ emptyText: <EmptyText>{t('client.consentEmpty')}</EmptyText> }}
          columns={[
            { title: t('client.consentWhen'), dataIndex: 'changedAt', render: formatDateTime, width: 150 },
            { title: t('client.consentItem'), dataIndex: 'item', render: (i: string) => consentText.item(i) },
            {
              title: t('client.consentChange'),
              key: 'change',
              render: (_, e) =>
                `${consentText.value(e.item, e.oldValue)} → ${consentText.value(e.item, e.newValue)}`,
            },
            {
              title: t('client.consentSource'),
              dataIndex: 'source',
              render: (s: string) => consentText.source(s),
            },
          ]}
        />
      )}
    </Card>
  );
}

function TimelineCard({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const reasonText = useReasonText();
  const consentText = useConsentText();
  const timeline = useInfiniteQuery({
    queryKey: ['client', id, 'timeline'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap<Page<TimelineEvent>>(
        api.GET('/api/v1/clients/{id}/timeline', {
          params: { path: { id }, query: { limit: 50, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const events = timeline.data?.pages.flatMap((p) => p.items) ?? [];

  const describe = (e: TimelineEvent) => {
    const d = e.data;
    switch (e.type) {
      case 'delivery': {
        const status = String(d.status);
        const why =
          typeof d.explanation === 'string' && d.explanation
            ? d.explanation
            : d.reason
              ? reasonText(String(d.reason))
              : null;
        return (
          <>
            <Space wrap>
              <Tag color={STATUS_COLOURS[status]}>
                {t(`deliveryStatus.${status}`, { defaultValue: status })}
              </Tag>
              <span>
                {t('client.event.delivery', {
                  campaign: show(d.campaign),
                  channel: t(`channel.${String(d.channel)}`),
                })}
              </span>
            </Space>
            {why && (
              <div>
                <Typography.Text type="secondary">{t('client.why', { why })}</Typography.Text>
              </div>
            )}
            <DeliveryEngagement value={d.engagement} />
          </>
        );
      }
      case 'stage':
        return t('client.event.stage', {
          from: d.from ? t(`stage.${String(d.from)}`) : '—',
          to: t(`stage.${String(d.to)}`),
        });
      case 'preference':
        return t('client.event.preference', {
          item: consentText.item(String(d.item)),
          old: consentText.value(String(d.item), d.old),
          new: consentText.value(String(d.item), d.new),
        });
      case 'purchase':
        return t('client.event.purchase', {
          amount: formatMoney(Number(d.amount), d.currency ? String(d.currency) : null, i18n.language),
        });
      default:
        return e.type;
    }
  };

  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('client.timeline')}</h2>} size="small">
      {timeline.isError ? (
        <ApiErrorAlert error={timeline.error} onRetry={() => void timeline.refetch()} />
      ) : timeline.isPending ? (
        <PageLoading />
      ) : events.length === 0 ? (
        <Empty description={t('client.timelineEmpty')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <>
          <ol className="tb-list" data-testid="client-timeline">
            {events.map((e, i) => (
              <li key={`${e.type}-${e.at}-${i}`} data-type={e.type}>
                <div style={{ display: 'flex', gap: 16, width: '100%' }}>
                  <Typography.Text type="secondary" style={{ minWidth: 140 }}>
                    {formatDateTime(e.at)}
                  </Typography.Text>
                  <div>{describe(e)}</div>
                </div>
              </li>
            ))}
          </ol>
          {timeline.hasNextPage && (
            <Button onClick={() => void timeline.fetchNextPage()} loading={timeline.isFetchingNextPage}>
              {t('client.more')}
            </Button>
          )}
        </>
      )}
    </Card>
  );
}
