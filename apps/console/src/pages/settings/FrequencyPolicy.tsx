import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  InputNumber,
  Row,
  Segmented,
  Select,
  Space,
  Switch,
  TimePicker,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { CHANNELS, type Channel } from '../../api/types';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageLoading } from '../../components/PageLoading';
import { PageTitle } from '../../components/Shell';
import { showFieldErrors } from './apiForm';
import { SettingsBack } from './SettingsBack';

interface Cap {
  maxTouches: number;
  windowDays: number;
}
interface SendingWindow {
  start: string;
  end: string;
  businessDaysOnly: boolean;
}
const SUNSET_FREQUENCIES = ['weekly', 'twice-monthly', 'monthly', 'quarterly'] as const;
type SunsetFrequency = (typeof SUNSET_FREQUENCIES)[number];
interface Sunset {
  afterDays: number;
  frequency: SunsetFrequency;
}
/** GET/PUT /api/v1/frequency-policy. */
export interface Policy {
  overall: Cap[];
  perChannel: Record<Channel, Cap[]>;
  sendingWindows: Record<Channel, SendingWindow | null>;
  sunset?: Sunset | null;
}
/** Switched off, the sunset keeps the values last typed, for switching it back on. */
interface SunsetForm {
  enabled: boolean;
  afterDays: number;
  frequency: SunsetFrequency;
}
const SUNSET_DEFAULT: Sunset = { afterDays: 180, frequency: 'quarterly' };

/** The form's shape: a window is edited as a switch and two times. */
interface WindowForm {
  limited: boolean;
  start?: Dayjs | null;
  end?: Dayjs | null;
  businessDaysOnly: boolean;
}
interface PolicyForm {
  overall: Cap[];
  perChannel: Record<Channel, Cap[]>;
  sendingWindows: Record<Channel, WindowForm>;
  sunset: SunsetForm;
}

const time = (hhmm: string) => dayjs(`2000-01-01T${hhmm}`);

function toForm(p: Policy): PolicyForm {
  const windows = Object.fromEntries(
    CHANNELS.map((c) => {
      const w = p.sendingWindows[c];
      return [
        c,
        w
          ? { limited: true, start: time(w.start), end: time(w.end), businessDaysOnly: w.businessDaysOnly }
          : { limited: false, start: null, end: null, businessDaysOnly: false },
      ];
    }),
  ) as Record<Channel, WindowForm>;
  return {
    overall: p.overall,
    perChannel: p.perChannel,
    sendingWindows: windows,
    sunset: { enabled: !!p.sunset, ...(p.sunset ?? SUNSET_DEFAULT) },
  };
}

function fromForm(f: PolicyForm): Policy {
  const caps = (list: Cap[] | undefined) =>
    (list ?? []).map((c) => ({ maxTouches: c.maxTouches, windowDays: c.windowDays }));
  return {
    overall: caps(f.overall),
    perChannel: Object.fromEntries(CHANNELS.map((c) => [c, caps(f.perChannel[c])])) as Policy['perChannel'],
    sendingWindows: Object.fromEntries(
      CHANNELS.map((c) => {
        const w = f.sendingWindows[c];
        return [
          c,
          w.limited && w.start && w.end
            ? {
                start: w.start.format('HH:mm'),
                end: w.end.format('HH:mm'),
                businessDaysOnly: !!w.businessDaysOnly,
              }
            : null,
        ];
      }),
    ) as Policy['sendingWindows'],
    sunset: f.sunset.enabled ? { afterDays: f.sunset.afterDays, frequency: f.sunset.frequency } : null,
  };
}

export const POLICY_KEY = ['frequency-policy'];

