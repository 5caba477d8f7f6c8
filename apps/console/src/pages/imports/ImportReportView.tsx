import { DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Progress, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { TAG } from '../../components/colours';
import { EmptyText } from '../../components/EmptyText';
import { formatNumber } from '../../format';
import { isRunning, percentOf, type ImportReport, type ImportSummary } from './imports-api';

/** A field of an import in words ("channel.sms" → "Channel: SMS", "topic.news" → "Topic: news"). */
export function fieldLabel(t: TFunction, field: string): string {
  if (field.startsWith('topic.')) return t('imports.field.topic', { key: field.slice(6) });
  return t(`imports.field.${field}`, { defaultValue: field });
}

const STATUS_COLOUR: Record<string, string> = { processing: TAG.blue, completed: TAG.green, failed: TAG.red };

export function ImportStatusTag({ status }: { status: ImportSummary['status'] }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLOUR[status]}>{t(`imports.status.${status}`)}</Tag>;
}

/** A running import's progress: how far into the file it has read. */
export function ImportProgress({ item }: { item: ImportSummary }) {
  const { t, i18n } = useTranslation();
  const kb = (bytes: number) => `${formatNumber(Math.round(bytes / 1024), i18n.language)} KB`;
  const percent = percentOf(item);
  return (
    <div role="status" aria-live="polite">
      <Typography.Paragraph>
        {item.dryRun
          ? t('imports.check.running')
          : t(isRunning(item) ? 'imports.run.running' : 'imports.run.read', {
              read: kb(item.bytesRead),
              total: kb(item.totalBytes),
            })}
      </Typography.Paragraph>
      <Progress
        percent={percent}
        status={item.status === 'failed' ? 'exception' : item.status === 'completed' ? 'success' : 'active'}
        aria-label={t('imports.steps.import')}
      />
      <Typography.Text type="secondary">
        {t('imports.report.total')}: {formatNumber(item.total, i18n.language)} · {t('imports.report.failed')}:{' '}
        {formatNumber(item.failed, i18n.language)}
      </Typography.Text>
    </div>
  );
}

/** What an import did (or, a dry run, would do): the counts, the ignored columns, the row errors. */
export function ImportReportView({ report }: { report: ImportReport }) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const stats: [string, number][] = [
    [t('imports.report.total'), report.total],
    [report.dryRun ? t('imports.report.wouldCreate') : t('imports.report.created'), report.created],
    [report.dryRun ? t('imports.report.wouldUpdate') : t('imports.report.updated'), report.updated],
    [t('imports.report.unchanged'), report.unchanged],
    [t('imports.report.failed'), report.failed],
  ];
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {report.status === 'failed' && report.message && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={t('imports.run.failed')}
          description={report.message}
        />
      )}
      {report.dryRun && <Alert type="info" showIcon title={t('imports.report.dryRunNote')} />}
      <Card size="small">
        <Row gutter={[16, 16]} data-testid="import-counts">
          {stats.map(([title, value]) => (
            <Col key={title} xs={12} sm={8} md={4}>
              <Statistic title={title} value={n(value)} />
            </Col>
          ))}
        </Row>
        {report.ignoredColumns.length > 0 && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            {t('imports.report.ignored', { columns: report.ignoredColumns.join(', ') })}
          </Typography.Paragraph>
        )}
      </Card>
      <Card
        size="small"
        title={<h2 className="tb-card-title">{t('imports.report.errors')}</h2>}
        extra={
          report.failed > 0 ? (
            <Button icon={<DownloadOutlined />} href={`/api/v1/imports/${report.id}/errors.csv`} download>
              {t('imports.report.download')}
            </Button>
          ) : undefined
        }
      >
        {report.failed > 0 && (
          <Typography.Paragraph type="secondary">
            {t('imports.report.downloadHint')}
            {report.errors.length < report.failed && (
              <> {t('imports.report.errorsShown', { n: report.errors.length })}</>
            )}
          </Typography.Paragraph>
        )}
        <Table
          size="small"
          rowKey={(e) => `${e.row}-${e.column ?? ''}-${e.message}`}
          dataSource={report.errors}
          data-testid="import-errors"
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          locale={{ emptyText: <EmptyText>{t('imports.report.noErrors')}</EmptyText> }}
          columns={[
            { title: t('imports.report.row'), dataIndex: 'row', width: 90 },
            {
              title: t('imports.report.column'),
              dataIndex: 'column',
              width: 200,
              render: (c: string | null) =>
                c ?? <Typography.Text type="secondary">{t('imports.report.wholeRow')}</Typography.Text>,
            },
            { title: t('imports.report.message'), dataIndex: 'message' },
          ]}
        />
      </Card>
    </Space>
  );
}
