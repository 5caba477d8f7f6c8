import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Col, Form, InputNumber, Row, Select, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageLoading } from '../../components/PageLoading';
import { PageTitle } from '../../components/Shell';
import { showFieldErrors } from './apiForm';
import { SettingsBack } from './SettingsBack';

/** GET/PUT /api/v1/classification/settings. */
interface Settings {
  windowMonths: number;
  aShare: number;
  bShare: number;
  lapsedDays: number;
  vipRule: { type: 'top-n'; n: number } | { type: 'min-revenue'; amount: number } | null;
  keyRule: { minRevenuePerQuarter: number } | null;
}
/** Shares are edited as percentages; each rule as a kind and its number. */
interface SettingsForm {
  windowMonths: number;
  aShare: number;
  bShare: number;
  lapsedDays: number;
  vipKind: 'none' | 'top-n' | 'min-revenue';
  vipN?: number;
  vipAmount?: number;
  keyKind: 'category' | 'revenue';
  keyAmount?: number;
}

const KEY = ['classification', 'settings'];
const pct = (share: number) => Math.round(share * 10000) / 100;

function toForm(s: Settings): SettingsForm {
  return {
    windowMonths: s.windowMonths,
    aShare: pct(s.aShare),
    bShare: pct(s.bShare),
    lapsedDays: s.lapsedDays,
    vipKind: s.vipRule?.type ?? 'none',
    vipN: s.vipRule?.type === 'top-n' ? s.vipRule.n : undefined,
    vipAmount: s.vipRule?.type === 'min-revenue' ? s.vipRule.amount : undefined,
    keyKind: s.keyRule ? 'revenue' : 'category',
    keyAmount: s.keyRule?.minRevenuePerQuarter,
  };
}

function fromForm(f: SettingsForm): Settings {
  return {
    windowMonths: f.windowMonths,
    aShare: f.aShare / 100,
    bShare: f.bShare / 100,
    lapsedDays: f.lapsedDays,
    vipRule:
      f.vipKind === 'top-n'
        ? { type: 'top-n', n: f.vipN ?? 1 }
        : f.vipKind === 'min-revenue'
          ? { type: 'min-revenue', amount: f.vipAmount ?? 0 }
          : null,
    keyRule: f.keyKind === 'revenue' ? { minRevenuePerQuarter: f.keyAmount ?? 0 } : null,
  };
}

