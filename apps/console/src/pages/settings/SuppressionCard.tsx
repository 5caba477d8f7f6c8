import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { TAG } from '../../components/colours';
import { EmptyText } from '../../components/EmptyText';
import { formatDateTime } from '../../format';

type Suppression = Schemas['SuppressionDto'];
type SuppressionList = Schemas['SuppressionListDto'];
type ImportResult = Schemas['ImportSuppressionsResultDto'];
type Channel = Suppression['channel'];
type Reason = Suppression['reason'];

const CHANNELS: Channel[] = ['email', 'sms', 'call'];
const REASONS: Reason[] = ['hard-bounce', 'complaint', 'sms-stop', 'manual', 'imported'];
const REASON_COLOUR: Record<Reason, string> = {
  'hard-bounce': TAG.red,
  complaint: TAG.orange,
  'sms-stop': TAG.gold,
  manual: TAG.blue,
  imported: TAG.grey,
};

interface Filter {
  channel?: Channel;
  reason?: Reason;
  search?: string;
}

/** Settings (admins): the suppression list, its filters, adding, removing with a reason, export and import. */
export function SuppressionCard() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<Filter>({});
  const [limit, setLimit] = useState(50);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Suppression | null>(null);
  const [importReport, setImportReport] = useState<ImportResult | null>(null);
  const query = useQuery({
    queryKey: ['suppressions', filter, limit],
    queryFn: () =>
      unwrap<SuppressionList>(
        api.GET('/api/v1/suppressions', {
          params: { query: { ...filter, search: filter.search || undefined, limit } },
        }),
      ),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['suppressions'] });
  const importFile = useMutation({
    mutationFn: async (file: File) =>
      unwrap<ImportResult>(
        api.POST('/api/v1/suppressions/import', { body: { csv: await file.text(), source: file.name } }),
      ),
    onSuccess: (report) => {
      setImportReport(report);
      void refresh();
    },
  });
  const exportHref = `/api/v1/suppressions/export.csv?${new URLSearchParams(
    Object.entries(filter).filter(([, v]) => v) as [string, string][],
  ).toString()}`;

  return (
    <Card
      title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('suppression.title')}</h2>}
      style={{ marginTop: 16 }}
      data-testid="suppression-card"
    >
      <Typography.Paragraph type="secondary">{t('suppression.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select<Channel | ''>
          aria-label={t('suppression.channelFilter')}
          style={{ width: 140 }}
          value={filter.channel ?? ''}
          onChange={(v) => setFilter({ ...filter, channel: v || undefined })}
          options={[
            { value: '', label: `${t('suppression.channelFilter')}: ${t('suppression.all')}` },
            ...CHANNELS.map((c) => ({ value: c, label: t(`suppression.channel.${c}`) })),
          ]}
          data-testid="suppression-channel-filter"
        />
        <Select<Reason | ''>
          aria-label={t('suppression.reasonFilter')}
          style={{ width: 190 }}
          value={filter.reason ?? ''}
          onChange={(v) => setFilter({ ...filter, reason: v || undefined })}
          options={[
            { value: '', label: `${t('suppression.reasonFilter')}: ${t('suppression.all')}` },
            ...REASONS.map((r) => ({ value: r, label: t(`suppression.reason.${r}`) })),
          ]}
        />
        <Input.Search
          aria-label={t('suppression.search')}
          placeholder={t('suppression.search')}
          allowClear
          style={{ width: 220 }}
          onSearch={(v) => setFilter({ ...filter, search: v.trim() || undefined })}
          data-testid="suppression-search"
        />
        <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="suppression-add">
          {t('suppression.add')}
        </Button>
        <Button icon={<DownloadOutlined />} href={exportHref} download>
          {t('suppression.exportCsv')}
        </Button>
        <Upload
          accept=".csv,text/csv"
          showUploadList={false}
          beforeUpload={(file) => {
            importFile.mutate(file);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={importFile.isPending} data-testid="suppression-import">
            {t('suppression.importFile')}
          </Button>
        </Upload>
      </Space>
      {importFile.isError && <ApiErrorAlert error={importFile.error} />}
      {importReport && (
        <div data-testid="suppression-import-report" style={{ marginBottom: 12 }}>
          <Typography.Text>
            {t('suppression.imported', {
              added: importReport.added,
              duplicates: importReport.duplicates,
              errors: importReport.errors.length,
            })}
          </Typography.Text>
          {importReport.errors.slice(0, 20).map((e) => (
            <div key={e.row}>
              <Typography.Text type="danger">{t('suppression.importErrorRow', e)}</Typography.Text>
            </div>
          ))}
        </div>
      )}
      {query.isError ? (
        <ApiErrorAlert error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Table<Suppression>
          size="small"
          rowKey="id"
          loading={query.isPending}
          dataSource={query.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: <EmptyText>{t('suppression.empty')}</EmptyText> }}
          data-testid="suppression-table"
          columns={[
            {
              title: t('suppression.address'),
              dataIndex: 'address',
              render: (address: string, r) => (
                <>
                  <div>
                    {address}{' '}
                    <Typography.Text type="secondary">
                      ({t(`suppression.channel.${r.channel}`)})
                    </Typography.Text>
                  </div>
                  {r.note && <Typography.Text type="secondary">{r.note}</Typography.Text>}
                </>
              ),
            },
            {
              title: t('suppression.reasonFilter'),
              dataIndex: 'reason',
              render: (reason: Reason) => (
                <Tag color={REASON_COLOUR[reason]}>{t(`suppression.reason.${reason}`)}</Tag>
              ),
            },
            {
              title: t('suppression.addedAt'),
              dataIndex: 'createdAt',
              render: (v: string) => formatDateTime(v),
            },
            {
              title: '',
              key: 'actions',
              render: (_: unknown, r) => (
                <Button
                  size="small"
                  onClick={() => setRemoving(r)}
                  data-testid={`suppression-remove-${r.id}`}
                >
                  {t('suppression.remove')}
                </Button>
              ),
            },
          ]}
        />
      )}
      {query.data?.nextCursor && (
        <Button style={{ marginTop: 8 }} onClick={() => setLimit(Math.min(limit + 50, 500))}>
          {t('suppression.more')}
        </Button>
      )}
      {adding && (
        <AddModal
          onClose={() => setAdding(false)}
          onDone={() => {
            setAdding(false);
            void message.success(t('suppression.added'));
            void refresh();
          }}
        />
      )}
      {removing && (
        <RemoveModal
          entry={removing}
          onClose={() => setRemoving(null)}
          onDone={() => {
            setRemoving(null);
            void message.success(t('suppression.removed'));
            void refresh();
          }}
        />
      )}
    </Card>
  );
}

function AddModal({ onClose, onDone }: { onClose: () => void; onDone: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ channel: Channel; address: string; note?: string }>();
  const add = useMutation({
    mutationFn: (v: { channel: Channel; address: string; note?: string }) =>
      unwrap<Suppression>(api.POST('/api/v1/suppressions', { body: v })),
    onSuccess: onDone,
  });
  return (
    <Modal
      open
      title={t('suppression.addTitle')}
      okText={t('suppression.add')}
      cancelText={t('suppression.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={add.isPending}
    >
      {add.isError && <ApiErrorAlert error={add.error} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ channel: 'email' }}
        onFinish={(v) => add.mutate(v)}
      >
        <Form.Item name="channel" label={t('suppression.channelFilter')} rules={[{ required: true }]}>
          <Select options={CHANNELS.map((c) => ({ value: c, label: t(`suppression.channel.${c}`) }))} />
        </Form.Item>
        <Form.Item
          name="address"
          label={t('suppression.address')}
          rules={[{ required: true, whitespace: true, message: t('suppression.required') }]}
        >
          <Input data-testid="suppression-address" />
        </Form.Item>
        <Form.Item name="note" label={t('suppression.note')}>
          <Input maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function RemoveModal({
  entry,
  onClose,
  onDone,
}: {
  entry: Suppression;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const remove = useMutation({
    mutationFn: (reason: string) =>
      unwrap<Suppression>(
        api.POST('/api/v1/suppressions/{id}/remove', {
          params: { path: { id: entry.id } },
          body: { reason },
        }),
      ),
    onSuccess: onDone,
  });
  return (
    <Modal
      open
      title={t('suppression.removeTitle', { address: entry.address })}
      okText={t('suppression.remove')}
      cancelText={t('suppression.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={remove.isPending}
    >
      {remove.isError && <ApiErrorAlert error={remove.error} />}
      <Form form={form} layout="vertical" onFinish={(v) => remove.mutate(v.reason.trim())}>
        <Form.Item
          name="reason"
          label={t('suppression.removeReason')}
          rules={[{ required: true, whitespace: true, message: t('suppression.removeReasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={1000} data-testid="suppression-remove-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
