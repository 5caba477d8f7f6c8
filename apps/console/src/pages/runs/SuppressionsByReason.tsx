import { Table, Typography } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { PageLoading } from '../../components/PageLoading';
import { formatNumber } from '../../format';
import { useReasonText } from '../../texts';

const SuppressionsChart = lazy(() => import('../../components/SuppressionsChart'));

/** Suppressions by reason: a bar chart (lazy) and the same numbers in a table, or a line when none. */
export function SuppressionsByReason({
  counts,
  label,
  empty,
  testId,
}: {
  counts: Record<string, number>;
  label: string;
  empty: string;
  testId: string;
}) {
  const { t, i18n } = useTranslation();
  const reasonText = useReasonText();
  const rows = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([reason, count]) => ({ key: reason, name: reasonText(reason), count }));
  if (rows.length === 0) return <Typography.Text type="secondary">{empty}</Typography.Text>;
  return (
    <>
      <Suspense fallback={<PageLoading />}>
        <SuppressionsChart rows={rows} label={label} />
      </Suspense>
      <Table
        size="small"
        pagination={false}
        data-testid={testId}
        aria-label={label}
        dataSource={rows}
        columns={[
          { title: t('runs.detail.reasonCol'), dataIndex: 'name' },
          {
            title: t('runs.detail.countCol'),
            dataIndex: 'count',
            align: 'right',
            width: 120,
            render: (n: number) => formatNumber(n, i18n.language),
          },
        ]}
      />
    </>
  );
}
