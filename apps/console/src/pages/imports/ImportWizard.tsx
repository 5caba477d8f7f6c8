import { InboxOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Radio, Select, Space, Steps, Table, Typography, Upload } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageTitle } from '../../components/Shell';
import { formatNumber } from '../../format';
import {
  IMPORT_KINDS,
  inspectFile,
  isRunning,
  startImport,
  useImport,
  type ColumnMapping,
  type ImportInspection,
  type ImportKind,
} from './imports-api';
import { fieldLabel, ImportProgress, ImportReportView } from './ImportReportView';
import { useMayImport } from './ImportsList';

/** Files up to this size are inspected again after each mapping change (to say what is missing). */
const REINSPECT_MAX_BYTES = 5 * 1024 * 1024;

type Step = 'file' | 'columns' | 'check' | 'import';
const STEPS: Step[] = ['file', 'columns', 'check', 'import'];

/**
 * A new import, in four steps: the file and what it holds; the columns as detected, editable; a dry
 * run with the row errors; the import, with a progress bar while it runs, then its report.
 */
export default function ImportWizard() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const mayImport = useMayImport();
  const [step, setStep] = useState<Step>('file');
  const [kind, setKind] = useState<ImportKind>('clients');
  const [file, setFile] = useState<File | null>(null);
  const [inspection, setInspection] = useState<ImportInspection | null>(null);
  const [mapping, setMapping] = useState<ColumnMapping>({});
  const [checkId, setCheckId] = useState<string>();
  const [importId, setImportId] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const check = useImport(checkId);
  const imported = useImport(importId);

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const readColumns = () =>
    act(async () => {
      const found = await inspectFile(file!, kind);
      setInspection(found);
      setMapping(Object.fromEntries(found.columns.map((c) => [c.header, c.field])));
      setStep('columns');
    });

  const changeMapping = (header: string, field: string | null) => {
    const next = { ...mapping, [header]: field };
    setMapping(next);
    if (file && file.size <= REINSPECT_MAX_BYTES) {
      void act(async () => setInspection(await inspectFile(file, kind, next)));
    }
  };

  const run = (dryRun: boolean) =>
    act(async () => {
      const started = await startImport(file!, kind, mapping, dryRun);
      // The 202's answer is the first state shown: the progress bar starts at once, at its start.
      queryClient.setQueryData(['imports', started.id], { ...started, errors: [] });
      if (dryRun) {
        setCheckId(started.id);
        setStep('check');
      } else {
        setImportId(started.id);
        setStep('import');
      }
      void queryClient.invalidateQueries({ queryKey: ['imports', 'list'] });
    });

  const restart = () => {
    setStep('file');
    setFile(null);
    setInspection(null);
    setMapping({});
    setCheckId(undefined);
    setImportId(undefined);
    setError(null);
  };

  /** For each column whose field an earlier column already feeds: that earlier column. */
  const shadowedBy = useMemo(() => {
    const first = new Map<string, string>();
    const shadowed = new Map<string, string>();
    for (const c of inspection?.columns ?? []) {
      const field = mapping[c.header];
      if (!field) continue;
      if (first.has(field)) shadowed.set(c.header, first.get(field)!);
      else first.set(field, c.header);
    }
    return shadowed;
  }, [inspection, mapping]);

  if (!mayImport) return <Alert type="info" showIcon title={t('imports.forbidden')} />;

  const size = (bytes: number) =>
    bytes >= 1024 * 1024
      ? `${formatNumber(Math.round((bytes / 1024 / 1024) * 10) / 10, i18n.language)} MB`
      : `${formatNumber(Math.max(1, Math.round(bytes / 1024)), i18n.language)} KB`;

  return (
    <>
      <PageTitle>{t('imports.wizardTitle')}</PageTitle>
      <Steps
        size="small"
        current={STEPS.indexOf(step)}
        items={STEPS.map((s) => ({ title: t(`imports.steps.${s}`) }))}
        style={{ marginBottom: 16 }}
      />
      {error ? (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={error} />
        </div>
      ) : null}

      {step === 'file' && (
        <Card size="small">
          <Space direction="vertical" size="middle" style={{ width: '100%' }}>
            <div role="radiogroup" aria-labelledby="import-kind-label">
              <Typography.Text strong id="import-kind-label">
                {t('imports.file.kindLabel')}
              </Typography.Text>
              <div style={{ marginTop: 8 }}>
                <Radio.Group value={kind} onChange={(e) => setKind(e.target.value as ImportKind)}>
                  <Space direction="vertical">
                    {IMPORT_KINDS.map((k) => (
                      <Radio key={k} value={k}>
                        <strong>{t(`imports.kind.${k}`)}</strong>{' '}
                        <Typography.Text type="secondary">— {t(`imports.kindHint.${k}`)}</Typography.Text>
                      </Radio>
                    ))}
                  </Space>
                </Radio.Group>
              </div>
            </div>
            <Upload.Dragger
              accept=".csv,.txt,.xlsx"
              maxCount={1}
              showUploadList={false}
              beforeUpload={(f) => {
                setFile(f);
                setError(null);
                return false;
              }}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined aria-hidden="true" />
              </p>
              <p className="ant-upload-text">{t('imports.file.drop')}</p>
              <p className="ant-upload-hint">{t('imports.file.dropHint')}</p>
            </Upload.Dragger>
            {file && (
              <Typography.Text data-testid="chosen-file">
                {t('imports.file.chosen', { name: file.name, size: size(file.size) })}
              </Typography.Text>
            )}
            <Button type="primary" disabled={!file} loading={busy} onClick={() => void readColumns()}>
              {t('imports.file.read')}
            </Button>
          </Space>
        </Card>
      )}

      {step === 'columns' && inspection && (
        <Card size="small">
          <Typography.Paragraph>{t('imports.columns.intro')}</Typography.Paragraph>
          <Typography.Paragraph type="secondary">
            {[
              t('imports.columns.format', { format: inspection.format.toUpperCase() }),
              inspection.encoding && t('imports.columns.encoding', { encoding: inspection.encoding }),
              inspection.delimiter &&
                t('imports.columns.delimiter', {
                  delimiter: inspection.delimiter === '\t' ? 'Tab' : inspection.delimiter,
                }),
            ]
              .filter(Boolean)
              .join(', ')}
          </Typography.Paragraph>
          {inspection.problem && (
            <Alert
              type="error"
              showIcon
              role="alert"
              title={inspection.problem}
              style={{ marginBottom: 12 }}
            />
          )}
          <Table
            size="small"
            rowKey="index"
            pagination={false}
            dataSource={inspection.columns}
            data-testid="import-columns"
            scroll={{ x: 700 }}
            columns={[
              { title: t('imports.columns.header'), dataIndex: 'header', width: 200 },
              {
                title: t('imports.columns.samples'),
                dataIndex: 'samples',
                render: (samples: string[]) => (
                  <Typography.Text type="secondary" ellipsis style={{ maxWidth: 320 }}>
                    {samples.filter((s) => s).join(' · ') || t('common.none')}
                  </Typography.Text>
                ),
              },
              {
                title: t('imports.columns.field'),
                key: 'field',
                width: 280,
                render: (_, c) => (
                  <>
                    <Select
                      aria-label={`${t('imports.columns.field')}: ${c.header}`}
                      value={mapping[c.header] ?? ''}
                      style={{ width: '100%' }}
                      showSearch={{ optionFilterProp: 'label' }}
                      onChange={(v: string) => changeMapping(c.header, v || null)}
                      options={[
                        { value: '', label: t('imports.columns.ignore') },
                        ...inspection.fields.map((f) => ({ value: f, label: fieldLabel(t, f) })),
                      ]}
                    />
                    {shadowedBy.has(c.header) && (
                      <Typography.Text type="warning" style={{ display: 'block', fontSize: 12 }}>
                        {t('imports.columns.duplicate', { header: shadowedBy.get(c.header) })}
                      </Typography.Text>
                    )}
                  </>
                ),
              },
            ]}
          />
          <Space style={{ marginTop: 12 }}>
            <Button onClick={() => setStep('file')}>{t('imports.columns.back')}</Button>
            <Button
              type="primary"
              loading={busy}
              disabled={!!inspection.problem}
              onClick={() => void run(true)}
            >
              {t('imports.columns.check')}
            </Button>
          </Space>
        </Card>
      )}

      {step === 'check' && (
        <>
          {!check.data || isRunning(check.data) ? (
            <Card size="small">{check.data && <ImportProgress item={check.data} />}</Card>
          ) : (
            <>
              {check.data.status === 'completed' && (
                <Typography.Paragraph>{t('imports.check.intro')}</Typography.Paragraph>
              )}
              <ImportReportView report={check.data} />
              <Space style={{ marginTop: 12 }}>
                <Button onClick={() => setStep('columns')}>{t('imports.check.back')}</Button>
                {check.data.status === 'completed' && (
                  <Button type="primary" loading={busy} onClick={() => void run(false)}>
                    {check.data.failed > 0 ? t('imports.check.importWithErrors') : t('imports.check.import')}
                  </Button>
                )}
              </Space>
            </>
          )}
          {check.isError && <ApiErrorAlert error={check.error} onRetry={() => void check.refetch()} />}
        </>
      )}

      {step === 'import' && (
        <>
          {!imported.data || isRunning(imported.data) ? (
            <Card size="small">{imported.data && <ImportProgress item={imported.data} />}</Card>
          ) : (
            <>
              <Alert
                type={imported.data.status === 'completed' ? 'success' : 'error'}
                showIcon
                title={imported.data.status === 'completed' ? t('imports.run.done') : t('imports.run.failed')}
                style={{ marginBottom: 12 }}
              />
              <Card size="small" style={{ marginBottom: 12 }}>
                <ImportProgress item={imported.data} />
              </Card>
              <ImportReportView report={imported.data} />
              <Space style={{ marginTop: 12 }}>
                <Button onClick={restart}>{t('imports.run.another')}</Button>
                <Button type="primary" onClick={() => navigate('/imports')}>
                  {t('imports.run.toList')}
                </Button>
              </Space>
            </>
          )}
          {imported.isError && (
            <ApiErrorAlert error={imported.error} onRetry={() => void imported.refetch()} />
          )}
        </>
      )}
    </>
  );
}
