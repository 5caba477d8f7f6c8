import type { Signer } from '../../api/types';
import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Table,
  Typography,
  Upload,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { PageTitle } from '../../components/Shell';
import { IMAGE_TYPES, showFieldErrors, uploadForm } from './apiForm';
import { SettingsBack } from './SettingsBack';

type SignerForm = Pick<Signer, 'name' | 'nameEn' | 'title' | 'titleEn' | 'email'>;

const SIGNERS_KEY = ['signers'];
const MAX_SIGNATURE_BYTES = 1024 * 1024;

/** Who signs letters and CEO mail, with their signature images (marketers and admins change them). */
export default function Signers() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { session } = useSession();
  const editor = session?.staff.role === 'admin' || session?.staff.role === 'marketer';
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Signer | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const signers = useQuery({
    queryKey: SIGNERS_KEY,
    queryFn: () => unwrap<{ items: Signer[] }>(api.GET('/api/v1/signers')),
  });
  const done = (text: string) => {
    setError(null);
    void message.success(text);
    return queryClient.invalidateQueries({ queryKey: SIGNERS_KEY });
  };
  const upload = useMutation({
    mutationFn: ({ id, file }: { id: string; file: File }) =>
      unwrap<Signer>(
        api.PUT('/api/v1/signers/{id}/signature', { params: { path: { id } }, ...uploadForm(file) }),
      ),
    onSuccess: () => done(t('settingsAdmin.signers.uploaded')),
    onError: setError,
  });
  const removeSignature = useMutation({
    mutationFn: (id: string) =>
      unwrap<Signer>(api.DELETE('/api/v1/signers/{id}/signature', { params: { path: { id } } })),
    onSuccess: () => done(t('settingsAdmin.saved')),
    onError: setError,
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/signers/{id}', { params: { path: { id } } })),
    onSuccess: () => done(t('settingsAdmin.saved')),
    onError: setError,
  });

  /** Checked here before sending (the API checks the content again). */
  const pick = (s: Signer, file: File) => {
    if (!IMAGE_TYPES.includes(file.type)) setError(new Error(t('settingsAdmin.signers.badType')));
    else if (file.size > MAX_SIGNATURE_BYTES) setError(new Error(t('settingsAdmin.signers.tooBig')));
    else upload.mutate({ id: s.id, file });
    return false;
  };

  return (
    <>
      <SettingsBack />
      <PageTitle
        extra={
          editor && (
            <Button type="primary" onClick={() => setEditing('new')}>
              {t('settingsAdmin.signers.create')}
            </Button>
          )
        }
      >
        {t('settingsAdmin.signers.title')}
      </PageTitle>
      <Typography.Paragraph style={{ maxWidth: 900 }}>
        {t('settingsAdmin.signers.intro')}
      </Typography.Paragraph>
      {!editor && (
        <Alert
          type="info"
          showIcon
          title={t('settingsAdmin.signers.readOnly')}
          style={{ marginBottom: 16 }}
        />
      )}
      {error ? (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={error} />
        </div>
      ) : null}
      {signers.isError ? (
        <ApiErrorAlert error={signers.error} onRetry={() => void signers.refetch()} />
      ) : (
        <Table<Signer>
          rowKey="id"
          size="small"
          data-testid="signers"
          loading={signers.isPending}
          dataSource={signers.data?.items ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <EmptyText>{t('settingsAdmin.signers.empty')}</EmptyText> }}
          columns={[
            {
              title: t('settingsAdmin.signers.name'),
              dataIndex: 'name',
              sorter: (a, b) => a.name.localeCompare(b.name),
              render: (name: string, s) => (
                <>
                  <div>{name}</div>
                  {s.nameEn && <Typography.Text type="secondary">{s.nameEn}</Typography.Text>}
                </>
              ),
            },
            {
              title: t('settingsAdmin.signers.titleField'),
              dataIndex: 'title',
              render: (title: string, s) => (
                <>
                  <div>{title}</div>
                  {s.titleEn && <Typography.Text type="secondary">{s.titleEn}</Typography.Text>}
                </>
              ),
            },
            {
              title: t('settingsAdmin.signers.email'),
              dataIndex: 'email',
              render: (e: string | null) => e ?? <EmptyText>{t('common.none')}</EmptyText>,
            },
            {
              title: t('settingsAdmin.signers.signature'),
              key: 'signature',
              render: (_, s) =>
                s.signatureUrl ? (
                  <img
                    src={`${s.signatureUrl}?v=${encodeURIComponent(s.updatedAt)}`}
                    alt={t('settingsAdmin.signers.signatureOf', { name: s.name })}
                    style={{ maxHeight: 48, maxWidth: 180, background: '#fff', border: '1px solid #f0f0f0' }}
                  />
                ) : (
                  <EmptyText>{t('settingsAdmin.signers.noSignature')}</EmptyText>
                ),
            },
            ...(editor
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, s: Signer) => (
                      <Space size={4} wrap>
                        <Upload
                          accept="image/png,image/jpeg"
                          showUploadList={false}
                          beforeUpload={(file) => pick(s, file)}
                        >
                          <Button
                            size="small"
                            icon={<UploadOutlined />}
                            loading={upload.isPending && upload.variables?.id === s.id}
                            aria-label={`${s.hasSignature ? t('settingsAdmin.signers.replace') : t('settingsAdmin.signers.upload')}: ${s.name}`}
                          >
                            {s.hasSignature
                              ? t('settingsAdmin.signers.replace')
                              : t('settingsAdmin.signers.upload')}
                          </Button>
                        </Upload>
                        {s.hasSignature && (
                          <Popconfirm
                            title={t('settingsAdmin.signers.removeSignatureConfirm', { name: s.name })}
                            okText={t('settingsAdmin.signers.removeSignature')}
                            cancelText={t('settingsAdmin.cancel')}
                            onConfirm={() => removeSignature.mutate(s.id)}
                          >
                            <Button size="small">{t('settingsAdmin.signers.removeSignature')}</Button>
                          </Popconfirm>
                        )}
                        <Button
                          size="small"
                          onClick={() => setEditing(s)}
                          aria-label={`${t('settingsAdmin.edit')}: ${s.name}`}
                        >
                          {t('settingsAdmin.edit')}
                        </Button>
                        <Popconfirm
                          title={t('settingsAdmin.signers.deleteConfirm', { name: s.name })}
                          okText={t('settingsAdmin.delete')}
                          cancelText={t('settingsAdmin.cancel')}
                          onConfirm={() => remove.mutate(s.id)}
                        >
                          <Button size="small" danger aria-label={`${t('settingsAdmin.delete')}: ${s.name}`}>
                            {t('settingsAdmin.delete')}
                          </Button>
                        </Popconfirm>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {editing && (
        <SignerModal signer={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
      )}
    </>
  );
}

function SignerModal({ signer, onClose }: { signer: Signer | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<SignerForm>();
  const save = useMutation({
    mutationFn: (body: SignerForm) =>
      signer
        ? unwrap<Signer>(
            api.PATCH('/api/v1/signers/{id}', { params: { path: { id: signer.id } }, body: body as never }),
          )
        : unwrap<Signer>(api.POST('/api/v1/signers', { body: body as never })),
    onSuccess: (saved) => {
      void message.success(
        signer ? t('settingsAdmin.saved') : t('settingsAdmin.signers.created', { name: saved.name }),
      );
      void queryClient.invalidateQueries({ queryKey: SIGNERS_KEY });
      onClose();
    },
    onError: (e) => showFieldErrors(form, e),
  });
  const required = { required: true, whitespace: true, message: t('settingsAdmin.signers.required') };
  return (
    <Modal
      open
      title={
        signer
          ? t('settingsAdmin.signers.editTitle', { name: signer.name })
          : t('settingsAdmin.signers.create')
      }
      okText={t('settingsAdmin.save')}
      cancelText={t('settingsAdmin.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {save.isError && (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={save.error} />
        </div>
      )}
      <Form<SignerForm>
        form={form}
        layout="vertical"
        initialValues={signer ?? {}}
        onFinish={(v) =>
          save.mutate({
            name: v.name,
            title: v.title,
            nameEn: v.nameEn || null,
            titleEn: v.titleEn || null,
            email: v.email || null,
          })
        }
      >
        <Form.Item label={t('settingsAdmin.signers.name')} name="name" rules={[required, { max: 200 }]}>
          <Input autoFocus maxLength={200} />
        </Form.Item>
        <Form.Item label={t('settingsAdmin.signers.nameEn')} name="nameEn" rules={[{ max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          label={t('settingsAdmin.signers.titleField')}
          name="title"
          rules={[required, { max: 200 }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t('settingsAdmin.signers.titleEn')} name="titleEn" rules={[{ max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          label={t('settingsAdmin.signers.email')}
          name="email"
          rules={[{ type: 'email', message: t('settingsAdmin.signers.emailInvalid') }]}
        >
          <Input type="email" maxLength={320} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
