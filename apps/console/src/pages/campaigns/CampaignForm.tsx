import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Radio,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Steps,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, unwrap } from '../../api/client';
import { CATEGORIES, CHANNELS, type Category, type Channel } from '../../api/types';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { TAG } from '../../components/colours';
import { PageLoading } from '../../components/PageLoading';
import { PageTitle } from '../../components/Shell';
import { canHoldOut, HoldoutField, holdoutFromForm, holdoutToForm } from './HoldoutField';
import {
  KINDS,
  PRIORITIES,
  fieldPath,
  formatLocal,
  scheduleWords,
  signerName,
  topicName,
  useCanWrite,
  useSegments,
  useSigners,
  useTemplates,
  useTopics,
  type Campaign,
  type CampaignBody,
  type CampaignKind,
  type Priority,
  type SchedulePreview,
} from './shared';

type ScheduleType = 'monthly' | 'quarterly' | 'once' | 'rrule';

interface FormValues {
  name: string;
  description?: string;
  kind: CampaignKind;
  segmentId: string;
  topicKey?: string;
  channels: Channel[];
  channelRules: { categories: Category[]; channels: Channel[] }[];
  templates: Partial<Record<Channel, string>>;
  signerId?: string;
  fromAddress?: string;
  priority: Priority;
  schedule: {
    type: ScheduleType;
    day?: number;
    time?: string;
    at?: string;
    rrule?: string;
    dtstart?: string;
  };
  timeZone?: string;
  deadlineHours: number;
  graceHours: number;
  requiresEdition: boolean;
  clickTracking: boolean;
  /** In percent (the API takes a fraction). */
  holdoutShare: number;
  openTracking: boolean;
}

const WHOLE_BASE = '';
const CEO_TOPIC = 'company-letters';
const SERVICE_TOPIC = 'service';

/** Which step of the wizard holds a field (to show the step of the first error). */
const STEP_OF: Record<string, number> = {
  name: 0,
  description: 0,
  kind: 0,
  segmentId: 0,
  topicKey: 0,
  channels: 1,
  channelRules: 1,
  templates: 1,
  signerId: 1,
  fromAddress: 1,
  priority: 2,
  schedule: 2,
  timeZone: 2,
  deadlineHours: 2,
  graceHours: 2,
  requiresEdition: 2,
  clickTracking: 1,
  holdoutShare: 2,
  openTracking: 1,
};