/** Frequency caps over all channels and per channel, and each channel's sending window. */
export default function FrequencyPolicy() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const { session } = useSession();
  const admin = session?.staff.role === 'admin';
  const queryClient = useQueryClient();
  const [form] = Form.useForm<PolicyForm>();
  const policy = useQuery({
    queryKey: POLICY_KEY,
    queryFn: () => unwrap<Policy>(api.GET('/api/v1/frequency-policy')),
  });
  useEffect(() => {
    if (policy.data) form.setFieldsValue(toForm(policy.data));
  }, [policy.data, form]);
  const save = useMutation({
    mutationFn: (body: Policy) => unwrap<Policy>(api.PUT('/api/v1/frequency-policy', { body })),
    onSuccess: (saved) => {
      queryClient.setQueryData(POLICY_KEY, saved);
      void message.success(t('settingsAdmin.saved'));
    },
    onError: (e) => showFieldErrors(form, e),
  });

  return (
    <>
      <SettingsBack />
      <PageTitle>{t('settingsAdmin.policy.title')}</PageTitle>
      <Typography.Paragraph style={{ maxWidth: 900 }}>{t('settingsAdmin.policy.intro')}</Typography.Paragraph>
      {!admin && (
        <Alert type="info" showIcon title={t('settingsAdmin.readOnly')} style={{ marginBottom: 16 }} />
      )}
      {policy.isError ? (
        <ApiErrorAlert error={policy.error} onRetry={() => void policy.refetch()} />
      ) : policy.isPending ? (
        <PageLoading />
      ) : (
        <Form<PolicyForm>
          form={form}
          layout="vertical"
          disabled={!admin}
          initialValues={toForm(policy.data)}
          onFinish={(v) => save.mutate(fromForm(v))}
          onFinishFailed={() => void message.error(t('settingsAdmin.fieldError'))}
        >
          {save.isError && (
            <div style={{ marginBottom: 12 }}>
              <ApiErrorAlert error={save.error} />
            </div>
          )}
          <Row gutter={[16, 16]}>
            <Col xs={24}>
              <CapsCard
                name={['overall']}
                title={t('settingsAdmin.policy.overall')}
                hint={t('settingsAdmin.policy.overallHint')}
                empty={t('settingsAdmin.policy.noOverallCaps')}
                testId="caps-overall"
                editable={admin}
              />
            </Col>
            {CHANNELS.map((c) => (
              <Col xs={24} md={12} xxl={6} key={c}>
                <CapsCard
                  name={['perChannel', c]}
                  title={t('settingsAdmin.policy.perChannel', { channel: t(`channel.${c}`) })}
                  hint={t('settingsAdmin.policy.perChannelHint')}
                  empty={t('settingsAdmin.policy.noCaps')}
                  testId={`caps-${c}`}
                  editable={admin}
                />
              </Col>
            ))}
          </Row>
          <Typography.Title level={2} style={{ fontSize: 18, marginTop: 24 }}>
            {t('settingsAdmin.policy.windows')}
          </Typography.Title>
          <Typography.Paragraph type="secondary" style={{ maxWidth: 900 }}>
            {t('settingsAdmin.policy.windowsIntro')}
          </Typography.Paragraph>
          <Row gutter={[16, 16]}>
            {CHANNELS.map((c) => (
              <Col xs={24} md={12} xxl={6} key={c}>
                <WindowCard channel={c} />
              </Col>
            ))}
          </Row>
          <SunsetCard />
          {admin && (
            <div style={{ marginTop: 20 }}>
              <Button type="primary" htmlType="submit" loading={save.isPending}>
                {t('settingsAdmin.save')}
              </Button>
            </div>
          )}
        </Form>
      )}
    </>
  );
}

function CapsCard({
  name,
  title,
  hint,
  empty,
  testId,
  editable,
}: {
  editable: boolean;
  name: (string | number)[];
  title: string;
  hint: string;
  empty: string;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={title} style={{ height: '100%' }} data-testid={testId}>
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {hint}
      </Typography.Paragraph>
      <Form.List
        name={name}
        rules={[
          {
            validator: async (_, caps: Cap[] | undefined) => {
              if ((caps ?? []).length > 10) throw new Error(t('settingsAdmin.policy.tooManyCaps'));
            },
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.length === 0 && <Typography.Paragraph>{empty}</Typography.Paragraph>}
            {fields.map((field, i) => (
              <div key={field.key} role="group" aria-label={t('settingsAdmin.policy.capRow', { n: i + 1 })}>
                <Space align="start" wrap style={{ rowGap: 0 }}>
                  <Form.Item
                    name={[field.name, 'maxTouches']}
                    label={t('settingsAdmin.policy.maxTouches')}
                    rules={[
                      { required: true, message: t('settingsAdmin.policy.required') },
                      {
                        type: 'integer',
                        min: 1,
                        max: 1000,
                        message: t('settingsAdmin.policy.maxTouchesRange'),
                      },
                    ]}
                    style={{ marginBottom: 8 }}
                  >
                    <InputNumber precision={0} style={{ width: 110 }} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, 'windowDays']}
                    label={t('settingsAdmin.policy.windowDays')}
                    rules={[
                      { required: true, message: t('settingsAdmin.policy.required') },
                      {
                        type: 'integer',
                        min: 1,
                        max: 365,
                        message: t('settingsAdmin.policy.windowDaysRange'),
                      },
                    ]}
                    style={{ marginBottom: 8 }}
                  >
                    <InputNumber precision={0} style={{ width: 110 }} />
                  </Form.Item>
                  {editable && (
                    <Form.Item label=" " style={{ marginBottom: 8 }}>
                      <Button
                        icon={<DeleteOutlined />}
                        aria-label={`${t('settingsAdmin.policy.removeCap')} ${i + 1}`}
                        onClick={() => remove(field.name)}
                      />
                    </Form.Item>
                  )}
                </Space>
                <CapMeaning name={[...name, field.name]} />
              </div>
            ))}
            <Form.ErrorList errors={errors} />
            {editable && (
              <Button icon={<PlusOutlined />} onClick={() => add({ maxTouches: 1, windowDays: 30 })}>
                {t('settingsAdmin.policy.addCap')}
              </Button>
            )}
          </>
        )}
      </Form.List>
    </Card>
  );
}

