import { PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import type { Page } from '../../api/types';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { CursorPager, useCursorPages } from '../../components/CursorPager';
import { TAG } from '../../components/colours';
import { EmptyText } from '../../components/EmptyText';
import { PageTitle } from '../../components/Shell';
import { formatDateTime, formatNumber } from '../../format';
import { isRunning, type ImportSummary } from './imports-api';
import { ImportStatusTag } from './ImportReportView';

export const IMPORTS_PAGE_SIZE = 25;

/** Who may import: sales ops and admins (the API refuses the others). */
export function useMayImport(): boolean {
  const { session } = useSession();
  return session?.staff.role === 'admin' || session?.staff.role === 'sales-ops';
}

export default function ImportsList() {
  const { t, i18n } = useTranslation();
  const mayImport = useMayImport();
  const navigate = useNavigate();
  const pages = useCursorPages();
  const cursor = pages.cursor;
  const list = useQuery({
    queryKey: ['imports', 'list', cursor],
    queryFn: () =>
      unwrap<Page<ImportSummary>>(
        api.GET('/api/v1/imports', { params: { query: { cursor, limit: IMPORTS_PAGE_SIZE } } }),
      ),
    enabled: mayImport,
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some(isRunning) ? 1000 : false),
  });
  const n = (v: number) => formatNumber(v, i18n.language);

  return (
    <>
      <PageTitle
        extra={
          mayImport && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/imports/new')}>
              {t('imports.new')}
            </Button>
          )
        }
      >
        {t('imports.title')}
      </PageTitle>
      {!mayImport ? (
        <Alert type="info" showIcon title={t('imports.forbidden')} />
      ) : list.isError ? (
        <ApiErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<ImportSummary>
            rowKey="id"
            size="small"
            loading={list.isFetching && !list.data}
            pagination={false}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: <EmptyText>{t('imports.empty')}</EmptyText> }}
            scroll={{ x: 900 }}
            columns={[
              {
                title: t('imports.list.createdAt'),
                dataIndex: 'createdAt',
                width: 170,
                render: (d: string) => formatDateTime(d),
              },
              {
                title: t('imports.list.file'),
                dataIndex: 'fileName',
                render: (name: string, i) => (
                  <>
                    <Link to={`/imports/${i.id}`}>{name}</Link>
                    {i.dryRun && (
                      <Tag color={TAG.grey} style={{ marginInlineStart: 8 }}>
                        {t('imports.list.dryRun')}
                      </Tag>
                    )}
                  </>
                ),
              },
              {
                title: t('imports.list.kind'),
                dataIndex: 'kind',
                width: 130,
                render: (k: string) => t(`imports.kind.${k}`),
              },
              {
                title: t('imports.list.status'),
                dataIndex: 'status',
                width: 120,
                render: (s: ImportSummary['status']) => <ImportStatusTag status={s} />,
              },
              { title: t('imports.list.rows'), dataIndex: 'total', width: 100, align: 'right', render: n },
              {
                title: t('imports.list.created'),
                dataIndex: 'created',
                width: 100,
                align: 'right',
                render: n,
              },
              {
                title: t('imports.list.updated'),
                dataIndex: 'updated',
                width: 100,
                align: 'right',
                render: n,
              },
              {
                title: t('imports.list.failed'),
                dataIndex: 'failed',
                width: 110,
                align: 'right',
                render: (v: number) =>
                  v > 0 ? <Typography.Text type="danger">{n(v)}</Typography.Text> : n(v),
              },
            ]}
          />
          <CursorPager
            label={t('imports.title')}
            page={pages.page}
            onPrevious={pages.previous}
            onNext={list.isPlaceholderData ? null : pages.next(list.data?.nextCursor)}
          />
        </>
      )}
    </>
  );
}
