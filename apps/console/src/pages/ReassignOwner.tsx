import { useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Form, Modal, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { useOwners } from './ClientEditor';

/** The select's value for "no owner" (a required select cannot hold '' or null). */
const NONE = 'none';

/** Which clients move: a selection, or every client one owner has. */
export type ReassignTarget = { clientIds: string[] } | { fromOwner: { id: string; name: string } };

/** Hands clients over to another owner; their open call tasks follow them (the API does it). */
export function ReassignOwnerModal({
  target,
  onClose,
  onDone,
}: {
  target: ReassignTarget | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const owners = useOwners();
  const [form] = Form.useForm<{ toOwnerId: string }>();
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  // The last target, kept while the dialog closes (its title must not go blank mid-animation).
  const [shown, setShown] = useState<ReassignTarget | null>(target);
  if (target !== null && target !== shown) setShown(target);
  const all = shown !== null && 'fromOwner' in shown;

  const submit = async ({ toOwnerId }: { toOwnerId: string }) => {
    if (!target) return;
    setSaving(true);
    setError(null);
    try {
      const result = await unwrap<{ clients: number }>(
        api.POST('/api/v1/clients/reassign-owner', {
          body: {
            toOwnerId: toOwnerId === NONE ? null : toOwnerId,
            ...('fromOwner' in target
              ? { fromOwnerId: target.fromOwner.id }
              : { clientIds: target.clientIds }),
          },
        }),
      );
      void queryClient.invalidateQueries({ queryKey: ['clients'] });
      void queryClient.invalidateQueries({ queryKey: ['client'] });
      void message.success(t('clientBase.reassign.done', { count: result.clients }));
      form.resetFields();
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={target !== null}
      title={
        shown === null
          ? ''
          : 'fromOwner' in shown
            ? t('clientBase.reassign.titleAll', { name: shown.fromOwner.name })
            : t('clientBase.reassign.titleSelected', { count: shown.clientIds.length })
      }
      okText={t('clientBase.reassign.submit')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      <Typography.Paragraph>
        {all ? t('clientBase.reassign.allText') : t('clientBase.reassign.selectedText')}
      </Typography.Paragraph>
      {error ? <ApiErrorAlert error={error} /> : null}
      <Form form={form} name="reassign-owner" layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item
          name="toOwnerId"
          label={t('clientBase.reassign.to')}
          rules={[{ required: true, message: t('clientBase.reassign.toRequired') }]}
        >
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={owners.isPending}
            options={[
              { value: NONE, label: t('clientBase.noOwner') },
              ...(owners.data?.items ?? [])
                .filter((s) => !(shown && 'fromOwner' in shown && shown.fromOwner.id === s.id))
                .map((s) => ({ value: s.id, label: s.name })),
            ]}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