const RRULE_EXAMPLES = [
  { key: 'weekly', rrule: 'FREQ=WEEKLY;BYDAY=MO' },
  { key: 'biweekly', rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU' },
  { key: 'lastFriday', rrule: 'FREQ=MONTHLY;BYDAY=-1FR' },
  { key: 'firstWorkday', rrule: 'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1' },
] as const;

function toSchedule(s: FormValues['schedule']): CampaignBody['schedule'] {
  switch (s.type) {
    case 'monthly':
      return { type: 'monthly', day: s.day, time: s.time };
    case 'quarterly':
      return { type: 'quarterly', time: s.time };
    case 'once':
      return { type: 'once', at: s.at };
    default:
      return { type: 'rrule', rrule: s.rrule?.trim(), dtstart: s.dtstart };
  }
}

function fromCampaign(c: Campaign): FormValues {
  const s = c.schedule as Record<string, string | number | undefined>;
  return {
    name: c.name,
    description: c.description,
    kind: c.kind,
    segmentId: c.segmentId ?? WHOLE_BASE,
    topicKey: c.topicKey,
    channels: c.channels,
    channelRules: c.channelRules,
    templates: c.templates as FormValues['templates'],
    signerId: c.signerId ?? undefined,
    fromAddress: c.fromAddress ?? undefined,
    priority: c.priority,
    schedule: {
      type: s.type as ScheduleType,
      day: s.day as number | undefined,
      time: s.time as string | undefined,
      at: typeof s.at === 'string' ? s.at.slice(0, 16) : undefined,
      rrule: s.rrule as string | undefined,
      dtstart: s.dtstart as string | undefined,
    },
    timeZone: c.timeZone,
    deadlineHours: c.deadlineHours,
    graceHours: c.graceHours,
    requiresEdition: c.requiresEdition,
    clickTracking: c.clickTracking,
    holdoutShare: holdoutToForm(c.holdoutShare),
    openTracking: c.openTracking,
  };
}

const DEFAULTS: Partial<FormValues> = {
  kind: 'broadcast',
  segmentId: WHOLE_BASE,
  channels: ['email'],
  channelRules: [],
  templates: {},
  priority: 'normal',
  schedule: { type: 'monthly', day: 1, time: '10:00' },
  deadlineHours: 72,
  graceHours: 24,
  requiresEdition: false,
  clickTracking: true,
  holdoutShare: 0,
  openTracking: false,
};

/** /campaigns/new and /campaigns/:id/edit: the same form, in steps. */
export default function CampaignForm() {
  const { id } = useParams();
  const { t } = useTranslation();
  const canWrite = useCanWrite();
  const campaign = useQuery({
    queryKey: ['campaigns', id],
    queryFn: () => unwrap<Campaign>(api.GET('/api/v1/campaigns/{id}', { params: { path: { id: id! } } })),
    enabled: Boolean(id),
  });
  if (!canWrite) return <Result status="403" title={t('errors.forbidden')} />;
  if (!id) return <CampaignFormBody />;
  if (campaign.isError)
    return <ApiErrorAlert error={campaign.error} onRetry={() => void campaign.refetch()} />;
  if (!campaign.data) return <PageLoading />;
  return <CampaignFormBody campaign={campaign.data} />;
}

function CampaignFormBody({ campaign }: { campaign?: Campaign }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<FormValues>();
  const [step, setStep] = useState(0);
  const [stepErrors, setStepErrors] = useState<number[]>([]);
  const editing = Boolean(campaign);
  const initial = useMemo(() => (campaign ? fromCampaign(campaign) : DEFAULTS), [campaign]);

  const topics = useTopics();
  const segments = useSegments();
  const templates = useTemplates();
  const signers = useSigners();

  const kind = Form.useWatch('kind', form) ?? initial.kind;
  const channels = Form.useWatch('channels', form) ?? [];
  const rules = Form.useWatch('channelRules', form) ?? [];
  const priority = Form.useWatch('priority', form) ?? initial.priority;
  const schedule = Form.useWatch('schedule', form);
  const timeZone = Form.useWatch('timeZone', form);
  const used = CHANNELS.filter((ch) => channels.includes(ch) || rules.some((r) => r?.channels?.includes(ch)));
  const needsSigner = kind === 'ceo-letter' || used.includes('letter');

  // The kind fixes some fields: a CEO letter is must-send about company letters, a service one is about service.
  useEffect(() => {
    if (kind === 'ceo-letter') form.setFieldsValue({ priority: 'must-send', topicKey: CEO_TOPIC });
    else if (kind === 'service') form.setFieldsValue({ topicKey: SERVICE_TOPIC });
    else if (
      form.getFieldValue('topicKey') === CEO_TOPIC ||
      form.getFieldValue('topicKey') === SERVICE_TOPIC
    ) {
      form.setFieldsValue({ topicKey: undefined });
    }
  }, [kind, form]);

  const save = useMutation({
    mutationFn: (body: CampaignBody) =>
      campaign
        ? unwrap<Campaign>(
            api.PATCH('/api/v1/campaigns/{id}', { params: { path: { id: campaign.id } }, body }),
          )
        : unwrap<Campaign>(api.POST('/api/v1/campaigns', { body })),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['campaigns'] });
      void queryClient.invalidateQueries({ queryKey: ['calendar'] });
      void message.success(
        t(editing ? 'campaigns.form.saved' : 'campaigns.form.created', { name: saved.name }),
      );
      navigate(`/campaigns/${saved.id}`);
    },
    onError: (error) => {
      if (!(error instanceof ApiError)) return;
      const details = error.body.details ?? [];
      form.setFields(details.map((d) => ({ name: fieldPath(d.field) as never, errors: d.messages })));
      const steps = [...new Set(details.map((d) => STEP_OF[String(fieldPath(d.field)[0])] ?? 3))].sort();
      setStepErrors(steps);
      if (steps.length) setStep(steps[0]);
    },
  });

  const submit = (v: FormValues) => {
    const usedNow = CHANNELS.filter(
      (ch) => v.channels.includes(ch) || v.channelRules.some((r) => r.channels?.includes(ch)),
    );
    const body: CampaignBody = {
      name: v.name,
      description: v.description ?? '',
      kind: v.kind,
      segmentId: v.segmentId === WHOLE_BASE ? null : v.segmentId,
      topicKey: v.topicKey,
      channels: v.channels,
      channelRules: v.channelRules.map((r) => ({
        categories: r.categories ?? [],
        channels: r.channels ?? [],
      })),
      templates: Object.fromEntries(
        usedNow.filter((ch) => v.templates?.[ch]).map((ch) => [ch, v.templates[ch] as string]),
      ),
      priority: v.priority,
      schedule: toSchedule(v.schedule),
      deadlineHours: v.deadlineHours,
      graceHours: v.graceHours,
      requiresEdition: v.requiresEdition,
      clickTracking: v.clickTracking,
      holdoutShare: canHoldOut(v.kind, v.priority) ? holdoutFromForm(v.holdoutShare) : 0,
      openTracking: v.openTracking,
      signerId: v.kind === 'ceo-letter' || usedNow.includes('letter') ? (v.signerId ?? null) : null,
      fromAddress: usedNow.includes('email') ? v.fromAddress?.trim() || null : null,
    };
    if (v.timeZone?.trim()) body.timeZone = v.timeZone.trim();
    setStepErrors([]);
    save.mutate(body);
  };

  const templateOptions = (channel: Channel) => {
    const names = new Map<string, string[]>();
    for (const tpl of templates.data?.items ?? []) {
      if (tpl.channel !== channel) continue;
      names.set(tpl.name, [...(names.get(tpl.name) ?? []), tpl.locale]);
    }
    return [...names.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, locales]) => ({ value: name, label: name, locales: locales.sort() }));
  };

  const STEPS = [
    t('campaigns.form.stepBasics'),
    t('campaigns.form.stepChannels'),
    t('campaigns.form.stepTiming'),
    t('campaigns.form.stepReview'),
  ];
  const show = (n: number) => ({ display: step === n ? undefined : 'none' });

  const next = async () => {
    const fields: Record<number, (string | (string | number)[])[]> = {
      0: ['name', 'kind', 'topicKey'],
      1: ['channels'],
      2: [['schedule', 'type'], 'deadlineHours', 'graceHours'],
    };
    try {
      await form.validateFields(fields[step] ?? []);
      setStep((s) => Math.min(s + 1, 3));
    } catch {
      /* the fields show what is missing */
    }
  };

  return (
    <>
      <PageTitle>
        {campaign ? t('campaigns.form.editTitle', { name: campaign.name }) : t('campaigns.form.newTitle')}
      </PageTitle>
      <Steps
        size="small"
        current={step}
        onChange={setStep}
        style={{ marginBottom: 16 }}
        items={STEPS.map((title, i) => ({
          title,
          status: stepErrors.includes(i) ? 'error' : undefined,
        }))}
      />
      {save.isError && (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={save.error} />
        </div>
      )}
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={submit}
        onFinishFailed={({ errorFields }) => {
          const steps = [...new Set(errorFields.map((f) => STEP_OF[String(f.name[0])] ?? 3))].sort();
          setStepErrors(steps);
          if (steps.length) setStep(steps[0]);
        }}
        scrollToFirstError={false}
        style={{ maxWidth: 960 }}
      >
        {/* Step 1: what and to whom */}
        <section style={show(0)} aria-label={STEPS[0]}>
          <Row gutter={16}>
            <Col xs={24} md={14}>
              <Form.Item
                name="name"
                label={t('campaigns.name')}
                rules={[{ required: true, whitespace: true, message: t('campaigns.form.nameRequired') }]}
              >
                <Input maxLength={200} />
              </Form.Item>
            </Col>
            <Col xs={24} md={10}>
              <Form.Item name="kind" label={t('campaigns.kind')} rules={[{ required: true }]}>
                <Select options={KINDS.map((k) => ({ value: k, label: t(`campaignKind.${k}`) }))} />
              </Form.Item>
            </Col>
          </Row>
          <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
            {t(`campaigns.form.kindHint.${kind}`)}
          </Typography.Paragraph>
          <Form.Item name="description" label={t('campaigns.form.description')}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Form.Item
                name="segmentId"
                label={t('campaigns.segment')}
                extra={t('campaigns.form.segmentHint')}
              >
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  loading={segments.isPending}
                  options={[
                    { value: WHOLE_BASE, label: t('campaigns.wholeBase') },
                    ...(segments.data?.items ?? []).map((s) => ({ value: s.id, label: s.name })),
                  ]}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="topicKey"
                label={t('campaigns.topic')}
                extra={
                  kind === 'ceo-letter' || kind === 'service' ? t('campaigns.form.topicFixed') : undefined
                }
                rules={[{ required: true, message: t('campaigns.form.topicRequired') }]}
              >
                <Select
                  disabled={kind === 'ceo-letter' || kind === 'service'}
                  loading={topics.isPending}
                  showSearch={{ optionFilterProp: 'label' }}
                  options={(topics.data?.items ?? [])
                    .filter((tp) =>
                      kind === 'ceo-letter' || kind === 'service' ? true : tp.key !== SERVICE_TOPIC,
                    )
                    .map((tp) => ({ value: tp.key, label: topicName(tp, tp.key, i18n.language) }))}
                />
              </Form.Item>
            </Col>
          </Row>
        </section>

        {/* Step 2: channels, category rules, templates, sender */}
        <section style={show(1)} aria-label={STEPS[1]}>
          <Form.Item
            name="channels"
            label={t('campaigns.channels')}
            extra={t('campaigns.form.channelsHint')}
            rules={[{ required: true, type: 'array', min: 1, message: t('campaigns.form.channelsRequired') }]}
          >
            <Select
              mode="multiple"
              options={CHANNELS.map((ch) => ({ value: ch, label: t(`channel.${ch}`) }))}
            />
          </Form.Item>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('campaigns.form.rulesTitle')}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('campaigns.form.rulesHint')}</Typography.Paragraph>
          <Form.List name="channelRules">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field, i) => (
                  <Card size="small" key={field.key} style={{ marginBottom: 8 }}>
                    <Row gutter={12} align="bottom">
                      <Col xs={24} md={10}>
                        <Form.Item
                          name={[field.name, 'categories']}
                          label={t('campaigns.form.ruleCategories', { n: i + 1 })}
                          rules={[
                            { required: true, type: 'array', min: 1, message: t('campaigns.form.required') },
                          ]}
                        >
                          <Select
                            mode="multiple"
                            options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
                          />
                        </Form.Item>
                      </Col>
                      <Col xs={24} md={10}>
                        <Form.Item
                          name={[field.name, 'channels']}
                          label={t('campaigns.form.ruleChannels', { n: i + 1 })}
                          rules={[
                            { required: true, type: 'array', min: 1, message: t('campaigns.form.required') },
                          ]}
                        >
                          <Select
                            mode="multiple"
                            options={CHANNELS.map((ch) => ({ value: ch, label: t(`channel.${ch}`) }))}
                          />
                        </Form.Item>
                      </Col>
                      <Col xs={24} md={4}>
                        <Form.Item>
                          <Button onClick={() => remove(field.name)} danger>
                            {t('campaigns.form.removeRule')}
                          </Button>
                        </Form.Item>
                      </Col>
                    </Row>
                  </Card>
                ))}
                <Button onClick={() => add({ categories: [], channels: [] })} style={{ marginBottom: 16 }}>
                  {t('campaigns.form.addRule')}
                </Button>
              </>
            )}
          </Form.List>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('campaigns.form.templatesTitle')}
          </Typography.Title>
          <Typography.Paragraph type="secondary">{t('campaigns.form.templatesHint')}</Typography.Paragraph>
          {used.length === 0 && (
            <Typography.Text type="secondary">{t('campaigns.form.noChannels')}</Typography.Text>
          )}
          <Row gutter={16}>
            {used.map((ch) => (
              <Col xs={24} md={12} key={ch}>
                <TemplateField
                  channel={ch}
                  options={templateOptions(ch)}
                  loading={templates.isPending}
                  label={t('campaigns.form.templateFor', { channel: t(`channel.${ch}`) })}
                />
              </Col>
            ))}
          </Row>
          <Row gutter={16}>
            {needsSigner && (
              <Col xs={24} md={12}>
                <Form.Item
                  name="signerId"
                  label={t('campaigns.signer')}
                  extra={t('campaigns.form.signerHint')}
                  rules={
                    kind === 'ceo-letter'
                      ? [{ required: true, message: t('campaigns.form.signerRequired') }]
                      : []
                  }
                >
                  <Select
                    allowClear
                    loading={signers.isPending}
                    options={(signers.data?.items ?? []).map((s) => ({
                      value: s.id,
                      label: `${signerName(s, i18n.language)}${s.hasSignature ? '' : ` (${t('campaigns.form.noSignature')})`}`,
                    }))}
                  />
                </Form.Item>
              </Col>
            )}
            {used.includes('email') && (
              <Col xs={24} md={12}>
                <Form.Item
                  name="fromAddress"
                  label={t('campaigns.form.fromAddress')}
                  extra={t('campaigns.form.fromAddressHint')}
                  rules={[{ type: 'email', message: t('campaigns.form.emailInvalid') }]}
                >
                  <Input type="email" maxLength={320} />
                </Form.Item>
              </Col>
            )}
          </Row>
          <Form.Item
            name="clickTracking"
            valuePropName="checked"
            extra={t('campaigns.form.clickTrackingHint')}
          >
            <Checkbox>{t('campaigns.form.clickTracking')}</Checkbox>
          </Form.Item>
          <Form.Item name="openTracking" valuePropName="checked" extra={t('engagement.openTrackingHint')}>
            <Checkbox>{t('engagement.openTracking')}</Checkbox>
          </Form.Item>
        </section>

        {/* Step 3: priority and time */}
        <section style={show(2)} aria-label={STEPS[2]}>
          <Form.Item name="priority" label={t('campaigns.priorityLabel')}>
            <Radio.Group
              disabled={kind === 'ceo-letter'}
              optionType="button"
              options={PRIORITIES.map((p) => ({ value: p, label: t(`campaigns.priority.${p}`) }))}
            />
          </Form.Item>
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={t('campaigns.form.capsTitle')}
            description={
              kind === 'service' ? t('campaigns.form.capsService') : t(`campaigns.form.caps.${priority}`)
            }
          />
          <HoldoutField kind={kind} priority={priority} />
          <ScheduleFields schedule={schedule} timeZone={timeZone} />
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Form.Item
                name="deadlineHours"
                label={t('campaigns.form.deadline')}
                extra={t('campaigns.form.deadlineHint')}
                rules={[
                  {
                    required: true,
                    type: 'integer',
                    min: 1,
                    max: 2160,
                    message: t('campaigns.form.deadlineRange'),
                  },
                ]}
              >
                <InputNumber
                  min={1}
                  max={2160}
                  style={{ width: '100%' }}
                  suffix={t('campaigns.form.hours')}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name="graceHours"
                label={t('campaigns.form.grace')}
                extra={t('campaigns.form.graceHint')}
                rules={[
                  {
                    required: true,
                    type: 'integer',
                    min: 0,
                    max: 720,
                    message: t('campaigns.form.graceRange'),
                  },
                ]}
              >
                <InputNumber min={0} max={720} style={{ width: '100%' }} suffix={t('campaigns.form.hours')} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item
                name="timeZone"
                label={t('campaigns.form.timeZone')}
                extra={t('campaigns.form.timeZoneHint')}
              >
                <Input placeholder="Europe/Moscow" maxLength={64} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            name="requiresEdition"
            valuePropName="checked"
            extra={t('campaigns.form.requiresEditionHint')}
          >
            <Checkbox>{t('campaigns.form.requiresEdition')}</Checkbox>
          </Form.Item>
        </section>

        {/* Step 4: review */}
        <section style={show(3)} aria-label={STEPS[3]}>
          {step === 3 && <Review values={form.getFieldsValue(true) as FormValues} />}
        </section>

        <Space wrap style={{ marginTop: 8 }}>
          <Button disabled={step === 0} onClick={() => setStep((s) => Math.max(0, s - 1))}>
            {t('campaigns.form.back')}
          </Button>
          {step < 3 && (
            <Button type={editing ? 'default' : 'primary'} onClick={() => void next()}>
              {t('campaigns.form.next')}
            </Button>
          )}
          {(editing || step === 3) && (
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              {editing ? t('common.save') : t('campaigns.form.create')}
            </Button>
          )}
          <Button onClick={() => navigate(campaign ? `/campaigns/${campaign.id}` : '/campaigns')}>
            {t('common.cancel')}
          </Button>
        </Space>
      </Form>
    </>
  );
}

