import { useMutation } from '@tanstack/react-query';
import { Alert, Form, Input, Modal, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../../api/client';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { showFieldErrors } from '../apiForm';
import { EVENT_TYPES, type Endpoint, type EndpointWithSecret, type EventType } from './webhookTypes';

interface EndpointForm {
  url: string;
  description?: string;
  eventTypes: EventType[];
}

/** Create (no endpoint given) or edit an endpoint's URL, description and event types. */
export function EndpointModal({
  endpoint,
  onClose,
  onCreated,
  onSaved,
}: {
  endpoint?: Endpoint;
  onClose: () => void;
  onCreated: (created: EndpointWithSecret) => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EndpointForm>();
  const save = useMutation({
    mutationFn: async (v: EndpointForm) => {
      const body = {
        url: v.url.trim(),
        description: v.description?.trim() || undefined,
        eventTypes: v.eventTypes,
      };
      if (!endpoint) return unwrap<EndpointWithSecret>(api.POST('/api/v1/webhooks/endpoints', { body }));
      await unwrap(
        api.PATCH('/api/v1/webhooks/endpoints/{id}', { params: { path: { id: endpoint.id } }, body }),
      );
      return null;
    },
    onSuccess: (created) => (created ? onCreated(created) : onSaved()),
    onError: (e) => showFieldErrors(form, e),
  });
  return (
    <Modal
      open
      title={endpoint ? t('webhooks.editTitle') : t('webhooks.addTitle')}
      okText={endpoint ? t('webhooks.save') : t('webhooks.add')}
      cancelText={t('webhooks.cancel')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'webhook-save' } as Record<`data-${string}`, string>}
    >
      {save.isError && <ApiErrorAlert error={save.error} />}
      <Form<EndpointForm>
        form={form}
        layout="vertical"
        initialValues={{
          url: endpoint?.url ?? '',
          description: endpoint?.description ?? '',
          eventTypes: endpoint?.eventTypes ?? [],
        }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item
          name="url"
          label={t('webhooks.url')}
          rules={[{ required: true, whitespace: true, message: t('webhooks.urlRequired') }]}
        >
          <Input placeholder="https://crm.example.com/hooks/touchbase" data-testid="webhook-url" />
        </Form.Item>
        <Form.Item name="description" label={t('webhooks.description')}>
          <Input maxLength={200} data-testid="webhook-description" />
        </Form.Item>
        <Form.Item name="eventTypes" label={t('webhooks.eventTypes')} extra={t('webhooks.eventTypesHint')}>
          <Select<EventType[]>
            mode="multiple"
            allowClear
            placeholder={t('webhooks.allEvents')}
            aria-label={t('webhooks.eventTypes')}
            options={EVENT_TYPES.map((type) => ({
              value: type,
              label: `${t(`webhooks.types.${type}`)} (${type})`,
            }))}
            data-testid="webhook-event-types"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The signing secret, shown once after a create or a rotation, with a copy button. */
export function SecretModal({ secret, onClose }: { secret: string; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      open
      title={t('webhooks.secretTitle')}
      onCancel={onClose}
      onOk={onClose}
      okText={t('webhooks.close')}
      cancelButtonProps={{ style: { display: 'none' } }}
    >
      <Alert type="warning" showIcon message={t('webhooks.secretOnce')} style={{ marginBottom: 12 }} />
      <Typography.Paragraph
        copyable={{ text: secret, tooltips: [t('webhooks.secretTitle'), t('webhooks.secretCopied')] }}
        code
        style={{ wordBreak: 'break-all' }}
        data-testid="webhook-secret"
      >
        {secret}
      </Typography.Paragraph>
    </Modal>
  );
}
