import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Popconfirm, Space, Tag } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { TAG } from '../../components/colours';
import { formatNumber } from '../../format';

export type LetterBatch = Schemas['LetterBatchDto'];
export type LetterBatchStatus = LetterBatch['status'];
export const BATCH_STATUSES: LetterBatchStatus[] = ['ready', 'building', 'mailed', 'failed'];

const STATUS_COLOURS: Record<LetterBatchStatus, string> = {
  building: TAG.grey,
  ready: TAG.blue,
  mailed: TAG.green,
  failed: TAG.red,
};

export function BatchStatusTag({ status }: { status: LetterBatchStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOURS[status]} data-status={status}>
      {t(`letters.status.${status}`)}
    </Tag>
  );
}

export const batchName = (b: LetterBatch) => `${b.campaignName ?? '—'} · ${b.periodKey}`;

/** Bytes as KB or MB, in the person's language. */
export function formatBytes(bytes: number | null, locale: string): string {
  if (bytes === null) return '—';
  const unit = locale === 'ru' ? ['Б', 'КБ', 'МБ'] : ['B', 'KB', 'MB'];
  if (bytes < 1024) return `${formatNumber(bytes, locale)} ${unit[0]}`;
  const kb = bytes / 1024;
  const fmt = (n: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(n);
  return kb < 1024 ? `${fmt(kb)} ${unit[1]}` : `${fmt(kb / 1024)} ${unit[2]}`;
}

/** Sales ops (and admins) post the letters; marketers only look. */
export function useMayMail(): boolean {
  const { session } = useSession();
  return session?.staff.role === 'sales-ops' || session?.staff.role === 'admin';
}

/** The PDF (a plain link: the browser downloads it with the session cookie) and "mark mailed". */
export function BatchActions({ batch, size }: { batch: LetterBatch; size?: 'small' }) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const mayMail = useMayMail();
  const mailed = useMutation({
    mutationFn: () =>
      unwrap<LetterBatch>(
        api.POST('/api/v1/letter-batches/{id}/mailed', { params: { path: { id: batch.id } } }),
      ),
    onSuccess: (b) => {
      queryClient.setQueryData(['letter-batch', b.id], b);
      void queryClient.invalidateQueries({ queryKey: ['letter-batches'] });
      void message.success(t('letters.mailedDone'));
    },
    onError: (e) => void message.error(e instanceof Error ? e.message : String(e)),
  });
  const hasPdf = batch.status === 'ready' || batch.status === 'mailed';
  return (
    <Space size={8} wrap>
      {hasPdf && (
        <Button
          size={size}
          icon={<DownloadOutlined />}
          href={`/api/v1/letter-batches/${batch.id}/pdf`}
          download={batch.fileName}
          aria-label={t('letters.downloadOf', { name: batchName(batch) })}
          data-testid="batch-pdf"
        >
          {t('letters.download')}
        </Button>
      )}
      {mayMail && batch.status === 'ready' && (
        <Popconfirm
          title={t('letters.markMailed')}
          description={
            <div style={{ maxWidth: 320 }}>
              {t('letters.mailedConfirm', { count: formatNumber(batch.letters, i18n.language) })}
            </div>
          }
          okText={t('letters.markMailed')}
          cancelText={t('common.cancel')}
          onConfirm={() => mailed.mutate()}
        >
          <Button size={size} type="primary" loading={mailed.isPending} data-testid="batch-mailed">
            {t('letters.markMailed')}
          </Button>
        </Popconfirm>
      )}
    </Space>
  );
}