function TemplateField({
  channel,
  options,
  loading,
  label,
}: {
  channel: Channel;
  options: { value: string; label: string; locales: string[] }[];
  loading: boolean;
  label: string;
}) {
  const { t } = useTranslation();
  const form = Form.useFormInstance<FormValues>();
  const chosen = Form.useWatch(['templates', channel], form);
  const locales = options.find((o) => o.value === chosen)?.locales ?? [];
  return (
    <Form.Item
      name={['templates', channel]}
      label={label}
      rules={[{ required: true, message: t('campaigns.form.templateRequired') }]}
      extra={
        chosen ? (
          <Space size={4} wrap>
            {t('campaigns.form.locales')}
            {(['ru', 'en'] as const).map((l) => (
              <Tag key={l} color={locales.includes(l) ? undefined : TAG.orange}>
                {t(`language.${l}`)}:{' '}
                {locales.includes(l) ? t('campaigns.form.localeYes') : t('campaigns.form.localeNo')}
              </Tag>
            ))}
          </Space>
        ) : options.length === 0 && !loading ? (
          t('campaigns.form.noTemplates')
        ) : undefined
      }
    >
      <Select
        showSearch={{ optionFilterProp: 'label' }}
        loading={loading}
        options={options.map(({ value, label: l }) => ({ value, label: l }))}
      />
    </Form.Item>
  );
}

