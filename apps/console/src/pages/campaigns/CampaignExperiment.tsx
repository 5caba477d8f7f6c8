import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { CHANNELS, type Channel } from '../../api/types';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatNumber } from '../../format';
import { useCanWrite, useTemplates, type Campaign } from './shared';

type Experiment = Schemas['ExperimentDto'];
type ExperimentInput = Schemas['ExperimentInputDto'];

const KEYS = ['A', 'B', 'C', 'D', 'E'] as const;
const MAX_VARIANTS = KEYS.length;

interface VariantValues {
  name: string;
  sharePct: number;
  subjectRu?: string;
  subjectEn?: string;
  templates?: Partial<Record<Channel, string>>;
}

interface FormValues {
  variants: VariantValues[];
  testSharePct: number;
  metric: ExperimentInput['metric'];
  windowHours: number;
  sendWinnerToRest: boolean;
  whenNotSignificant: NonNullable<ExperimentInput['whenNotSignificant']>;
}

const isNotFound = (e: unknown) => e instanceof ApiError && e.status === 404;
const round = (x: number) => Math.round(x * 10_000) / 10_000;

function toForm(e: Experiment | undefined): FormValues {
  if (!e)
    return {
      variants: [
        { name: '', sharePct: 50 },
        { name: '', sharePct: 50 },
      ],
      testSharePct: 20,
      metric: 'clicks',
      windowHours: 24,
      sendWinnerToRest: true,
      whenNotSignificant: 'best',
    };
  return {
    variants: e.variants.map((v) => ({
      name: v.name,
      sharePct: round(v.share * 100),
      subjectRu: v.subjectRu ?? undefined,
      subjectEn: v.subjectEn ?? undefined,
      templates: v.templates as VariantValues['templates'],
    })),
    testSharePct: round(e.testShare * 100),
    metric: e.metric,
    windowHours: e.windowHours,
    sendWinnerToRest: e.sendWinnerToRest,
    whenNotSignificant: e.whenNotSignificant,
  };
}

function toInput(v: FormValues, channels: Channel[]): ExperimentInput {
  return {
    variants: v.variants.map((x, i) => ({
      key: KEYS[i],
      name: x.name,
      share: round(x.sharePct / 100),
      subjectRu: x.subjectRu?.trim() || null,
      subjectEn: x.subjectEn?.trim() || null,
      templates: Object.fromEntries(
        channels.filter((ch) => x.templates?.[ch]).map((ch) => [ch, x.templates![ch] as string]),
      ),
    })),
    testShare: round(v.testSharePct / 100),
    metric: v.metric,
    windowHours: v.windowHours,
    sendWinnerToRest: v.sendWinnerToRest,
    whenNotSignificant: v.whenNotSignificant,
  };
}

