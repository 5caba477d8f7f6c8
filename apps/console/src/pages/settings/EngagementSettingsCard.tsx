import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Form, InputNumber, Switch, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageLoading } from '../../components/PageLoading';
import { showFieldErrors } from './apiForm';

type EngagementSettings = Schemas['EngagementSettingsDto'];

const KEY = ['settings', 'engagement'];

/**
 * The workspace's engagement settings (GET/PUT /api/v1/settings/engagement): click and open tracking,
 * the outer switches, and the attribution window the reports use by default. Admins change them.
 */
export function EngagementSettingsCard() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { session } = useSession();
  const admin = session?.staff.role === 'admin';
  const queryClient = useQueryClient();
  const [form] = Form.useForm<EngagementSettings>();
  const settings = useQuery({
    queryKey: KEY,
    queryFn: () => unwrap<EngagementSettings>(api.GET('/api/v1/settings/engagement')),
  });
  useEffect(() => {
    if (settings.data) form.setFieldsValue(settings.data);
  }, [settings.data, form]);
  const clickTracking = Form.useWatch('clickTracking', form);
  const save = useMutation({
    mutationFn: (v: EngagementSettings) =>
      unwrap<EngagementSettings>(api.PUT('/api/v1/settings/engagement', { body: v })),
    onSuccess: (saved) => {
      queryClient.setQueryData(KEY, saved);
      void queryClient.invalidateQueries({ queryKey: ['reports'] });
      void message.success(t('engagementSettings.saved'));
    },
    onError: (e) => showFieldErrors(form, e),
  });

  return (
    <Card
      size="small"
      title={<h2 className="tb-card-title">{t('engagementSettings.title')}</h2>}
      style={{ marginTop: 16 }}
      data-testid="engagement-settings"
    >
      <Typography.Paragraph style={{ maxWidth: 900 }}>{t('engagementSettings.intro')}</Typography.Paragraph>
      {settings.isError ? (
        <ApiErrorAlert error={settings.error} onRetry={() => void settings.refetch()} />
      ) : settings.isPending ? (
        <PageLoading />
      ) : (
        <>
          {!admin && (
            <Alert
              type="info"
              showIcon
              title={t('engagementSettings.readOnly')}
              style={{ marginBottom: 12 }}
            />
          )}
          <Form<EngagementSettings>
            form={form}
            layout="vertical"
            disabled={!admin}
            initialValues={settings.data}
            onFinish={(v) => save.mutate(v)}
            style={{ maxWidth: 640 }}
          >
            {save.isError && (
              <div style={{ marginBottom: 12 }}>
                <ApiErrorAlert error={save.error} />
              </div>
            )}
            <Form.Item
              name="clickTracking"
              label={t('engagementSettings.clickTracking')}
              extra={t('engagementSettings.clickTrackingHint')}
              valuePropName="checked"
            >
              <Switch data-testid="engagement-click-tracking" />
            </Form.Item>
            <Form.Item
              name="openTracking"
              label={t('engagementSettings.openTracking')}
              extra={t('engagementSettings.openTrackingHint')}
              valuePropName="checked"
            >
              <Switch data-testid="engagement-open-tracking" disabled={!admin || clickTracking === false} />
            </Form.Item>
            <Form.Item
              name="attributionWindowDays"
              label={t('engagementSettings.attributionWindow')}
              extra={t('engagementSettings.attributionWindowHint')}
              rules={[
                {
                  required: true,
                  type: 'integer',
                  min: 1,
                  max: 365,
                  message: t('engagementSettings.range'),
                },
              ]}
            >
              <InputNumber step={1} precision={0} style={{ width: 160 }} />
            </Form.Item>
            {admin && (
              <Button type="primary" htmlType="submit" loading={save.isPending}>
                {t('engagementSettings.save')}
              </Button>
            )}
          </Form>
        </>
      )}
    </Card>
  );
}