function ScheduleFields({
  schedule,
  timeZone,
}: {
  schedule: FormValues['schedule'] | undefined;
  timeZone: string | undefined;
}) {
  const { t, i18n } = useTranslation();
  const form = Form.useFormInstance<FormValues>();
  const type = schedule?.type ?? 'monthly';
  const body = schedule ? toSchedule(schedule) : null;
  const key = JSON.stringify({ body, timeZone: timeZone?.trim() || undefined });
  const [debounced, setDebounced] = useState(key);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(key), 300);
    return () => clearTimeout(timer);
  }, [key]);
  const preview = useQuery({
    queryKey: ['schedules', 'preview', debounced],
    queryFn: () => {
      const parsed = JSON.parse(debounced) as { body: CampaignBody['schedule']; timeZone?: string };
      return unwrap<SchedulePreview>(
        api.POST('/api/v1/schedules/preview', { body: { schedule: parsed.body, timeZone: parsed.timeZone } }),
      );
    },
    enabled: body !== null,
    retry: false,
  });
  // The preview's field problems show on the fields too.
  useEffect(() => {
    const names: (string | number)[][] = [
      ['schedule', 'day'],
      ['schedule', 'time'],
      ['schedule', 'at'],
      ['schedule', 'rrule'],
      ['schedule', 'dtstart'],
      ['timeZone'],
    ];
    const details = preview.error instanceof ApiError ? (preview.error.body.details ?? []) : [];
    form.setFields(
      names.map((name) => ({
        name: name as never,
        errors: details
          .filter((d) => fieldPath(d.field).join('.') === name.join('.'))
          .flatMap((d) => d.messages),
      })),
    );
  }, [preview.error, form]);

  return (
    <Card size="small" title={t('campaigns.form.scheduleTitle')} style={{ marginBottom: 16 }}>
      <Form.Item
        name={['schedule', 'type']}
        label={t('campaigns.form.scheduleType')}
        rules={[{ required: true }]}
      >
        <Radio.Group
          optionType="button"
          options={(['monthly', 'quarterly', 'once', 'rrule'] as const).map((v) => ({
            value: v,
            label: t(`campaigns.form.schedule.${v}`),
          }))}
        />
      </Form.Item>
      <Row gutter={16}>
        {type === 'monthly' && (
          <Col xs={12} md={6}>
            <Form.Item
              name={['schedule', 'day']}
              label={t('campaigns.form.day')}
              extra={t('campaigns.form.dayHint')}
              rules={[
                { required: true, type: 'integer', min: 1, max: 31, message: t('campaigns.form.dayRange') },
              ]}
            >
              <InputNumber min={1} max={31} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        )}
        {(type === 'monthly' || type === 'quarterly') && (
          <Col xs={12} md={6}>
            <Form.Item
              name={['schedule', 'time']}
              label={t('campaigns.form.time')}
              rules={[{ required: true, message: t('campaigns.form.required') }]}
            >
              <Input type="time" />
            </Form.Item>
          </Col>
        )}
        {type === 'once' && (
          <Col xs={24} md={10}>
            <Form.Item
              name={['schedule', 'at']}
              label={t('campaigns.form.at')}
              rules={[{ required: true, message: t('campaigns.form.required') }]}
            >
              <Input type="datetime-local" />
            </Form.Item>
          </Col>
        )}
        {type === 'rrule' && (
          <>
            <Col xs={24} md={14}>
              <Form.Item
                name={['schedule', 'rrule']}
                label={t('campaigns.form.rrule')}
                extra={t('campaigns.form.rruleHint')}
                rules={[{ required: true, message: t('campaigns.form.required') }]}
              >
                <Input placeholder="FREQ=WEEKLY;BYDAY=MO" spellCheck={false} />
              </Form.Item>
            </Col>
            <Col xs={24} md={10}>
              <Form.Item
                name={['schedule', 'dtstart']}
                label={t('campaigns.form.dtstart')}
                rules={[{ required: true, message: t('campaigns.form.required') }]}
              >
                <Input type="datetime-local" />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Space wrap size={[4, 4]} style={{ marginBottom: 12 }}>
                <Typography.Text type="secondary">{t('campaigns.form.examples')}</Typography.Text>
                {RRULE_EXAMPLES.map((ex) => (
                  <Button
                    key={ex.key}
                    size="small"
                    onClick={() => form.setFieldValue(['schedule', 'rrule'], ex.rrule)}
                  >
                    {t(`campaigns.form.rruleExample.${ex.key}`)}
                  </Button>
                ))}
              </Space>
            </Col>
          </>
        )}
      </Row>
      <section aria-label={t('campaigns.form.previewTitle')} aria-live="polite">
        <Typography.Text strong>{t('campaigns.form.previewTitle')}</Typography.Text>
        {preview.isFetching && !preview.data && <Spin size="small" style={{ marginLeft: 8 }} />}
        {preview.isError ? (
          <Typography.Paragraph type="danger" style={{ marginTop: 4 }}>
            {preview.error instanceof ApiError && preview.error.body.details?.length
              ? t('campaigns.form.previewInvalid')
              : preview.error.message}
          </Typography.Paragraph>
        ) : preview.data ? (
          <>
            <div>
              <Typography.Text type="secondary">
                {i18n.language === 'ru' && schedule
                  ? scheduleWords(
                      toSchedule(schedule) as Record<string, unknown>,
                      preview.data.timeZone,
                      undefined,
                      t,
                      'ru',
                    )
                  : `${preview.data.scheduleText} · ${preview.data.timeZone}`}
              </Typography.Text>
            </div>
            <ol className="tb-occurrences" data-testid="schedule-preview">
              {preview.data.occurrences.map((o) => (
                <li key={o.at} data-local={o.local}>
                  {formatLocal(o.local, i18n.language)}{' '}
                  <Typography.Text type="secondary">({o.periodKey})</Typography.Text>
                </li>
              ))}
            </ol>
          </>
        ) : null}
      </section>
    </Card>
  );
}

