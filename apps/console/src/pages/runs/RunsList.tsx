import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { PageTitle } from '../../components/Shell';
import { formatDateTime, formatNumber } from '../../format';
import { CursorPager } from '../../components/CursorPager';
import { byStatusOf, periodText, RUN_STATUSES, RunStatusTag, type Run, type RunStatus } from './shared';

export const RUNS_PAGE_SIZE = 25;

/** The runs, newest first, filtered by status and campaign (kept in the address), a page at a time. */
export default function RunsList() {
  const { t, i18n } = useTranslation();
  const number = (n: number) => formatNumber(n, i18n.language);
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? undefined) as RunStatus | undefined;
  const campaignId = params.get('campaignId') ?? undefined;
  // The cursors of the pages seen so far, in the address: "previous" drops the last one.
  const cursors = params.getAll('cursor');
  const cursor = cursors.at(-1);

  const campaigns = useQuery({
    queryKey: ['campaigns', 'names'],
    queryFn: () =>
      unwrap<Schemas['CampaignListDto']>(api.GET('/api/v1/campaigns', { params: { query: { limit: 200 } } })),
    staleTime: 60_000,
  });
  const list = useQuery({
    queryKey: ['runs', status, campaignId, cursor],
    queryFn: () =>
      unwrap<Schemas['RunListDto']>(
        api.GET('/api/v1/runs', {
          params: { query: { status, campaignId, cursor, limit: RUNS_PAGE_SIZE } },
        }),
      ),
    placeholderData: keepPreviousData,
    refetchInterval: 15_000,
  });

  const setFilter = (key: 'status' | 'campaignId', value: string | undefined) => {
    const next = new URLSearchParams(params);
    next.delete('cursor');
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const page = (nextCursors: string[]) => {
    const next = new URLSearchParams(params);
    next.delete('cursor');
    for (const c of nextCursors) next.append('cursor', c);
    setParams(next);
  };

  return (
    <>
      <PageTitle>{t('runs.title')}</PageTitle>
      <div className="tb-filters" role="search" aria-label={t('runs.filters')}>
        <Space wrap size={[8, 8]}>
          <Select<RunStatus>
            aria-label={t('runs.statusFilter')}
            placeholder={t('runs.statusFilter')}
            allowClear
            style={{ width: 200 }}
            value={status}
            onChange={(v) => setFilter('status', v)}
            options={RUN_STATUSES.map((s) => ({ value: s, label: t(`runStatus.${s}`) }))}
          />
          <Select<string>
            aria-label={t('runs.campaignFilter')}
            placeholder={t('runs.campaignFilter')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 280 }}
            loading={campaigns.isPending}
            value={campaignId}
            onChange={(v) => setFilter('campaignId', v)}
            options={(campaigns.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
          {(status || campaignId) && (
            <Button onClick={() => setParams(new URLSearchParams(), { replace: true })}>
              {t('common.reset')}
            </Button>
          )}
        </Space>
      </div>
      {list.isError ? (
        <ApiErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<Run>
            rowKey="id"
            size="small"
            data-testid="runs"
            loading={list.isFetching && !list.data}
            pagination={false}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: <EmptyText>{t('runs.empty')}</EmptyText> }}
            scroll={{ x: 960 }}
            columns={[
              {
                title: t('runs.campaign'),
                dataIndex: 'campaignName',
                width: 220,
                render: (name: string | undefined, r) => (
                  <>
                    <Link
                      to={`/runs/${r.id}`}
                      aria-label={t('runs.open', { campaign: name ?? '', period: periodText(r) })}
                    >
                      {name}
                    </Link>
                    {!r.periodKey.startsWith('manual-') && (
                      <div>
                        <Typography.Text type="secondary">{r.periodKey}</Typography.Text>
                      </div>
                    )}
                  </>
                ),
              },
              {
                title: t('runs.occurrence'),
                dataIndex: 'occurrenceAt',
                width: 140,
                render: (at: string, r) => (
                  <>
                    {formatDateTime(at)}
                    <div>
                      <Typography.Text type="secondary">{t(`runs.trigger.${r.trigger}`)}</Typography.Text>
                    </div>
                  </>
                ),
              },
              {
                title: t('runs.status'),
                dataIndex: 'status',
                width: 120,
                render: (s: RunStatus) => <RunStatusTag status={s} />,
              },
              {
                title: t('runs.audience'),
                dataIndex: 'audience',
                align: 'right',
                width: 90,
                render: (n: number | null) => (n === null ? t('common.none') : number(n)),
              },
              ...(['queued', 'sent', 'failed', 'suppressed'] as const).map((s) => ({
                title: t(`deliveryStatus.${s}`),
                key: s,
                align: 'right' as const,
                width: 95,
                render: (_: unknown, r: Run) => {
                  const c = byStatusOf(r);
                  const n =
                    s === 'queued'
                      ? c.queued + c.sending
                      : s === 'sent'
                        ? c.sent + c.delivered
                        : s === 'failed'
                          ? c.failed + c.bounced
                          : c.suppressed;
                  return <span data-testid={`count-${s}`}>{number(n)}</span>;
                },
              })),
              {
                title: `${t('runs.started')} / ${t('runs.finished')}`,
                key: 'times',
                width: 150,
                render: (_, r) => (
                  <>
                    <div>{formatDateTime(r.plannedAt ?? r.createdAt)}</div>
                    <Typography.Text type="secondary">{formatDateTime(r.completedAt)}</Typography.Text>
                  </>
                ),
              },
            ]}
          />
          <CursorPager
            label={t('runs.title')}
            page={cursors.length + 1}
            onPrevious={cursors.length > 0 ? () => page(cursors.slice(0, -1)) : null}
            onNext={
              list.data?.nextCursor && !list.isPlaceholderData
                ? () => page([...cursors, list.data!.nextCursor!])
                : null
            }
          />
        </>
      )}
    </>
  );
}
