import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Segmented, Space, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { PageTitle } from '../../components/Shell';
import { formatDateTime, formatNumber } from '../../format';
import {
  BATCH_STATUSES,
  BatchActions,
  BatchStatusTag,
  formatBytes,
  type LetterBatch,
  type LetterBatchStatus,
} from './shared';

/** The letter batches of the runs, newest first, filtered by status. */
export default function LetterBatches() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const raw = params.get('status');
  const status = BATCH_STATUSES.includes(raw as LetterBatchStatus) ? (raw as LetterBatchStatus) : undefined;
  const batches = useInfiniteQuery({
    queryKey: ['letter-batches', status ?? 'all'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap<Schemas['LetterBatchListDto']>(
        api.GET('/api/v1/letter-batches', { params: { query: { status, limit: 50, cursor: pageParam } } }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = batches.data?.pages.flatMap((p) => p.items) ?? [];
  const n = (v: number) => formatNumber(v, i18n.language);

  return (
    <>
      <PageTitle>{t('letters.title')}</PageTitle>
      <Space style={{ marginBottom: 12 }} wrap>
        <Segmented<string>
          aria-label={t('letters.filter')}
          value={status ?? 'all'}
          onChange={(v) => setParams(v === 'all' ? {} : { status: v }, { replace: true })}
          options={[
            { value: 'all', label: t('letters.all') },
            ...BATCH_STATUSES.map((s) => ({ value: s, label: t(`letters.status.${s}`) })),
          ]}
        />
      </Space>
      {batches.isError ? (
        <ApiErrorAlert error={batches.error} onRetry={() => void batches.refetch()} />
      ) : (
        <>
          <Table<LetterBatch>
            rowKey="id"
            size="small"
            loading={batches.isPending}
            dataSource={items}
            pagination={false}
            data-testid="letter-batches"
            scroll={{ x: 980 }}
            locale={{
              emptyText: <EmptyText>{status ? t('letters.emptyFiltered') : t('letters.empty')}</EmptyText>,
            }}
            columns={[
              {
                title: t('letters.campaign'),
                key: 'campaign',
                sorter: (a, b) => (a.campaignName ?? '').localeCompare(b.campaignName ?? ''),
                render: (_, b) => (
                  <Link to={`/letters/${b.id}`} aria-label={`${t('letters.open')}: ${b.campaignName ?? ''}`}>
                    {b.campaignName ?? '—'}
                  </Link>
                ),
              },
              {
                title: t('letters.run'),
                key: 'run',
                render: (_, b) => (
                  <Link
                    to={`/runs/${b.runId}`}
                    aria-label={`${t('letters.openRun')}: ${b.periodKey}`}
                    style={{ whiteSpace: 'nowrap' }}
                  >
                    {b.periodKey}
                  </Link>
                ),
              },
              {
                title: t('letters.delivery'),
                dataIndex: 'status',
                render: (s: LetterBatchStatus) => <BatchStatusTag status={s} />,
              },
              {
                title: t('letters.letters'),
                dataIndex: 'letters',
                align: 'right',
                sorter: (a, b) => a.letters - b.letters,
                render: (v: number) => <span data-col="letters">{n(v)}</span>,
              },
              {
                title: t('letters.pages'),
                dataIndex: 'pages',
                align: 'right',
                render: (v: number, b) => (b.status === 'building' ? '—' : n(v)),
              },
              {
                title: t('letters.size'),
                dataIndex: 'fileBytes',
                align: 'right',
                render: (v: number | null) => (
                  <span style={{ whiteSpace: 'nowrap' }}>{formatBytes(v, i18n.language)}</span>
                ),
              },
              {
                title: t('letters.created'),
                dataIndex: 'createdAt',
                defaultSortOrder: 'descend',
                sorter: (a, b) => a.createdAt.localeCompare(b.createdAt),
                render: (d: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(d)}</span>,
              },
              {
                title: t('letters.mailedAt'),
                dataIndex: 'mailedAt',
                render: (d: string | null) => (
                  <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(d)}</span>
                ),
              },
              {
                title: t('common.actions'),
                key: 'actions',
                render: (_, b) => <BatchActions batch={b} size="small" />,
              },
            ]}
          />
          {batches.hasNextPage && (
            <Button
              style={{ marginTop: 12 }}
              onClick={() => void batches.fetchNextPage()}
              loading={batches.isFetchingNextPage}
            >
              {t('client.more')}
            </Button>
          )}
        </>
      )}
    </>
  );
}
