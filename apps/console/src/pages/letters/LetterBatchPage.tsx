import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { TAG } from '../../components/colours';
import { PageLoading } from '../../components/PageLoading';
import { PageTitle } from '../../components/Shell';
import { formatDate, formatDateTime, formatNumber } from '../../format';
import { BatchActions, batchName, BatchStatusTag, formatBytes, useMayMail, type LetterBatch } from './shared';

type Letter = Schemas['BatchLetterDto'];
type Returned = Schemas['ReturnedLetterDto'];

export default function LetterBatchPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const batch = useQuery({
    queryKey: ['letter-batch', id],
    queryFn: () => unwrap<LetterBatch>(api.GET('/api/v1/letter-batches/{id}', { params: { path: { id } } })),
    // While it builds, the count grows: look again now and then.
    refetchInterval: (q) => (q.state.data?.status === 'building' ? 3000 : false),
  });
  const back = <Link to="/letters">← {t('letters.back')}</Link>;
  if (batch.isPending) return <PageLoading />;
  if (batch.isError)
    return (
      <>
        {back}
        <ApiErrorAlert error={batch.error} onRetry={() => void batch.refetch()} />
      </>
    );
  const b = batch.data;
  const n = (v: number) => formatNumber(v, i18n.language);
  return (
    <>
      {back}
      <PageTitle extra={<BatchActions batch={b} />}>
        {t('letters.batchTitle', { name: batchName(b) })}
      </PageTitle>
      <Space direction="vertical" size={16} style={{ width: '100%' }}>
        {b.unsignedLetters > 0 && (
          <Alert
            type="warning"
            showIcon
            title={t('letters.unsigned', { count: n(b.unsignedLetters), total: n(b.letters) })}
          />
        )}
        {b.status === 'failed' && b.message && (
          <Alert type="error" showIcon title={t('letters.buildFailed', { message: b.message })} />
        )}
        {b.status === 'building' && (
          <Alert type="info" showIcon title={t('letters.building', { count: n(b.letters) })} />
        )}
        <Card size="small">
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2, lg: 3 }}
            data-testid="batch-facts"
            items={[
              { key: 'status', label: t('letters.delivery'), children: <BatchStatusTag status={b.status} /> },
              { key: 'campaign', label: t('letters.campaign'), children: b.campaignName ?? '—' },
              {
                key: 'run',
                label: t('letters.run'),
                children: (
                  <Link to={`/runs/${b.runId}`}>
                    {t('letters.openRun')} ({b.periodKey})
                  </Link>
                ),
              },
              {
                key: 'letters',
                label: t('letters.letters'),
                children: <span data-col="letters">{n(b.letters)}</span>,
              },
              {
                key: 'pages',
                label: t('letters.pages'),
                children: <span data-col="pages">{b.status === 'building' ? '—' : n(b.pages)}</span>,
              },
              { key: 'size', label: t('letters.size'), children: formatBytes(b.fileBytes, i18n.language) },
              { key: 'created', label: t('letters.created'), children: formatDateTime(b.createdAt) },
              {
                key: 'mailed',
                label: t('letters.mailedAt'),
                children: <span data-col="mailed">{formatDateTime(b.mailedAt)}</span>,
              },
            ]}
          />
        </Card>
        <LettersCard batch={b} />
      </Space>
    </>
  );
}

