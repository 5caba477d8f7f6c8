import { useQuery } from '@tanstack/react-query';
import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { TAG } from '../../components/colours';
import { formatDate, formatDateTime, formatNumber } from '../../format';
import {
  allPages,
  CategoryTag,
  categoryRank,
  type CallTask,
  type CallTaskList,
  type OwnerLoad,
} from './shared';

/** The unowned queue's key in the owner filter of the API. */
const UNOWNED = 'unassigned';
const ownerKey = (row: OwnerLoad) => row.owner?.id ?? UNOWNED;

/** Sales ops' view of the team: each owner's load and queue, the overdue calls, the VIPs cooling. */
export default function Team() {
  const { t } = useTranslation();
  const [owner, setOwner] = useState<OwnerLoad | null>(null);
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <LoadCard selected={owner} onSelect={setOwner} />
      {owner && (
        <TaskTable
          title={t('calls.ownerQueue', { name: owner.owner?.name ?? t('calls.load.unowned') })}
          testId="owner-queue"
          queryKey={['call-tasks', 'owner', ownerKey(owner)]}
          fetchPage={(cursor) =>
            unwrap<CallTaskList>(
              api.GET('/api/v1/call-tasks', {
                params: { query: { owner: ownerKey(owner), status: 'open', limit: 200, cursor } },
              }),
            )
          }
          empty={t('calls.ownerQueueEmpty')}
        />
      )}
      <TaskTable
        title={t('calls.teamOverdue')}
        testId="team-overdue"
        withOwner
        queryKey={['call-tasks', 'team-overdue']}
        fetchPage={(cursor) =>
          unwrap<CallTaskList>(
            api.GET('/api/v1/call-tasks/overdue', {
              params: { query: { owner: 'all', limit: 200, cursor } },
            }),
          )
        }
        empty={t('calls.teamOverdueEmpty')}
      />
      <CoolingCard />
    </Space>
  );
}

function LoadCard({
  selected,
  onSelect,
}: {
  selected: OwnerLoad | null;
  onSelect: (row: OwnerLoad) => void;
}) {
  const { t, i18n } = useTranslation();
  const load = useQuery({
    queryKey: ['call-tasks', 'load'],
    queryFn: () => unwrap<Schemas['CallLoadDto']>(api.GET('/api/v1/call-tasks/load')),
  });
  const rows = load.data?.owners ?? [];
  const n = (v: number) => formatNumber(v, i18n.language);
  const total = rows.reduce(
    (s, r) => ({ open: s.open + r.open, today: s.today + r.today, overdue: s.overdue + r.overdue }),
    { open: 0, today: 0, overdue: 0 },
  );
  const name = (r: OwnerLoad) => r.owner?.name ?? t('calls.load.unowned');
  // The overdue ones stand out.
  const count = (key: 'open' | 'today' | 'overdue') => ({
    title: t(`calls.load.${key}`),
    dataIndex: key,
    align: 'right' as const,
    sorter: (a: OwnerLoad, b: OwnerLoad) => a[key] - b[key],
    render: (v: number) => (
      <span
        data-col={key}
        style={key === 'overdue' && v > 0 ? { color: '#a8071a', fontWeight: 600 } : undefined}
      >
        {n(v)}
      </span>
    ),
  });
  return (
    <Card
      size="small"
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('calls.load.title')}</h2>}
      extra={
        rows.length > 0 && (
          <Typography.Text type="secondary" data-testid="load-total">
            {t('calls.load.total', { open: n(total.open), today: n(total.today), overdue: n(total.overdue) })}
          </Typography.Text>
        )
      }
    >
      {load.isError ? (
        <ApiErrorAlert error={load.error} onRetry={() => void load.refetch()} />
      ) : (
        <Table<OwnerLoad>
          size="small"
          rowKey={ownerKey}
          loading={load.isPending}
          dataSource={rows}
          pagination={false}
          data-testid="call-load"
          scroll={{ x: 640 }}
          locale={{ emptyText: <EmptyText>{t('calls.load.empty')}</EmptyText> }}
          onRow={(r) => ({
            style: selected && ownerKey(selected) === ownerKey(r) ? { background: '#e8f0fc' } : undefined,
          })}
          columns={[
            {
              title: t('calls.load.owner'),
              key: 'owner',
              sorter: (a, b) => name(a).localeCompare(name(b)),
              render: (_, r) => (
                <Space size={6} wrap>
                  <Button
                    type="link"
                    style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'start' }}
                    aria-label={t('calls.load.show', { name: name(r) })}
                    onClick={() => onSelect(r)}
                  >
                    {name(r)}
                  </Button>
                  {r.ownerActive === false && <Tag color={TAG.red}>{t('calls.load.inactive')}</Tag>}
                </Space>
              ),
            },
            count('open'),
            count('today'),
            { ...count('overdue'), defaultSortOrder: 'descend' as const },
            {
              title: t('calls.load.nextDue'),
              dataIndex: 'nextDueAt',
              sorter: (a, b) => a.nextDueAt.localeCompare(b.nextDueAt),
              render: (d: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(d)}</span>,
            },
          ]}
        />
      )}
    </Card>
  );
}

