import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Checkbox,
  Col,
  Drawer,
  Form,
  Input,
  Row,
  Select,
  Space,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, unwrap } from '../api/client';
import { CATEGORIES, STAGES, type Client, type StaffMember } from '../api/types';
import { ApiErrorAlert } from '../components/ApiErrorAlert';

interface Values {
  name: string;
  externalRef?: string;
  kind: 'company' | 'person';
  contactName?: string;
  email?: string;
  phone?: string;
  recipient?: string;
  lines?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
  locale: 'ru' | 'en';
  timeZone?: string;
  ownerId: string;
  tags: string[];
  vip: boolean;
  categoryOverride: string;
  stage: string;
  contactVerified: boolean;
}

/** The stages set by hand: those before the first purchase (the API's MANUAL_STAGES). */
const MANUAL_STAGES = ['potential', 'probable', 'prospect'] as const;
type ManualStage = (typeof MANUAL_STAGES)[number];
const isManualStage = (s: string): s is ManualStage => (MANUAL_STAGES as readonly string[]).includes(s);

/** The owner select's value for "no owner" (a select cannot hold null). */
const NONE = '';

const blankToNull = (v: string | undefined) => (v && v.trim() ? v.trim() : null);

function toValues(c: Client | null): Values {
  return {
    name: c?.name ?? '',
    externalRef: c?.externalRef ?? '',
    kind: c?.kind ?? 'company',
    contactName: c?.contactName ?? '',
    email: c?.email ?? '',
    phone: c?.phone ?? '',
    recipient: c?.address.recipient ?? '',
    lines: c?.address.lines.join('\n') ?? '',
    city: c?.address.city ?? '',
    region: c?.address.region ?? '',
    postalCode: c?.address.postalCode ?? '',
    country: c?.address.country ?? '',
    locale: c?.locale ?? 'ru',
    timeZone: c?.timeZone ?? '',
    ownerId: c?.owner?.id ?? NONE,
    tags: c?.tags ?? [],
    vip: c?.vip ?? false,
    categoryOverride: c?.categoryOverride ?? NONE,
    stage: c?.stage ?? 'potential',
    contactVerified: false,
  };
}

function toBody(v: Values, editing: Client | null) {
  return {
    name: v.name.trim(),
    externalRef: blankToNull(v.externalRef),
    kind: v.kind,
    contactName: blankToNull(v.contactName),
    email: blankToNull(v.email),
    phone: blankToNull(v.phone),
    address: {
      recipient: blankToNull(v.recipient),
      lines: (v.lines ?? '')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l),
      city: blankToNull(v.city),
      region: blankToNull(v.region),
      postalCode: blankToNull(v.postalCode),
      country: blankToNull(v.country),
    },
    locale: v.locale,
    timeZone: blankToNull(v.timeZone),
    ownerId: v.ownerId || null,
    tags: v.tags,
    vip: v.vip,
    categoryOverride: (v.categoryOverride || null) as Client['categoryOverride'],
    // Only the stages before the first purchase are set by hand; later ones follow from purchases.
    ...(isManualStage(v.stage) && v.stage !== editing?.stage ? { stage: v.stage } : {}),
    ...(v.contactVerified ? { contactVerified: true } : {}),
  };
}

/** Active staff members, to own clients. */
export function useOwners() {
  return useQuery({
    queryKey: ['staff', 'owners'],
    queryFn: () =>
      unwrap<{ items: StaffMember[] }>(api.GET('/api/v1/staff', { params: { query: { active: true } } })),
    staleTime: 5 * 60_000,
  });
}

/**
 * A client's data in a drawer: a new client (`client` null) or an existing one. The API's field
 * errors are shown on their fields; nothing is saved until the whole form is valid.
 */