/** The campaign's A/B test: what it is, and (for those who may) its editor. */
export function CampaignExperiment({ campaign }: { campaign: Campaign }) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const canWrite = useCanWrite() && campaign.status !== 'archived';
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const key = ['campaign-experiment', campaign.id];
  const experiment = useQuery({
    queryKey: key,
    queryFn: () =>
      unwrap<Experiment>(
        api.GET('/api/v1/campaigns/{id}/experiment', { params: { path: { id: campaign.id } } }),
      ),
    retry: (count, e) => !isNotFound(e) && count < 2,
  });
  const channels = CHANNELS.filter(
    (ch) => campaign.channels.includes(ch) || campaign.channelRules.some((r) => r.channels.includes(ch)),
  );
  const current = isNotFound(experiment.error) ? undefined : experiment.data;

  const remove = useMutation({
    mutationFn: () =>
      unwrap<void>(
        api.DELETE('/api/v1/campaigns/{id}/experiment', { params: { path: { id: campaign.id } } }),
      ),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: key });
      void message.success(t('experiments.removed'));
    },
  });

  let body: React.ReactNode;
  if (experiment.isPending) body = null;
  else if (experiment.isError && !isNotFound(experiment.error))
    body = <ApiErrorAlert error={experiment.error} onRetry={() => void experiment.refetch()} />;
  else if (editing)
    body = (
      <ExperimentEditor
        campaign={campaign}
        channels={channels}
        initial={toForm(current)}
        onDone={(saved) => {
          queryClient.setQueryData(key, saved);
          setEditing(false);
          void message.success(t('experiments.saved'));
        }}
        onCancel={() => setEditing(false)}
      />
    );
  else if (!current)
    body = (
      <Space direction="vertical">
        <Typography.Text type="secondary">{t('experiments.none')}</Typography.Text>
        {canWrite && <Button onClick={() => setEditing(true)}>{t('experiments.define')}</Button>}
      </Space>
    );
  else {
    const pct = (x: number) =>
      new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(x);
    body = (
      <>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            {
              key: 'test',
              label: t('experiments.testShare'),
              children: (
                <span data-testid="experiment-summary">
                  {current.testShare < 1
                    ? t('experiments.summaryTest', {
                        share: formatNumber(round(current.testShare * 100), i18n.language),
                        hours: formatNumber(current.windowHours, i18n.language),
                      })
                    : t('experiments.plainSplit')}
                </span>
              ),
            },
            {
              key: 'metric',
              label: t('experiments.metric'),
              children: t(`experiments.metricValue.${current.metric}`),
            },
            {
              key: 'rest',
              label: t('experiments.sendWinnerToRest'),
              children: current.sendWinnerToRest ? t('experiments.yes') : t('experiments.no'),
            },
            {
              key: 'ns',
              label: t('experiments.whenNotSignificant'),
              children: t(`experiments.notSignificantValue.${current.whenNotSignificant}`),
            },
          ]}
        />
        <Table
          rowKey="key"
          size="small"
          pagination={false}
          aria-label={t('experiments.variants')}
          data-testid="experiment-variant-list"
          dataSource={current.variants}
          scroll={{ x: 520 }}
          columns={[
            { title: t('experiments.run.variantCol'), dataIndex: 'key', width: 80 },
            { title: t('experiments.name'), dataIndex: 'name' },
            { title: t('experiments.run.shareCol'), dataIndex: 'share', align: 'right', render: pct },
            {
              title: t('experiments.content'),
              key: 'content',
              render: (_: unknown, v: Experiment['variants'][number]) => {
                const subject =
                  i18n.language === 'en' ? (v.subjectEn ?? v.subjectRu) : (v.subjectRu ?? v.subjectEn);
                const parts = [
                  ...(subject ? [t('experiments.subject', { subject })] : []),
                  ...Object.entries(v.templates).map(([ch, name]) =>
                    t('experiments.template', { channel: t(`channel.${ch}`), name }),
                  ),
                ];
                return parts.length ? parts.join('; ') : t('experiments.campaignContent');
              },
            },
          ]}
        />
        {canWrite && (
          <Space style={{ marginTop: 12 }} wrap>
            <Button onClick={() => setEditing(true)}>{t('experiments.edit')}</Button>
            <Popconfirm
              title={t('experiments.removeConfirm')}
              okText={t('experiments.remove')}
              cancelText={t('experiments.cancel')}
              onConfirm={() => remove.mutate()}
            >
              <Button danger loading={remove.isPending}>
                {t('experiments.remove')}
              </Button>
            </Popconfirm>
          </Space>
        )}
        {remove.error ? <ApiErrorAlert error={remove.error} /> : null}
      </>
    );
  }
  return (
    <Card
      size="small"
      title={<h2 className="tb-card-title">{t('experiments.title')}</h2>}
      style={{ marginBottom: 16 }}
      data-testid="campaign-experiment"
    >
      {body}
    </Card>
  );
}