/** "at most 2 touches in any 7 days": what the cap means, as it is typed. */
function CapMeaning({ name }: { name: (string | number)[] }) {
  const { t } = useTranslation();
  const cap = Form.useWatch(name) as Cap | undefined;
  if (!cap?.maxTouches || !cap.windowDays) return null;
  return (
    <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginBottom: 12 }}>
      {t('settingsAdmin.policy.capMeaning', { count: cap.maxTouches, days: cap.windowDays })}
    </Typography.Paragraph>
  );
}

function WindowCard({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  const w = Form.useWatch(['sendingWindows', channel]) as WindowForm | undefined;
  const meaning = !w?.limited
    ? t('settingsAdmin.policy.windowAny')
    : w.start && w.end
      ? t(
          w.businessDaysOnly
            ? 'settingsAdmin.policy.windowMeaningBusiness'
            : 'settingsAdmin.policy.windowMeaning',
          {
            start: w.start.format('HH:mm'),
            end: w.end.format('HH:mm'),
          },
        )
      : '';
  const label = t('settingsAdmin.policy.windowFor', { channel: t(`channel.${channel}`) });
  return (
    <Card size="small" title={label} style={{ height: '100%' }} data-testid={`window-${channel}`}>
      <Form.Item name={['sendingWindows', channel, 'limited']} style={{ marginBottom: 12 }}>
        <Segmented<boolean>
          aria-label={label}
          options={[
            { value: false, label: t('settingsAdmin.policy.anyTime') },
            { value: true, label: t('settingsAdmin.policy.limited') },
          ]}
        />
      </Form.Item>
      {w?.limited && (
        <>
          <Space wrap style={{ rowGap: 0 }}>
            <Form.Item
              name={['sendingWindows', channel, 'start']}
              label={t('settingsAdmin.policy.start')}
              rules={[{ required: true, message: t('settingsAdmin.policy.timeRequired') }]}
              style={{ marginBottom: 8 }}
            >
              <TimePicker format="HH:mm" minuteStep={5} needConfirm={false} style={{ width: 100 }} />
            </Form.Item>
            <Form.Item
              name={['sendingWindows', channel, 'end']}
              label={t('settingsAdmin.policy.end')}
              rules={[{ required: true, message: t('settingsAdmin.policy.timeRequired') }]}
              style={{ marginBottom: 8 }}
            >
              <TimePicker format="HH:mm" minuteStep={5} needConfirm={false} style={{ width: 100 }} />
            </Form.Item>
          </Space>
          <Form.Item
            name={['sendingWindows', channel, 'businessDaysOnly']}
            valuePropName="checked"
            style={{ marginBottom: 8 }}
          >
            <Checkbox>{t('settingsAdmin.policy.businessDaysOnly')}</Checkbox>
          </Form.Item>
        </>
      )}
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>
        {meaning}
      </Typography.Text>
    </Card>
  );
}

/** The sunset: lower caps for clients who have not engaged for a long time. */
function SunsetCard() {
  const { t } = useTranslation();
  const sunset = Form.useWatch(['sunset']) as SunsetForm | undefined;
  const frequencyName = (f: string) => t(`frequency.${f}`);
  return (
    <Card
      size="small"
      title={t('settingsAdmin.policy.sunset')}
      style={{ marginTop: 24, maxWidth: 900 }}
      data-testid="sunset"
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {t('settingsAdmin.policy.sunsetIntro')}
      </Typography.Paragraph>
      <Form.Item
        name={['sunset', 'enabled']}
        valuePropName="checked"
        label={t('settingsAdmin.policy.sunsetEnabled')}
        style={{ marginBottom: 12 }}
      >
        <Switch />
      </Form.Item>
      {sunset?.enabled && (
        <Space wrap align="start" style={{ rowGap: 0 }}>
          <Form.Item
            name={['sunset', 'afterDays']}
            label={t('settingsAdmin.policy.sunsetAfterDays')}
            rules={[
              { required: true, message: t('settingsAdmin.policy.required') },
              {
                type: 'integer',
                min: 30,
                max: 3650,
                message: t('settingsAdmin.policy.sunsetAfterDaysRange'),
              },
            ]}
            style={{ marginBottom: 8 }}
          >
            <InputNumber precision={0} style={{ width: 130 }} />
          </Form.Item>
          <Form.Item
            name={['sunset', 'frequency']}
            label={t('settingsAdmin.policy.sunsetFrequency')}
            style={{ marginBottom: 8 }}
          >
            <Select
              style={{ width: 260 }}
              options={SUNSET_FREQUENCIES.map((f) => ({ value: f, label: frequencyName(f) }))}
            />
          </Form.Item>
        </Space>
      )}
      <Typography.Paragraph
        type="secondary"
        style={{ fontSize: 13, marginBottom: 0 }}
        data-testid="sunset-meaning"
      >
        {sunset?.enabled && sunset.afterDays
          ? t('settingsAdmin.policy.sunsetMeaning', {
              days: sunset.afterDays,
              frequency: frequencyName(sunset.frequency),
            })
          : t('settingsAdmin.policy.sunsetOff')}
      </Typography.Paragraph>
    </Card>
  );
}
