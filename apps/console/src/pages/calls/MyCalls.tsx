import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Form,
  Input,
  Radio,
  Row,
  Space,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import type { Client, Page, TimelineEvent } from '../../api/types';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { TAG } from '../../components/colours';
import { PageLoading } from '../../components/PageLoading';
import { formatDate, formatDateTime } from '../../format';
import {
  allPages,
  byPriority,
  CategoryTag,
  OUTCOMES,
  OutcomeTag,
  type CallOutcome,
  type CallTask,
  type CallTaskList,
} from './shared';

type Source = 'today' | 'upcoming';

/** An account manager's own calls: today's and the overdue ones, and the upcoming ones. */
export default function MyCalls() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const tab: Source = params.get('tab') === 'upcoming' ? 'upcoming' : 'today';
  return (
    <Tabs
      activeKey={tab}
      onChange={(key) => setParams(key === 'upcoming' ? { tab: key } : {}, { replace: true })}
      destroyOnHidden
      items={[
        { key: 'today', label: t('calls.tabs.today'), children: <Workbench source="today" /> },
        { key: 'upcoming', label: t('calls.tabs.upcoming'), children: <Workbench source="upcoming" /> },
      ]}
    />
  );
}

const listPage = (query: Record<string, string>) => (cursor?: string) =>
  unwrap<CallTaskList>(
    api.GET('/api/v1/call-tasks', { params: { query: { ...query, limit: 200, cursor } } }),
  );

/** The person's queue of one kind, in the order to work it. */
function useQueue(source: Source) {
  return useQuery({
    queryKey: ['call-tasks', 'mine', source],
    queryFn: async (): Promise<CallTask[]> => {
      if (source === 'upcoming') {
        const items = await allPages(listPage({ owner: 'me', status: 'open', due: 'upcoming' }));
        return items.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
      }
      const [overdue, today] = await Promise.all([
        allPages((cursor) =>
          unwrap<CallTaskList>(
            api.GET('/api/v1/call-tasks/overdue', { params: { query: { owner: 'me', limit: 200, cursor } } }),
          ),
        ),
        allPages(listPage({ owner: 'me', status: 'open', due: 'today' })),
      ]);
      const byId = new Map([...overdue, ...today].map((task) => [task.id, task]));
      return [...byId.values()].sort(byPriority);
    },
  });
}

interface Saved {
  task: CallTask;
  outcome: CallOutcome;
}