function Review({ values }: { values: FormValues }) {
  const { t, i18n } = useTranslation();
  const topics = useTopics();
  const segments = useSegments();
  const signers = useSigners();
  const segment = segments.data?.items.find((s) => s.id === values.segmentId);
  const signer = signers.data?.items.find((s) => s.id === values.signerId);
  const topic = topics.data?.items.find((tp) => tp.key === values.topicKey);
  return (
    <Descriptions
      bordered
      size="small"
      column={1}
      items={[
        { key: 'name', label: t('campaigns.name'), children: values.name },
        { key: 'kind', label: t('campaigns.kind'), children: t(`campaignKind.${values.kind}`) },
        {
          key: 'segment',
          label: t('campaigns.segment'),
          children: segment?.name ?? t('campaigns.wholeBase'),
        },
        {
          key: 'topic',
          label: t('campaigns.topic'),
          children: values.topicKey ? topicName(topic, values.topicKey, i18n.language) : '—',
        },
        {
          key: 'channels',
          label: t('campaigns.channels'),
          children: (values.channels ?? []).map((ch) => t(`channel.${ch}`)).join(' → '),
        },
        ...(values.channelRules ?? []).map((r, i) => ({
          key: `rule${i}`,
          label: t('campaigns.form.ruleCategories', { n: i + 1 }),
          children: `${(r.categories ?? []).map((c) => t(`category.${c}`)).join(', ')}: ${(r.channels ?? [])
            .map((ch) => t(`channel.${ch}`))
            .join(' → ')}`,
        })),
        {
          key: 'templates',
          label: t('campaigns.form.templatesTitle'),
          children:
            Object.entries(values.templates ?? {})
              .filter(([, v]) => v)
              .map(([ch, name]) => `${t(`channel.${ch}`)}: ${name}`)
              .join('; ') || '—',
        },
        {
          key: 'priority',
          label: t('campaigns.priorityLabel'),
          children: t(`campaigns.priority.${values.priority}`),
        },
        {
          key: 'deadline',
          label: t('campaigns.form.deadline'),
          children: t('campaigns.hoursValue', { count: values.deadlineHours }),
        },
        ...(signer
          ? [{ key: 'signer', label: t('campaigns.signer'), children: signerName(signer, i18n.language) }]
          : []),
        {
          key: 'edition',
          label: t('campaigns.form.requiresEdition'),
          children: values.requiresEdition ? t('common.yes') : t('common.no'),
        },
        {
          key: 'holdout',
          label: t('holdouts.field.label'),
          children:
            values.holdoutShare && canHoldOut(values.kind, values.priority)
              ? t('holdouts.field.review', { percent: values.holdoutShare })
              : t('holdouts.field.none'),
        },
        {
          key: 'clicks',
          label: t('campaigns.form.clickTracking'),
          children: values.clickTracking ? t('common.yes') : t('common.no'),
        },
        {
          key: 'opens',
          label: t('engagement.openTracking'),
          children: values.openTracking ? t('common.yes') : t('common.no'),
        },
      ]}
    />
  );
}