function LettersCard({ batch }: { batch: LetterBatch }) {
  const { t } = useTranslation();
  const mayMail = useMayMail();
  const queryClient = useQueryClient();
  const [returning, setReturning] = useState<Letter | null>(null);
  const [done, setDone] = useState<Returned | null>(null);
  const letters = useInfiniteQuery({
    queryKey: ['letter-batch', batch.id, 'letters', batch.status],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap<Schemas['BatchLetterListDto']>(
        api.GET('/api/v1/letter-batches/{id}/letters', {
          params: { path: { id: batch.id }, query: { limit: 200, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = letters.data?.pages.flatMap((p) => p.items) ?? [];
  const mailed = batch.status === 'mailed';
  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('letters.lettersTitle')}</h2>}>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('letters.lettersHint')}
        {!mailed && mayMail && <> {t('letters.returnedOnlyMailed')}</>}
      </Typography.Paragraph>
      {done && (
        <div style={{ marginBottom: 12 }}>
          <Alert
            type="success"
            showIcon
            role="status"
            data-testid="letter-returned"
            closable={{ onClose: () => setDone(null) }}
            title={t('letters.returnedDone', { client: done.clientName })}
          />
        </div>
      )}
      {letters.isError ? (
        <ApiErrorAlert error={letters.error} onRetry={() => void letters.refetch()} />
      ) : (
        <>
          <Table<Letter>
            size="small"
            rowKey="deliveryId"
            loading={letters.isPending}
            dataSource={items}
            pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
            data-testid="batch-letters"
            scroll={{ x: 640 }}
            locale={{ emptyText: <EmptyText>{t('letters.noLetters')}</EmptyText> }}
            columns={[
              { title: t('letters.ref'), dataIndex: 'deliveryId', width: 110 },
              {
                title: t('letters.client'),
                key: 'client',
                sorter: (a, b) => (a.clientName ?? '').localeCompare(b.clientName ?? ''),
                render: (_, l) => <Link to={`/clients/${l.clientId}`}>{l.clientName}</Link>,
              },
              {
                title: t('letters.delivery'),
                dataIndex: 'status',
                render: (s: string, l) => (
                  <Space size={4} wrap>
                    <Tag>{t(`deliveryStatus.${s}`, { defaultValue: s })}</Tag>
                    {l.returned && (
                      <Tag color={TAG.red} title={l.returned.note ?? undefined}>
                        {t('letters.returnedOn', { when: formatDate(l.returned.at) })}
                      </Tag>
                    )}
                    {l.contactFlags.includes('address-returned') && (
                      <Typography.Text type="secondary">{t('letters.addressFlagged')}</Typography.Text>
                    )}
                  </Space>
                ),
              },
              { title: t('letters.sentAt'), dataIndex: 'sentAt', render: formatDateTime },
              ...(mayMail && mailed
                ? [
                    {
                      title: t('common.actions'),
                      key: 'actions',
                      render: (_: unknown, l: Letter) =>
                        l.returned ? (
                          l.returned.note
                        ) : (
                          <Button
                            size="small"
                            onClick={() => setReturning(l)}
                            data-testid="letter-return"
                            aria-label={`${t('letters.returnedSave')}: ${l.clientName}`}
                          >
                            {t('letters.returnedSave')}
                          </Button>
                        ),
                    },
                  ]
                : []),
            ]}
          />
          {letters.hasNextPage && (
            <Button
              style={{ marginTop: 12 }}
              onClick={() => void letters.fetchNextPage()}
              loading={letters.isFetchingNextPage}
            >
              {t('client.more')}
            </Button>
          )}
        </>
      )}
      <ReturnModal
        letter={returning}
        onClose={() => setReturning(null)}
        onDone={(r) => {
          void queryClient.invalidateQueries({ queryKey: ['letter-batch', batch.id, 'letters'] });
          setDone(r);
          setReturning(null);
        }}
      />
    </Card>
  );
}

function ReturnModal({
  letter,
  onClose,
  onDone,
}: {
  letter: Letter | null;
  onClose: () => void;
  onDone: (r: Returned) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ note?: string }>();
  const record = useMutation({
    mutationFn: (v: { note?: string }) =>
      unwrap<Returned>(
        api.POST('/api/v1/deliveries/{id}/returned', {
          params: { path: { id: letter!.deliveryId } },
          body: { note: v.note?.trim() || undefined },
        }),
      ),
    onSuccess: (r) => {
      form.resetFields();
      onDone(r);
    },
  });
  return (
    <Modal
      open={letter !== null}
      title={t('letters.returnedTitle', { client: letter?.clientName ?? '' })}
      okText={t('letters.returnedSave')}
      cancelText={t('common.cancel')}
      confirmLoading={record.isPending}
      onOk={() => form.submit()}
      onCancel={() => {
        record.reset();
        onClose();
      }}
      destroyOnHidden
    >
      {record.isError && (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={record.error} />
        </div>
      )}
      <Typography.Paragraph>
        {t('letters.ref')} {letter?.deliveryId}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => record.mutate(v)}>
        <Form.Item label={t('letters.returnedNote')} name="note">
          <Input.TextArea autoFocus maxLength={1000} placeholder={t('letters.returnedNotePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