function Workbench({ source }: { source: Source }) {
  const { t } = useTranslation();
  const queue = useQueue(source);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [saved, setSaved] = useState<Saved | null>(null);
  // The call to move the focus to once it shows (after J/K, a click, or a saved outcome).
  const [focusId, setFocusId] = useState<string | null>(null);
  const emptyRef = useRef<HTMLHeadingElement>(null);
  const items = useMemo(() => queue.data ?? [], [queue.data]);
  const selected = items.find((task) => task.id === selectedId) ?? items[0] ?? null;
  const index = selected ? items.indexOf(selected) : -1;

  const select = useCallback((task: CallTask | undefined) => {
    if (!task) return;
    setFocusId(task.id);
    setSelectedId(task.id);
  }, []);

  // J / K and the arrows move in the queue (the outcome keys live in the outcome form).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const step = e.key === 'j' || e.key === 'J' || e.key === 'ArrowDown' ? 1 : 0;
      const back = e.key === 'k' || e.key === 'K' || e.key === 'ArrowUp' ? -1 : 0;
      if (!(step || back) || index < 0 || isRadio(e.target)) return;
      e.preventDefault();
      select(items[Math.min(items.length - 1, Math.max(0, index + step + back))]);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [index, items, select]);

  const onSaved = (result: Saved) => {
    setSaved(result);
    // On to the next call in the queue as it was (the saved one leaves it or moves on).
    const rest = items.filter((task) => task.id !== result.task.id);
    const next = rest[Math.min(index, rest.length - 1)];
    setFocusId(next?.id ?? null);
    setSelectedId(next?.id ?? null);
    if (!next) setTimeout(() => emptyRef.current?.focus());
  };

  if (queue.isPending) return <PageLoading />;
  if (queue.isError) return <ApiErrorAlert error={queue.error} onRetry={() => void queue.refetch()} />;
  const overdue = items.filter((task) => task.overdue).length;

  return (
    <>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }} data-testid="calls-help">
        {t('calls.help')}
        {source === 'upcoming' && (
          <>
            <br />
            {t('calls.upcomingHint')}
          </>
        )}
      </Typography.Paragraph>
      {saved && (
        <div style={{ marginBottom: 12 }}>
          <SavedAlert saved={saved} onClose={() => setSaved(null)} />
        </div>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={9}>
          <Card
            size="small"
            title={
              <h2 style={{ fontSize: 16, margin: 0 }}>
                {t('calls.queue')}{' '}
                <Typography.Text type="secondary" style={{ fontWeight: 'normal', fontSize: 14 }}>
                  <span data-testid="calls-count">{t('calls.queueCount', { count: items.length })}</span>
                  {overdue > 0 && <>, {t('calls.overdueCount', { count: overdue })}</>}
                </Typography.Text>
              </h2>
            }
          >
            {items.length === 0 ? (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={source === 'today' ? t('calls.emptyToday') : t('calls.emptyUpcoming')}
              />
            ) : (
              <ol
                aria-label={t('calls.queue')}
                data-testid="calls-queue"
                style={{ listStyle: 'none', margin: 0, padding: 0, maxHeight: 640, overflow: 'auto' }}
              >
                {items.map((task) => (
                  <QueueItem
                    key={task.id}
                    task={task}
                    current={task.id === selected?.id}
                    withDate={source === 'upcoming'}
                    onSelect={() => select(task)}
                  />
                ))}
              </ol>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={15}>
          {selected ? (
            <CallDetail
              key={selected.id}
              id={selected.id}
              focus={focusId === selected.id}
              onSaved={onSaved}
            />
          ) : (
            <Card size="small">
              <h2 tabIndex={-1} ref={emptyRef} style={{ fontSize: 16, margin: 0 }}>
                {t('calls.pick')}
              </h2>
            </Card>
          )}
        </Col>
      </Row>
    </>
  );
}

/** Keys typed into a text field are text, not shortcuts. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['radio', 'checkbox', 'button'].includes(target.type);
}

const isRadio = (target: EventTarget | null) => target instanceof HTMLInputElement && target.type === 'radio';

function QueueItem({
  task,
  current,
  withDate,
  onSelect,
}: {
  task: CallTask;
  current: boolean;
  withDate: boolean;
  onSelect: () => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (current) ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [current]);
  return (
    <li style={{ borderBottom: '1px solid #f0f0f0' }}>
      <button
        ref={ref}
        type="button"
        onClick={onSelect}
        aria-current={current ? 'true' : undefined}
        data-task={task.id}
        style={{
          display: 'block',
          width: '100%',
          textAlign: 'start',
          padding: '8px 10px',
          border: 0,
          borderInlineStart: `3px solid ${current ? '#1f5fbf' : 'transparent'}`,
          background: current ? '#e8f0fc' : 'transparent',
          cursor: 'pointer',
          font: 'inherit',
          color: 'inherit',
        }}
      >
        <span style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
          <strong style={{ overflowWrap: 'anywhere' }}>{task.client.name}</strong>
          <CategoryTag category={task.client.category} />
        </span>
        <span style={{ display: 'flex', flexWrap: 'wrap', gap: 6, color: 'rgba(0,0,0,0.62)', fontSize: 13 }}>
          <span>{withDate ? formatDateTime(task.dueAt) : dayjs(task.dueAt).format('LT')}</span>
          {task.overdue && (
            <span style={{ color: '#a8071a' }}>
              {t('calls.overdue')}
              {!dayjs(task.dueAt).isSame(dayjs(), 'day') && `, ${formatDate(task.dueAt)}`}
            </span>
          )}
          {task.attempts > 0 && (
            <span>
              {t('calls.attempts')}: {t('calls.attemptsOf', { n: task.attempts, max: task.maxAttempts })}
            </span>
          )}
          {task.campaign.name && <span>· {task.campaign.name}</span>}
        </span>
      </button>
    </li>
  );
}

function SavedAlert({ saved, onClose }: { saved: Saved; onClose: () => void }) {
  const { t } = useTranslation();
  const { task, outcome } = saved;
  const parts = [
    t('calls.saved', { client: task.client.name, outcome: t(`calls.outcome.${outcome}`) }),
    task.status === 'open' ? t('calls.nextDue', { when: formatDateTime(task.dueAt) }) : t('calls.closed'),
  ];
  if (outcome === 'wrong-number') parts.push(t('calls.phoneFlagged'));
  return (
    <Alert
      type="success"
      showIcon
      closable={{ onClose }}
      role="status"
      data-testid="call-saved"
      title={parts.join(' ')}
    />
  );
}

function CallDetail({ id, focus, onSaved }: { id: string; focus: boolean; onSaved: (saved: Saved) => void }) {
  const { t } = useTranslation();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const task = useQuery({
    queryKey: ['call-task', id],
    queryFn: () => unwrap<CallTask>(api.GET('/api/v1/call-tasks/{id}', { params: { path: { id } } })),
  });
  const loaded = task.isSuccess;
  useEffect(() => {
    if (focus && loaded) headingRef.current?.focus();
  }, [focus, loaded]);
  if (task.isPending) return <Card size="small" loading />;
  if (task.isError) return <ApiErrorAlert error={task.error} onRetry={() => void task.refetch()} />;
  const c = task.data;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="call-detail">
      <Card size="small">
        <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8 }}>
          <h2
            ref={headingRef}
            tabIndex={-1}
            style={{ fontSize: 18, margin: 0, outlineOffset: 2 }}
            data-testid="call-client"
          >
            {c.client.name}
          </h2>
          <CategoryTag category={c.client.category} />
          {c.overdue && <Tag color={TAG.red}>{t('calls.overdue')}</Tag>}
          <Typography.Text type="secondary">
            {t('calls.due')}: {formatDateTime(c.dueAt)}
          </Typography.Text>
        </div>
        <div style={{ marginTop: 4, fontSize: 16 }}>
          {c.client.phone ? <a href={`tel:${c.client.phone}`}>{c.client.phone}</a> : '—'}
          {c.campaign.name && (
            <Typography.Text type="secondary" style={{ marginInlineStart: 12, fontSize: 14 }}>
              {c.campaign.name}
            </Typography.Text>
          )}
        </div>
        <OutcomeForm task={c} onSaved={onSaved} />
      </Card>
      <Card size="small" title={<h3 style={{ fontSize: 15, margin: 0 }}>{t('calls.script')}</h3>}>
        <div
          style={{ whiteSpace: 'pre-wrap', maxHeight: 320, overflow: 'auto' }}
          data-testid="call-script"
          role="region"
          aria-label={t('calls.script')}
          tabIndex={0}
        >
          {c.script}
        </div>
      </Card>
      <ClientCard task={c} />
      <Card size="small" title={<h3 style={{ fontSize: 15, margin: 0 }}>{t('calls.notes')}</h3>}>
        {c.notes.length === 0 ? (
          <Typography.Text type="secondary">{t('calls.noNotes')}</Typography.Text>
        ) : (
          <ol className="tb-list" data-testid="call-notes" style={{ margin: 0 }}>
            {[...c.notes].reverse().map((n) => (
              <li key={`${n.at}-${n.outcome}`}>
                <Space wrap size={8}>
                  <Typography.Text type="secondary">{formatDateTime(n.at)}</Typography.Text>
                  <OutcomeTag outcome={n.outcome} />
                  {n.by === c.owner?.id && <Typography.Text type="secondary">{c.owner.name}</Typography.Text>}
                  {n.text && <span style={{ whiteSpace: 'pre-wrap' }}>{n.text}</span>}
                </Space>
              </li>
            ))}
          </ol>
        )}
      </Card>
    </Space>
  );
}

interface OutcomeValues {
  outcome?: CallOutcome;
  notes?: string;
  callbackAt?: Dayjs;
}

function OutcomeForm({ task, onSaved }: { task: CallTask; onSaved: (saved: Saved) => void }) {
  const { t } = useTranslation();
  const { session } = useSession();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<OutcomeValues>();
  const outcome = Form.useWatch('outcome', form);
  const noteRef = useRef<TextAreaRef>(null);
  const formRef = useRef<HTMLDivElement>(null);
  const mayRecord = session?.staff.role === 'admin' || !task.owner || task.owner.id === session?.staff.id;
  const record = useMutation({
    mutationFn: (v: OutcomeValues) =>
      unwrap<CallTask>(
        api.POST('/api/v1/call-tasks/{id}/outcome', {
          params: { path: { id: task.id } },
          body: {
            outcome: v.outcome!,
            notes: v.notes?.trim() || undefined,
            callbackAt: v.outcome === 'callback-requested' ? v.callbackAt?.second(0).format() : undefined,
          },
        }),
      ),
    onSuccess: (result, v) => {
      void queryClient.invalidateQueries({ queryKey: ['call-tasks'] });
      queryClient.setQueryData(['call-task', task.id], result);
      onSaved({ task: result, outcome: v.outcome! });
    },
  });
  const save = useCallback(() => form.submit(), [form]);
  const focusPicker = useRef(false);
  useEffect(() => {
    if (outcome === 'callback-requested' && focusPicker.current) {
      focusPicker.current = false;
      formRef.current?.querySelector<HTMLInputElement>('.ant-picker input')?.focus();
    }
  }, [outcome]);

  // 1–5 pick the outcome, N goes to the note, Enter saves (Ctrl+Enter from a text field).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!mayRecord || record.isPending) return;
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        save();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const n = Number(e.key);
      if (Number.isInteger(n) && n >= 1 && n <= OUTCOMES.length) {
        e.preventDefault();
        form.setFieldValue('outcome', OUTCOMES[n - 1]);
        // The date is the one thing left to give: it takes the focus once it shows.
        focusPicker.current = OUTCOMES[n - 1] === 'callback-requested';
      } else if (e.key === 'n' || e.key === 'N') {
        e.preventDefault();
        noteRef.current?.focus();
      } else if (e.key === 'Enter') {
        const el = e.target as HTMLElement | null;
        if (el && (el.tagName === 'BUTTON' || el.tagName === 'A')) return;
        e.preventDefault();
        save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [form, mayRecord, record.isPending, save]);

  if (!mayRecord) return null;
  return (
    <div ref={formRef} style={{ marginTop: 12 }}>
      {record.isError && (
        <div style={{ marginBottom: 8 }}>
          <ApiErrorAlert error={record.error} />
        </div>
      )}
      <Form<OutcomeValues>
        form={form}
        layout="vertical"
        onFinish={(v) => record.mutate(v)}
        requiredMark={false}
      >
        <Form.Item
          name="outcome"
          label={<h3 style={{ fontSize: 15, margin: 0 }}>{t('calls.outcomeTitle')}</h3>}
          rules={[{ required: true, message: t('calls.outcomeLabel') }]}
          style={{ marginBottom: 8 }}
        >
          <Radio.Group optionType="button" buttonStyle="solid" aria-label={t('calls.outcomeLabel')}>
            {OUTCOMES.map((o, i) => (
              <Radio.Button key={o} value={o} data-outcome={o}>
                <span aria-hidden="true" style={{ opacity: 0.75, marginInlineEnd: 4 }}>
                  {i + 1}
                </span>
                {t(`calls.outcome.${o}`)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        {outcome === 'callback-requested' && (
          <Form.Item
            name="callbackAt"
            label={t('calls.callbackAt')}
            rules={[{ required: true, message: t('calls.callbackRequired') }]}
            style={{ marginBottom: 8 }}
          >
            <DatePicker
              showTime={{ format: 'HH:mm', minuteStep: 5 }}
              format="L HH:mm"
              disabledDate={(d) => d.isBefore(dayjs(), 'day')}
              aria-label={t('calls.callbackAt')}
            />
          </Form.Item>
        )}
        <Form.Item name="notes" label={t('calls.note')} style={{ marginBottom: 8 }}>
          <Input.TextArea
            ref={noteRef}
            autoSize={{ minRows: 2, maxRows: 6 }}
            maxLength={4000}
            placeholder={t('calls.notePlaceholder')}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="call-save">
          {t('calls.save')}
        </Button>
      </Form>
    </div>
  );
}

function ClientCard({ task }: { task: CallTask }) {
  const { t, i18n } = useTranslation();
  const id = task.client.id;
  const client = useQuery({
    queryKey: ['client', id],
    queryFn: () => unwrap<Client>(api.GET('/api/v1/clients/{id}', { params: { path: { id } } })),
  });
  const timeline = useQuery({
    queryKey: ['client', id, 'timeline', 'touches'],
    queryFn: () =>
      unwrap<Page<TimelineEvent>>(
        api.GET('/api/v1/clients/{id}/timeline', { params: { path: { id }, query: { limit: 50 } } }),
      ),
  });
  const touches = (timeline.data?.items ?? [])
    .filter((e) => e.type === 'delivery' && ['sent', 'delivered'].includes(String(e.data.status)))
    .slice(0, 5);
  const c = client.data;
  const flags = task.client.contactFlags;
  return (
    <Card
      size="small"
      title={<h3 style={{ fontSize: 15, margin: 0 }}>{t('calls.card')}</h3>}
      extra={<Link to={`/clients/${id}`}>{t('calls.openClient')}</Link>}
    >
      {client.isError ? (
        <ApiErrorAlert error={client.error} />
      ) : (
        <Descriptions
          column={{ xs: 1, sm: 2 }}
          size="small"
          data-testid="call-client-card"
          items={[
            {
              key: 'category',
              label: t('calls.category'),
              children: task.client.category
                ? t(`category.${task.client.category}`, { defaultValue: task.client.category })
                : t('calls.noCategory'),
            },
            {
              key: 'stage',
              label: t('calls.stage'),
              children: t(`stage.${task.client.stage}`, { defaultValue: task.client.stage }),
            },
            {
              key: 'purchase',
              label: t('calls.lastPurchase'),
              children: c ? (
                <span data-testid="call-last-purchase">
                  {formatDate(c.lastPurchaseAt)}{' '}
                  <Typography.Text type="secondary">
                    (
                    {t('calls.purchases', {
                      count: new Intl.NumberFormat(i18n.language).format(c.purchaseCount),
                    })}
                    )
                  </Typography.Text>
                </span>
              ) : (
                '…'
              ),
            },
            { key: 'email', label: t('calls.email'), children: task.client.email ?? '—' },
            { key: 'owner', label: t('calls.owner'), children: task.client.owner?.name ?? '—' },
          ]}
        />
      )}
      {flags.length > 0 && (
        <Alert
          style={{ marginTop: 8 }}
          type="warning"
          showIcon
          title={`${t('calls.flags')}: ${flags.map((f) => t(`calls.flag.${f}`, { defaultValue: f })).join('; ')}`}
        />
      )}
      <h4 style={{ fontSize: 14, margin: '12px 0 4px' }}>{t('calls.lastTouches')}</h4>
      {timeline.isError ? (
        <ApiErrorAlert error={timeline.error} />
      ) : timeline.isPending ? (
        <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>
      ) : touches.length === 0 ? (
        <Typography.Text type="secondary">{t('calls.noTouches')}</Typography.Text>
      ) : (
        <ol className="tb-list" data-testid="call-touches" style={{ margin: 0 }}>
          {touches.map((e, i) => (
            <li key={`${e.at}-${i}`}>
              <Space wrap size={8}>
                <Typography.Text type="secondary">{formatDateTime(e.at)}</Typography.Text>
                <span>
                  {t(`channel.${String(e.data.channel)}`, { defaultValue: String(e.data.channel) })}
                </span>
                {e.data.campaign ? <span>{String(e.data.campaign)}</span> : null}
              </Space>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
