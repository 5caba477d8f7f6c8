import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Popconfirm, Space, Spin, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { CursorPager, useCursorPages } from '../../components/CursorPager';
import { TAG } from '../../components/colours';
import { EmptyText } from '../../components/EmptyText';
import { PageTitle } from '../../components/Shell';
import { formatDateTime, formatNumber } from '../../format';
import { canWriteSegments } from './SegmentBuilder';
import type { ApiRule, Segment, SegmentCount } from './rules';
import { useRuleLabels } from './useRuleLabels';

export const SEGMENTS_PAGE_SIZE = 50;

interface CampaignBrief {
  id: string;
  name: string;
  segmentId: string | null;
}

/** /segments: every segment with its rule in words, its count and the campaigns that use it. */
export default function SegmentsList() {
  const { t } = useTranslation();
  const { session } = useSession();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const writable = canWriteSegments(session?.staff.role);
  const labels = useRuleLabels();
  const pages = useCursorPages();
  const cursor = pages.cursor;
  const list = useQuery({
    queryKey: ['segments', 'list', cursor],
    queryFn: () =>
      unwrap<{ items: Segment[]; nextCursor: string | null }>(
        api.GET('/api/v1/segments', { params: { query: { cursor, limit: SEGMENTS_PAGE_SIZE } } }),
      ),
    placeholderData: keepPreviousData,
  });
  // The campaigns (not archived) by the segment they target: enough to say what a deletion would break.
  const campaigns = useQuery({
    queryKey: ['campaigns', 'by-segment'],
    queryFn: () =>
      unwrap<{ items: CampaignBrief[] }>(api.GET('/api/v1/campaigns', { params: { query: { limit: 500 } } })),
    staleTime: 60_000,
  });
  const usedBy = new Map<string, CampaignBrief[]>();
  for (const c of campaigns.data?.items ?? []) {
    if (c.segmentId) usedBy.set(c.segmentId, [...(usedBy.get(c.segmentId) ?? []), c]);
  }
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/segments/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      void message.success(t('segments.deleted'));
      return queryClient.invalidateQueries({ queryKey: ['segments'] });
    },
  });

  return (
    <>
      <PageTitle
        extra={
          writable && (
            <Link to="/segments/new">
              <Button type="primary" tabIndex={-1}>
                {t('segments.create')}
              </Button>
            </Link>
          )
        }
      >
        {t('segments.title')}
      </PageTitle>
      {remove.isError && (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={remove.error} />
        </div>
      )}
      {list.isError ? (
        <ApiErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<Segment>
            rowKey="id"
            size="small"
            loading={list.isPending || list.isPlaceholderData}
            pagination={false}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: <EmptyText>{t('segments.empty')}</EmptyText> }}
            scroll={{ x: 1000 }}
            columns={[
              {
                title: t('segments.name'),
                dataIndex: 'name',
                width: 200,
                sorter: (a, b) => a.name.localeCompare(b.name),
                render: (name: string, s) => (
                  <>
                    <Link to={`/segments/${s.id}`}>{name}</Link>
                    {s.description && (
                      <div>
                        <Typography.Text type="secondary">{s.description}</Typography.Text>
                      </div>
                    )}
                  </>
                ),
              },
              {
                title: t('segments.rule'),
                key: 'rule',
                width: 280,
                render: (_, s) => labels.describe(s.rules as ApiRule),
              },
              {
                title: t('segments.count'),
                key: 'count',
                width: 120,
                align: 'right',
                render: (_, s) => <SegmentCountCell id={s.id} />,
              },
              {
                title: t('segments.campaigns'),
                key: 'campaigns',
                width: 200,
                render: (_, s) => {
                  const used = usedBy.get(s.id) ?? [];
                  if (campaigns.isPending) return <Spin size="small" />;
                  if (used.length === 0)
                    return <Typography.Text type="secondary">{t('segments.noCampaigns')}</Typography.Text>;
                  return (
                    <Space size={[4, 4]} wrap>
                      {used.map((c) => (
                        <Link key={c.id} to={`/campaigns/${c.id}`}>
                          {c.name}
                        </Link>
                      ))}
                    </Space>
                  );
                },
              },
              {
                title: t('segments.updated'),
                dataIndex: 'updatedAt',
                width: 150,
                render: (d: string) => formatDateTime(d),
              },
              ...(writable
                ? [
                    {
                      title: t('common.actions'),
                      key: 'actions',
                      width: 110,
                      render: (_: unknown, s: Segment) =>
                        usedBy.has(s.id) ? (
                          <Button size="small" danger disabled title={t('segments.inUse')}>
                            {t('segments.delete')}
                          </Button>
                        ) : (
                          <Popconfirm
                            title={t('segments.deleteConfirm', { name: s.name })}
                            okText={t('segments.delete')}
                            okButtonProps={{ danger: true }}
                            cancelText={t('common.cancel')}
                            onConfirm={() => remove.mutate(s.id)}
                          >
                            <Button size="small" danger>
                              {t('segments.delete')}
                            </Button>
                          </Popconfirm>
                        ),
                    },
                  ]
                : []),
            ]}
          />
          {(pages.page > 1 || list.data?.nextCursor) && (
            <CursorPager
              label={t('segments.title')}
              page={pages.page}
              onPrevious={pages.previous}
              onNext={list.isPlaceholderData ? null : pages.next(list.data?.nextCursor)}
            />
          )}
        </>
      )}
    </>
  );
}

function SegmentCountCell({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const count = useQuery({
    queryKey: ['segments', 'count-of', id],
    queryFn: () => unwrap<SegmentCount>(api.GET('/api/v1/segments/{id}/count', { params: { path: { id } } })),
    // An estimate is followed by the exact count: asked again until it is there.
    refetchInterval: (q) => (q.state.data && !q.state.data.exact ? 2000 : false),
  });
  if (count.isPending) return <Spin size="small" />;
  if (count.isError) return <Typography.Text type="danger">{t('errors.title')}</Typography.Text>;
  return (
    <span data-testid="segment-count">
      {formatNumber(count.data.count, i18n.language)}
      {!count.data.exact && (
        <>
          {' '}
          <Tag color={TAG.orange} title={t('segments.estimateHint')}>
            {t('segments.estimate')}
          </Tag>
        </>
      )}
    </span>
  );
}