function TaskTable({
  title,
  testId,
  queryKey,
  fetchPage,
  empty,
  withOwner,
}: {
  title: string;
  testId: string;
  queryKey: string[];
  fetchPage: (cursor?: string) => Promise<CallTaskList>;
  empty: string;
  withOwner?: boolean;
}) {
  const { t } = useTranslation();
  const tasks = useQuery({ queryKey, queryFn: () => allPages(fetchPage) });
  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{title}</h2>}>
      {tasks.isError ? (
        <ApiErrorAlert error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : (
        <Table<CallTask>
          size="small"
          rowKey="id"
          loading={tasks.isPending}
          dataSource={tasks.data ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          data-testid={testId}
          scroll={{ x: 720 }}
          locale={{ emptyText: <EmptyText>{empty}</EmptyText> }}
          columns={[
            {
              title: t('calls.due'),
              dataIndex: 'dueAt',
              defaultSortOrder: 'ascend',
              sorter: (a, b) => a.dueAt.localeCompare(b.dueAt),
              render: (d: string, task) => (
                <span style={{ whiteSpace: 'nowrap', color: task.overdue ? '#a8071a' : undefined }}>
                  {formatDateTime(d)}
                </span>
              ),
            },
            {
              title: t('calls.client'),
              key: 'client',
              sorter: (a, b) => a.client.name.localeCompare(b.client.name),
              render: (_, task) => <Link to={`/clients/${task.client.id}`}>{task.client.name}</Link>,
            },
            {
              title: t('calls.category'),
              key: 'category',
              sorter: (a, b) => categoryRank(a.client.category) - categoryRank(b.client.category),
              render: (_, task) => <CategoryTag category={task.client.category} />,
            },
            ...(withOwner
              ? [
                  {
                    title: t('calls.owner'),
                    key: 'owner',
                    render: (_: unknown, task: CallTask) => task.owner?.name ?? t('calls.load.unowned'),
                  },
                ]
              : []),
            { title: t('calls.campaign'), key: 'campaign', render: (_, task) => task.campaign.name ?? '—' },
            {
              title: t('calls.attempts'),
              key: 'attempts',
              align: 'right',
              render: (_, task) => t('calls.attemptsOf', { n: task.attempts, max: task.maxAttempts }),
            },
          ]}
        />
      )}
    </Card>
  );
}

interface CoolingRow {
  clientId: string;
  clientName: string;
  category: string | null;
  ownerId: string | null;
  ownerName: string | null;
  lastTouchAt: string | null;
  lastPurchaseAt: string | null;
  idleSince: string | null;
  idleDays: number;
  callTaskId: string | null;
  callTaskStatus: 'open' | 'done' | 'cancelled' | null;
}

function CoolingCard() {
  const { t, i18n } = useTranslation();
  const report = useQuery({
    queryKey: ['reports', 'vip-cooling'],
    queryFn: () =>
      unwrap<Schemas['ReportDto']>(
        api.GET('/api/v1/reports/vip-cooling', { params: { query: { limit: 200 } } }),
      ),
  });
  const rows = (report.data?.tables.clients ?? []) as unknown as CoolingRow[];
  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('calls.cooling.title')}</h2>}>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('calls.cooling.hint')}
      </Typography.Paragraph>
      {report.isError ? (
        <ApiErrorAlert error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <Table<CoolingRow>
          size="small"
          rowKey="clientId"
          loading={report.isPending}
          dataSource={rows}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          data-testid="vip-cooling"
          scroll={{ x: 720 }}
          locale={{ emptyText: <EmptyText>{t('calls.cooling.empty')}</EmptyText> }}
          columns={[
            {
              title: t('calls.client'),
              dataIndex: 'clientName',
              sorter: (a, b) => a.clientName.localeCompare(b.clientName),
              render: (name: string, r) => <Link to={`/clients/${r.clientId}`}>{name}</Link>,
            },
            {
              title: t('calls.category'),
              dataIndex: 'category',
              render: (c: string | null) => <CategoryTag category={c} />,
            },
            {
              title: t('calls.owner'),
              dataIndex: 'ownerName',
              render: (name: string | null) => name ?? t('calls.load.unowned'),
            },
            {
              title: t('calls.cooling.idleDays'),
              dataIndex: 'idleDays',
              align: 'right',
              defaultSortOrder: 'descend',
              sorter: (a, b) => a.idleDays - b.idleDays,
              render: (v: number) => formatNumber(v, i18n.language),
            },
            { title: t('calls.cooling.lastTouch'), dataIndex: 'lastTouchAt', render: formatDate },
            { title: t('calls.lastPurchase'), dataIndex: 'lastPurchaseAt', render: formatDate },
            {
              title: t('calls.cooling.task'),
              dataIndex: 'callTaskStatus',
              render: (s: CoolingRow['callTaskStatus']) =>
                s ? (
                  <Tag color={s === 'open' ? TAG.blue : s === 'done' ? TAG.green : TAG.grey}>
                    {t(`calls.cooling.taskStatus.${s}`)}
                  </Tag>
                ) : (
                  <Typography.Text type="secondary">{t('calls.cooling.noTask')}</Typography.Text>
                ),
            },
          ]}
        />
      )}
    </Card>
  );
}