/** How clients get their category (A/B/C, VIP), when they count as key and when as lapsed. */
export default function Classification() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { session } = useSession();
  const admin = session?.staff.role === 'admin';
  const queryClient = useQueryClient();
  const [form] = Form.useForm<SettingsForm>();
  const settings = useQuery({
    queryKey: KEY,
    queryFn: () => unwrap<Settings>(api.GET('/api/v1/classification/settings')),
  });
  useEffect(() => {
    if (settings.data) form.setFieldsValue(toForm(settings.data));
  }, [settings.data, form]);
  const save = useMutation({
    mutationFn: (body: Settings) =>
      unwrap<Settings>(api.PUT('/api/v1/classification/settings', { body: body as never })),
    onSuccess: (saved) => {
      queryClient.setQueryData(KEY, saved);
      void message.success(t('settingsAdmin.saved'));
    },
    onError: (e) => showFieldErrors(form, e),
  });
  const vipKind = Form.useWatch('vipKind', form);
  const keyKind = Form.useWatch('keyKind', form);
  const aShare = Form.useWatch('aShare', form);
  const tx = (key: string, values?: Record<string, unknown>) =>
    t(`settingsAdmin.classification.${key}`, values);
  const range = (min: number, max: number) => ({
    type: 'number' as const,
    min,
    max,
    message: tx('range', { min, max }),
  });
  const required = { required: true, message: tx('required') };

  return (
    <>
      <SettingsBack />
      <PageTitle>{tx('title')}</PageTitle>
      <Typography.Paragraph style={{ maxWidth: 900 }}>{tx('intro')}</Typography.Paragraph>
      {!admin && (
        <Alert type="info" showIcon title={t('settingsAdmin.readOnly')} style={{ marginBottom: 16 }} />
      )}
      {settings.isError ? (
        <ApiErrorAlert error={settings.error} onRetry={() => void settings.refetch()} />
      ) : settings.isPending ? (
        <PageLoading />
      ) : (
        <Form<SettingsForm>
          form={form}
          layout="vertical"
          disabled={!admin}
          initialValues={toForm(settings.data)}
          onFinish={(v) => save.mutate(fromForm(v))}
        >
          {save.isError && (
            <div style={{ marginBottom: 12 }}>
              <ApiErrorAlert error={save.error} />
            </div>
          )}
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <Card size="small" title={tx('categories')} style={{ height: '100%' }}>
                <Form.Item
                  label={tx('windowMonths')}
                  name="windowMonths"
                  extra={tx('windowMonthsHint')}
                  rules={[required, range(1, 120)]}
                >
                  <InputNumber precision={0} style={{ width: 120 }} />
                </Form.Item>
                <Form.Item
                  label={tx('aShare')}
                  name="aShare"
                  extra={tx('aShareHint')}
                  rules={[required, range(1, 99)]}
                >
                  <InputNumber step={1} suffix="%" style={{ width: 140 }} />
                </Form.Item>
                <Form.Item
                  label={tx('bShare')}
                  name="bShare"
                  extra={tx('bShareHint', { a: aShare ?? 0 })}
                  dependencies={['aShare']}
                  rules={[
                    required,
                    range(0, 98),
                    ({ getFieldValue }) => ({
                      validator: async (_, b: number | null) => {
                        if (b !== null && b !== undefined && Number(getFieldValue('aShare')) + b >= 100)
                          throw new Error(tx('sharesSum'));
                      },
                    }),
                  ]}
                >
                  <InputNumber step={1} suffix="%" style={{ width: 140 }} />
                </Form.Item>
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={tx('vip')} style={{ marginBottom: 16 }}>
                <Form.Item label={tx('vipRule')} name="vipKind" extra={tx(`vipHint.${vipKind ?? 'none'}`)}>
                  <Select
                    style={{ maxWidth: 320 }}
                    options={(['none', 'top-n', 'min-revenue'] as const).map((k) => ({
                      value: k,
                      label: tx(`vipKind.${k}`),
                    }))}
                  />
                </Form.Item>
                {vipKind === 'top-n' && (
                  <Form.Item label={tx('vipN')} name="vipN" rules={[required, range(1, 1_000_000)]}>
                    <InputNumber precision={0} style={{ width: 140 }} />
                  </Form.Item>
                )}
                {vipKind === 'min-revenue' && (
                  <Form.Item label={tx('vipAmount')} name="vipAmount" rules={[required, range(0, 1e12)]}>
                    <InputNumber precision={0} style={{ width: 200 }} />
                  </Form.Item>
                )}
              </Card>
              <Card size="small" title={tx('stages')}>
                <Form.Item
                  label={tx('keyRule')}
                  name="keyKind"
                  extra={tx(`keyHint.${keyKind ?? 'category'}`)}
                >
                  <Select
                    style={{ maxWidth: 320 }}
                    options={(['category', 'revenue'] as const).map((k) => ({
                      value: k,
                      label: tx(`keyKind.${k}`),
                    }))}
                  />
                </Form.Item>
                {keyKind === 'revenue' && (
                  <Form.Item label={tx('keyAmount')} name="keyAmount" rules={[required, range(0, 1e12)]}>
                    <InputNumber precision={0} style={{ width: 200 }} />
                  </Form.Item>
                )}
                <Form.Item
                  label={tx('lapsedDays')}
                  name="lapsedDays"
                  extra={tx('lapsedDaysHint')}
                  rules={[required, range(1, 3650)]}
                >
                  <InputNumber precision={0} style={{ width: 120 }} />
                </Form.Item>
              </Card>
            </Col>
          </Row>
          <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
            {tx('whenApplied')}
          </Typography.Paragraph>
          {admin && (
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              {t('settingsAdmin.save')}
            </Button>
          )}
        </Form>
      )}
    </>
  );
}