export function ClientEditor({
  open,
  client,
  onClose,
  onSaved,
}: {
  open: boolean;
  client: Client | null;
  onClose: () => void;
  onSaved: (saved: Client) => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const owners = useOwners();

  useEffect(() => {
    if (open) {
      form.setFieldsValue(toValues(client));
      setError(null);
    }
  }, [open, client, form]);

  const save = async (values: Values) => {
    setSaving(true);
    setError(null);
    try {
      const body = toBody(values, client);
      const saved = client
        ? await unwrap<Client>(
            api.PATCH('/api/v1/clients/{id}', { params: { path: { id: client.id } }, body }),
          )
        : await unwrap<Client>(api.POST('/api/v1/clients', { body }));
      void queryClient.invalidateQueries({ queryKey: ['clients'] });
      void queryClient.invalidateQueries({ queryKey: ['client', saved.id] });
      void message.success(client ? t('clientBase.saved') : t('clientBase.created', { name: saved.name }));
      onSaved(saved);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.body.details?.length) {
        const names = new Set(Object.keys(toValues(null)));
        form.setFields(
          e.body.details
            .map((d) => ({ name: d.field.replace(/^address\./, ''), errors: d.messages }))
            .filter((f) => names.has(f.name)) as never,
        );
      }
    } finally {
      setSaving(false);
    }
  };

  const f = (key: keyof Values | 'owner') => t(`clientBase.field.${key}`);
  const stageByHand = !client || (client.purchaseCount === 0 && isManualStage(client.stage));

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size="large"
      title={client ? t('clientBase.editTitle', { name: client.name }) : t('clientBase.createTitle')}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {error ? (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={error} />
        </div>
      ) : null}
      <Form form={form} name="client-editor" layout="vertical" onFinish={(v) => void save(v)}>
        <Typography.Title level={2} style={{ fontSize: 16 }}>
          {t('clientBase.section.main')}
        </Typography.Title>
        <Form.Item
          name="name"
          label={f('name')}
          rules={[{ required: true, whitespace: true, message: t('clientBase.nameRequired') }]}
        >
          <Input maxLength={300} />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="externalRef" label={f('externalRef')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="kind" label={f('kind')}>
              <Select
                options={(['company', 'person'] as const).map((k) => ({
                  value: k,
                  label: t(`clientBase.kind.${k}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="ownerId" label={f('owner')}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                loading={owners.isPending}
                options={[
                  { value: NONE, label: t('clientBase.noOwner') },
                  ...(owners.data?.items ?? []).map((s) => ({ value: s.id, label: s.name })),
                ]}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="tags" label={f('tags')}>
              <Select mode="tags" tokenSeparators={[',']} open={false} suffixIcon={null} />
            </Form.Item>
          </Col>
        </Row>

        <Typography.Title level={2} style={{ fontSize: 16 }}>
          {t('clientBase.section.contact')}
        </Typography.Title>
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="contactName" label={f('contactName')}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="email" label={f('email')}>
              <Input type="email" maxLength={254} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="phone" label={f('phone')}>
              <Input type="tel" maxLength={40} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="locale" label={f('locale')}>
              <Select
                options={[
                  { value: 'ru', label: t('language.ru') },
                  { value: 'en', label: t('language.en') },
                ]}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="timeZone" label={f('timeZone')}>
              <Input maxLength={60} />
            </Form.Item>
          </Col>
          {client && (
            <Col xs={24} sm={12}>
              <Form.Item name="contactVerified" valuePropName="checked" label=" ">
                <Checkbox>{f('contactVerified')}</Checkbox>
              </Form.Item>
            </Col>
          )}
        </Row>

        <Typography.Title level={2} style={{ fontSize: 16 }}>
          {t('clientBase.section.address')}
        </Typography.Title>
        <Form.Item name="recipient" label={f('recipient')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="lines" label={f('lines')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} />
        </Form.Item>
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="city" label={f('city')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="region" label={f('region')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="postalCode" label={f('postalCode')}>
              <Input maxLength={20} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="country" label={f('country')}>
              <Input maxLength={60} />
            </Form.Item>
          </Col>
        </Row>

        <Typography.Title level={2} style={{ fontSize: 16 }}>
          {t('clientBase.section.classification')}
        </Typography.Title>
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="categoryOverride" label={f('categoryOverride')}>
              <Select
                options={[
                  { value: NONE, label: t('clientBase.computedCategory') },
                  ...CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) })),
                ]}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="stage"
              label={f('stage')}
              extra={stageByHand ? undefined : t('clientBase.stageFromPurchases')}
            >
              <Select
                disabled={!stageByHand}
                options={(stageByHand ? MANUAL_STAGES : STAGES).map((s) => ({
                  value: s,
                  label: t(`stage.${s}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="vip" valuePropName="checked">
              <Checkbox>{f('vip')}</Checkbox>
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Drawer>
  );
}
