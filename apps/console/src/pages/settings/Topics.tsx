import type { Topic } from '../../api/types';
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
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { TAG } from '../../components/colours';
import { PageTitle } from '../../components/Shell';
import { showFieldErrors } from './apiForm';
import { SettingsBack } from './SettingsBack';

type TopicForm = Omit<Topic, 'system'>;

const TOPICS_KEY = ['topics'];
const KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The topics messages are about: list, create, edit, delete (admins). */
export default function Topics() {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const { session } = useSession();
  const admin = session?.staff.role === 'admin';
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Topic | 'new' | null>(null);
  const topics = useQuery({
    queryKey: TOPICS_KEY,
    queryFn: () => unwrap<{ items: Topic[] }>(api.GET('/api/v1/topics')),
  });
  const remove = useMutation({
    mutationFn: (key: string) => unwrap(api.DELETE('/api/v1/topics/{key}', { params: { path: { key } } })),
    onSuccess: () => {
      void message.success(t('settingsAdmin.saved'));
      return queryClient.invalidateQueries({ queryKey: TOPICS_KEY });
    },
  });
  const name = (tp: Topic) => (i18n.language === 'en' ? tp.nameEn : tp.nameRu);

  return (
    <>
      <SettingsBack />
      <PageTitle
        extra={
          admin && (
            <Button type="primary" onClick={() => setEditing('new')}>
              {t('settingsAdmin.topics.create')}
            </Button>
          )
        }
      >
        {t('settingsAdmin.topics.title')}
      </PageTitle>
      <Typography.Paragraph style={{ maxWidth: 900 }}>{t('settingsAdmin.topics.intro')}</Typography.Paragraph>
      {!admin && (
        <Alert type="info" showIcon title={t('settingsAdmin.readOnly')} style={{ marginBottom: 16 }} />
      )}
      {remove.isError && (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={remove.error} />
        </div>
      )}
      {topics.isError ? (
        <ApiErrorAlert error={topics.error} onRetry={() => void topics.refetch()} />
      ) : (
        <Table<Topic>
          rowKey="key"
          size="small"
          data-testid="topics"
          loading={topics.isPending}
          dataSource={topics.data?.items ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <EmptyText>{t('settingsAdmin.topics.empty')}</EmptyText> }}
          columns={[
            {
              title: t('settingsAdmin.topics.key'),
              dataIndex: 'key',
              sorter: (a, b) => a.key.localeCompare(b.key),
              render: (key: string, tp) => (
                <Space size={4}>
                  <Typography.Text code>{key}</Typography.Text>
                  {tp.system && <Tag color={TAG.grey}>{t('settingsAdmin.topics.system')}</Tag>}
                </Space>
              ),
            },
            {
              title: t('settingsAdmin.topics.nameRu'),
              dataIndex: 'nameRu',
              sorter: (a, b) => a.nameRu.localeCompare(b.nameRu),
            },
            { title: t('settingsAdmin.topics.nameEn'), dataIndex: 'nameEn' },
            {
              title: t('settingsAdmin.topics.defaultSubscribed'),
              dataIndex: 'defaultSubscribed',
              render: (v: boolean) => (v ? t('settingsAdmin.yes') : t('settingsAdmin.no')),
            },
            {
              title: t('consent.requiresConsent'),
              dataIndex: 'requiresConsent',
              render: (v: boolean) =>
                v ? <Tag color={TAG.orange}>{t('consent.requiresConsentTag')}</Tag> : t('settingsAdmin.no'),
            },
            ...(admin
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, tp: Topic) => (
                      <Space size={4}>
                        <Button
                          size="small"
                          onClick={() => setEditing(tp)}
                          aria-label={`${t('settingsAdmin.edit')}: ${name(tp)}`}
                        >
                          {t('settingsAdmin.edit')}
                        </Button>
                        {!tp.system && (
                          <Popconfirm
                            title={t('settingsAdmin.topics.deleteConfirm', { name: name(tp) })}
                            okText={t('settingsAdmin.delete')}
                            cancelText={t('settingsAdmin.cancel')}
                            onConfirm={() => remove.mutate(tp.key)}
                          >
                            <Button
                              size="small"
                              danger
                              aria-label={`${t('settingsAdmin.delete')}: ${name(tp)}`}
                            >
                              {t('settingsAdmin.delete')}
                            </Button>
                          </Popconfirm>
                        )}
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {editing && <TopicModal topic={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
    </>
  );
}

function TopicModal({ topic, onClose }: { topic: Topic | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<TopicForm>();
  const save = useMutation({
    mutationFn: (v: TopicForm) =>
      topic
        ? unwrap<Topic>(
            api.PATCH('/api/v1/topics/{key}', {
              params: { path: { key: topic.key } },
              body: {
                nameRu: v.nameRu,
                nameEn: v.nameEn,
                descriptionRu: v.descriptionRu ?? '',
                descriptionEn: v.descriptionEn ?? '',
                defaultSubscribed: v.defaultSubscribed,
                requiresConsent: v.requiresConsent ?? false,
              },
            }),
          )
        : unwrap<Topic>(
            api.POST('/api/v1/topics', {
              body: { ...v, descriptionRu: v.descriptionRu ?? '', descriptionEn: v.descriptionEn ?? '' },
            }),
          ),
    onSuccess: (saved) => {
      void message.success(
        topic ? t('settingsAdmin.saved') : t('settingsAdmin.topics.created', { name: saved.nameRu }),
      );
      void queryClient.invalidateQueries({ queryKey: TOPICS_KEY });
      onClose();
    },
    onError: (e) => showFieldErrors(form, e),
  });
  const required = { required: true, whitespace: true, message: t('settingsAdmin.topics.required') };
  return (
    <Modal
      open
      title={
        topic ? t('settingsAdmin.topics.editTitle', { name: topic.nameRu }) : t('settingsAdmin.topics.create')
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
      <Form<TopicForm>
        form={form}
        layout="vertical"
        initialValues={topic ?? { defaultSubscribed: true, requiresConsent: false }}
        onFinish={(v) => save.mutate(v)}
      >
        {!topic && (
          <Form.Item
            label={t('settingsAdmin.topics.key')}
            name="key"
            extra={t('settingsAdmin.topics.keyHint')}
            rules={[required, { pattern: KEY_PATTERN, message: t('settingsAdmin.topics.keyPattern') }]}
          >
            <Input autoFocus maxLength={63} />
          </Form.Item>
        )}
        <Form.Item label={t('settingsAdmin.topics.nameRu')} name="nameRu" rules={[required, { max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t('settingsAdmin.topics.nameEn')} name="nameEn" rules={[required, { max: 200 }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item label={t('settingsAdmin.topics.descriptionRu')} name="descriptionRu">
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        <Form.Item label={t('settingsAdmin.topics.descriptionEn')} name="descriptionEn">
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        <Form.Item
          label={t('settingsAdmin.topics.defaultSubscribed')}
          name="defaultSubscribed"
          valuePropName="checked"
          extra={t('settingsAdmin.topics.defaultSubscribedHint')}
        >
          <Switch />
        </Form.Item>
        <Form.Item
          label={t('consent.requiresConsent')}
          name="requiresConsent"
          valuePropName="checked"
          extra={t('consent.requiresConsentHint')}
        >
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
