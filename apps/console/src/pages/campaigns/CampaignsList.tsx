import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../../api/client';
import type { Channel } from '../../api/types';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { PageTitle } from '../../components/Shell';
import {
  CampaignStatusTag,
  formatLocal,
  KINDS,
  PriorityTag,
  scheduleWords,
  STATUSES,
  type Campaign,
  type CampaignKind,
  type CampaignStatus,
  type Priority,
  useCanWrite,
} from './shared';

const PAGE = 100;
const RANK: Record<Priority, number> = { normal: 0, high: 1, 'must-send': 2 };

/** /campaigns: every campaign with its status and next occurrence; filters live in the URL. */
export default function CampaignsList() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const canWrite = useCanWrite();
  const [params, setParams] = useSearchParams();
  const kind = (params.get('kind') as CampaignKind | null) ?? undefined;
  const status = (params.get('status') as CampaignStatus | null) ?? undefined;
  const cursor = params.get('cursor') ?? undefined;

  const list = useQuery({
    queryKey: ['campaigns', 'list', kind, status, cursor],
    queryFn: () =>
      unwrap<Schemas['CampaignListDto']>(
        api.GET('/api/v1/campaigns', { params: { query: { kind, status, cursor, limit: PAGE } } }),
      ),
    placeholderData: keepPreviousData,
  });

  const setFilter = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete('cursor');
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageTitle
        extra={
          canWrite && (
            <Button type="primary" onClick={() => navigate('/campaigns/new')}>
              {t('campaigns.new')}
            </Button>
          )
        }
      >
        {t('campaigns.title')}
      </PageTitle>
      <Space wrap size={[8, 8]} className="tb-filters" role="search" aria-label={t('campaigns.filters')}>
        <Select<CampaignKind>
          aria-label={t('campaigns.kind')}
          placeholder={t('campaigns.kind')}
          allowClear
          style={{ width: 180 }}
          value={kind}
          options={KINDS.map((k) => ({ value: k, label: t(`campaignKind.${k}`) }))}
          onChange={(v) => setFilter('kind', v)}
        />
        <Select<CampaignStatus>
          aria-label={t('campaigns.statusLabel')}
          placeholder={t('campaigns.statusLabel')}
          allowClear
          style={{ width: 180 }}
          value={status}
          options={STATUSES.map((s) => ({ value: s, label: t(`campaigns.status.${s}`) }))}
          onChange={(v) => setFilter('status', v)}
        />
        <Link to="/calendar">{t('campaigns.toCalendar')}</Link>
      </Space>
      {list.isError ? (
        <ApiErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<Campaign>
            rowKey="id"
            size="small"
            loading={list.isFetching}
            pagination={false}
            dataSource={list.data?.items ?? []}
            locale={{
              emptyText: (
                <EmptyText>{kind || status ? t('campaigns.emptyFiltered') : t('campaigns.empty')}</EmptyText>
              ),
            }}
            scroll={list.data?.items.length ? { x: 1000 } : undefined}
            columns={[
              {
                title: t('campaigns.name'),
                dataIndex: 'name',
                sorter: (a, b) => a.name.localeCompare(b.name, i18n.language),
                render: (name: string, c) => (
                  <>
                    <Link to={`/campaigns/${c.id}`}>{name}</Link>
                    <div>
                      <Typography.Text type="secondary">
                        {scheduleWords(c.schedule, c.timeZone, c.scheduleText, t, i18n.language)}
                      </Typography.Text>
                    </div>
                  </>
                ),
              },
              {
                title: t('campaigns.kind'),
                dataIndex: 'kind',
                width: 130,
                render: (k: CampaignKind) => t(`campaignKind.${k}`),
              },
              {
                title: t('campaigns.statusLabel'),
                dataIndex: 'status',
                width: 120,
                sorter: (a, b) => STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status),
                render: (s: CampaignStatus) => <CampaignStatusTag status={s} />,
              },
              {
                title: t('campaigns.priorityLabel'),
                dataIndex: 'priority',
                width: 150,
                sorter: (a, b) => RANK[a.priority] - RANK[b.priority],
                render: (p: Priority) => <PriorityTag priority={p} />,
              },
              {
                title: t('campaigns.channels'),
                dataIndex: 'channels',
                width: 200,
                render: (channels: Channel[], c) => (
                  <Space size={[4, 4]} wrap>
                    {channels.map((ch) => (
                      <Tag key={ch}>{t(`channel.${ch}`)}</Tag>
                    ))}
                    {c.channelRules.length > 0 && (
                      <Tooltip title={t('campaigns.rulesHint')}>
                        <Typography.Text type="secondary">
                          {t('campaigns.rulesCount', { count: c.channelRules.length })}
                        </Typography.Text>
                      </Tooltip>
                    )}
                  </Space>
                ),
              },
              {
                title: t('campaigns.next'),
                key: 'next',
                width: 210,
                sorter: (a, b) =>
                  (a.nextOccurrences[0]?.at ?? '9999').localeCompare(b.nextOccurrences[0]?.at ?? '9999'),
                render: (_, c) => {
                  const next = c.nextOccurrences[0];
                  if (!next)
                    return <Typography.Text type="secondary">{t('campaigns.noNext')}</Typography.Text>;
                  return (
                    <span data-testid="next-occurrence" data-local={next.local}>
                      {formatLocal(next.local, i18n.language)}
                      {c.status !== 'active' && (
                        <div>
                          <Typography.Text type="secondary">{t('campaigns.notScheduled')}</Typography.Text>
                        </div>
                      )}
                    </span>
                  );
                },
              },
            ]}
          />
          {(cursor || list.data?.nextCursor) && (
            <nav className="tb-pager" aria-label={t('campaigns.title')}>
              <Button disabled={!cursor} onClick={() => setFilter('cursor', undefined)}>
                {t('campaigns.firstPage')}
              </Button>
              <Button
                disabled={!list.data?.nextCursor || list.isPlaceholderData}
                onClick={() => {
                  const next = new URLSearchParams(params);
                  next.set('cursor', list.data!.nextCursor!);
                  setParams(next);
                }}
              >
                {t('common.next')}
              </Button>
            </nav>
          )}
        </>
      )}
    </>
  );
}
