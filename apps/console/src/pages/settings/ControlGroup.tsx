import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Checkbox, Form, InputNumber, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageLoading } from '../../components/PageLoading';
import { formatNumber } from '../../format';
import { HoldoutResult } from '../campaigns/HoldoutResult';
import { showFieldErrors } from './apiForm';

type ControlGroup = Schemas['ControlGroupDto'];
type ControlGroupForm = { share: number; includeCeoLetters: boolean };

const KEY = ['control-group'];

/** The workspace's control group (GET/PUT /api/v1/control-group): its share, CEO letters, members. */
export function ControlGroupCard() {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const { session } = useSession();
  const admin = session?.staff.role === 'admin';
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ControlGroupForm>();
  const group = useQuery({
    queryKey: KEY,
    queryFn: () => unwrap<ControlGroup>(api.GET('/api/v1/control-group')),
  });
  const toForm = (g: ControlGroup): ControlGroupForm => ({
    share: Math.round(g.share * 1000) / 10,
    includeCeoLetters: g.includeCeoLetters,
  });
  useEffect(() => {
    if (group.data) form.setFieldsValue(toForm(group.data));
  }, [group.data, form]);
  const save = useMutation({
    mutationFn: (v: ControlGroupForm) =>
      unwrap<ControlGroup>(
        api.PUT('/api/v1/control-group', {
          body: { share: Math.round((v.share ?? 0) * 10) / 1000, includeCeoLetters: v.includeCeoLetters },
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(KEY, saved);
      void queryClient.invalidateQueries({ queryKey: ['reports', 'holdout'] });
      void message.success(t('holdouts.control.saved'));
    },
    onError: (e) => showFieldErrors(form, e),
  });

  return (
    <Card
      size="small"
      title={<h2 className="tb-card-title">{t('holdouts.control.title')}</h2>}
      style={{ marginTop: 16 }}
      data-testid="control-group"
    >
      <Typography.Paragraph style={{ maxWidth: 900 }}>{t('holdouts.control.intro')}</Typography.Paragraph>
      {group.isError ? (
        <ApiErrorAlert error={group.error} onRetry={() => void group.refetch()} />
      ) : group.isPending ? (
        <PageLoading />
      ) : (
        <>
          {!admin && (
            <Alert type="info" showIcon title={t('holdouts.control.readOnly')} style={{ marginBottom: 12 }} />
          )}
          <Form<ControlGroupForm>
            form={form}
            layout="vertical"
            disabled={!admin}
            initialValues={toForm(group.data)}
            onFinish={(v) => save.mutate(v)}
          >
            {save.isError && (
              <div style={{ marginBottom: 12 }}>
                <ApiErrorAlert error={save.error} />
              </div>
            )}
            <Form.Item
              name="share"
              label={t('holdouts.control.share')}
              extra={t('holdouts.control.shareHint')}
              rules={[
                { required: true, type: 'number', min: 0, max: 20, message: t('holdouts.control.range') },
              ]}
            >
              <InputNumber min={0} max={20} step={1} precision={1} suffix="%" style={{ width: 160 }} />
            </Form.Item>
            <Form.Item name="includeCeoLetters" valuePropName="checked">
              <Checkbox>{t('holdouts.control.includeCeoLetters')}</Checkbox>
            </Form.Item>
            <Typography.Paragraph data-testid="control-group-members">
              {group.data.share > 0
                ? t('holdouts.control.members', {
                    members: formatNumber(group.data.members, i18n.language),
                    clients: formatNumber(group.data.clients, i18n.language),
                  })
                : t('holdouts.control.off')}
            </Typography.Paragraph>
            {admin && (
              <Button type="primary" htmlType="submit" loading={save.isPending}>
                {t('holdouts.control.save')}
              </Button>
            )}
          </Form>
          {group.data.share > 0 && (
            <div style={{ marginTop: 16 }}>
              <HoldoutResult />
            </div>
          )}
        </>
      )}
    </Card>
  );
}
