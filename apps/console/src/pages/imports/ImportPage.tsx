import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageLoading } from '../../components/PageLoading';
import { PageTitle } from '../../components/Shell';
import { formatDateTime } from '../../format';
import { isRunning, useImport } from './imports-api';
import { ImportProgress, ImportReportView, ImportStatusTag } from './ImportReportView';

/** One import: its progress while it runs, then its report. */
export default function ImportPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const report = useImport(id);
  if (report.isError) return <ApiErrorAlert error={report.error} onRetry={() => void report.refetch()} />;
  if (!report.data) return <PageLoading />;
  const r = report.data;
  return (
    <>
      <PageTitle extra={<ImportStatusTag status={r.status} />}>
        {t('imports.reportTitle', { file: r.fileName })}
      </PageTitle>
      <Typography.Paragraph type="secondary">
        {t(`imports.kind.${r.kind}`)} · {formatDateTime(r.createdAt)} ·{' '}
        <Link to="/imports">{t('imports.run.toList')}</Link>
      </Typography.Paragraph>
      {isRunning(r) ? <ImportProgress item={r} /> : <ImportReportView report={r} />}
    </>
  );
}