function ExperimentEditor({
  campaign,
  channels,
  initial,
  onDone,
  onCancel,
}: {
  campaign: Campaign;
  channels: Channel[];
  initial: FormValues;
  onDone: (saved: Experiment) => void;
  onCancel: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<FormValues>();
  const templates = useTemplates();
  const variants = Form.useWatch('variants', form) ?? initial.variants;
  const sum = variants.reduce((a, v) => a + (Number(v?.sharePct) || 0), 0);
  const save = useMutation({
    mutationFn: (v: FormValues) =>
      unwrap<Experiment>(
        api.PUT('/api/v1/campaigns/{id}/experiment', {
          params: { path: { id: campaign.id } },
          body: toInput(v, channels),
        }),
      ),
    onSuccess: onDone,
  });
  const options = (channel: Channel) =>
    [...new Set((templates.data?.items ?? []).filter((x) => x.channel === channel).map((x) => x.name))]
      .sort()
      .map((name) => ({ value: name, label: name }));

  return (
    <Form<FormValues>
      form={form}
      layout="vertical"
      initialValues={initial}
      onFinish={(v) => save.mutate(v)}
      data-testid="experiment-form"
    >
      <Typography.Paragraph type="secondary">{t('experiments.hint')}</Typography.Paragraph>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item
            name="testSharePct"
            label={t('experiments.testShare')}
            extra={t('experiments.testShareHint')}
            rules={[{ required: true }]}
          >
            <InputNumber min={1} max={100} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="metric" label={t('experiments.metric')}>
            <Select
              options={(['clicks', 'revenue'] as const).map((m) => ({
                value: m,
                label: t(`experiments.metricValue.${m}`),
              }))}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="windowHours"
            label={t('experiments.windowHours')}
            extra={t('experiments.windowHint', { hours: campaign.deadlineHours })}
            rules={[{ required: true }]}
          >
            <InputNumber min={1} max={336} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name="sendWinnerToRest"
            label={t('experiments.sendWinnerToRest')}
            valuePropName="checked"
          >
            <Switch />
          </Form.Item>
        </Col>
        <Col xs={24} md={16}>
          <Form.Item name="whenNotSignificant" label={t('experiments.whenNotSignificant')}>
            <Select
              options={(['best', 'first'] as const).map((m) => ({
                value: m,
                label: t(`experiments.notSignificantValue.${m}`),
              }))}
            />
          </Form.Item>
        </Col>
      </Row>
      <Typography.Title level={3} style={{ fontSize: 15 }}>
        {t('experiments.variants')}
      </Typography.Title>
      <Form.List name="variants">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field, i) => (
              <Card
                key={field.key}
                size="small"
                type="inner"
                style={{ marginBottom: 12 }}
                title={t('experiments.variant', { key: KEYS[i] })}
                extra={
                  fields.length > 2 ? (
                    <Button size="small" onClick={() => remove(field.name)}>
                      {t('experiments.removeVariant', { key: KEYS[i] })}
                    </Button>
                  ) : null
                }
              >
                <Row gutter={16}>
                  <Col xs={24} md={16}>
                    <Form.Item
                      name={[field.name, 'name']}
                      label={t('experiments.name')}
                      rules={[{ required: true }]}
                    >
                      <Input maxLength={80} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={8}>
                    <Form.Item
                      name={[field.name, 'sharePct']}
                      label={t('experiments.share')}
                      rules={[{ required: true }]}
                    >
                      <InputNumber min={1} max={100} style={{ width: '100%' }} />
                    </Form.Item>
                  </Col>
                  {channels.includes('email') && (
                    <>
                      <Col xs={24} md={12}>
                        <Form.Item
                          name={[field.name, 'subjectRu']}
                          label={t('experiments.subjectRu')}
                          extra={t('experiments.subjectHint')}
                        >
                          <Input maxLength={300} />
                        </Form.Item>
                      </Col>
                      <Col xs={24} md={12}>
                        <Form.Item
                          name={[field.name, 'subjectEn']}
                          label={t('experiments.subjectEn')}
                          extra={t('experiments.subjectHint')}
                        >
                          <Input maxLength={300} />
                        </Form.Item>
                      </Col>
                    </>
                  )}
                  {channels.map((ch) => (
                    <Col xs={24} md={12} key={ch}>
                      <Form.Item
                        name={[field.name, 'templates', ch]}
                        label={t('experiments.templateFor', { channel: t(`channel.${ch}`) })}
                        extra={t('experiments.templateHint')}
                      >
                        <Select allowClear showSearch loading={templates.isPending} options={options(ch)} />
                      </Form.Item>
                    </Col>
                  ))}
                </Row>
              </Card>
            ))}
            <Typography.Paragraph
              type={Math.abs(sum - 100) > 0.1 ? 'danger' : 'secondary'}
              data-testid="shares-sum"
            >
              {t('experiments.sharesSum', { sum: formatNumber(round(sum), i18n.language) })}
            </Typography.Paragraph>
            {fields.length < MAX_VARIANTS && (
              <Button onClick={() => add({ name: '', sharePct: 0 })} style={{ marginBottom: 12 }}>
                {t('experiments.addVariant')}
              </Button>
            )}
          </>
        )}
      </Form.List>
      {save.error ? (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={save.error} />
        </div>
      ) : null}
      <Space wrap>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('experiments.save')}
        </Button>
        <Button onClick={onCancel}>{t('experiments.cancel')}</Button>
      </Space>
    </Form>
  );
}
