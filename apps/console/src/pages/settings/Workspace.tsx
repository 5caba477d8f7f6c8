import { UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  ColorPicker,
  Form,
  Input,
  Popconfirm,
  Row,
  Select,
  Space,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { PageLoading } from '../../components/PageLoading';
import { PageTitle } from '../../components/Shell';
import { IMAGE_TYPES, showFieldErrors, uploadForm } from './apiForm';
import { SettingsBack } from './SettingsBack';

type Branding = Schemas['BrandingDto'];
type Calendar = Schemas['HolidayCalendarDto'];
interface BrandingForm {
  name: string;
  nameEn: string | null;
  colour: string;
}

const BRANDING_KEY = ['branding'];
const CALENDAR_KEY = ['holiday-calendar'];
const MAX_LOGO_BYTES = 256 * 1024;
const COLOUR = /^#[0-9a-fA-F]{6}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The workspace as clients see it (name, colour, logo) and the business-day calendar. */
export default function Workspace() {
  const { t } = useTranslation();
  const { session } = useSession();
  const admin = session?.staff.role === 'admin';
  return (
    <>
      <SettingsBack />
      <PageTitle>{t('settingsAdmin.workspace.title')}</PageTitle>
      <Typography.Paragraph style={{ maxWidth: 900 }}>
        {t('settingsAdmin.workspace.intro')}
      </Typography.Paragraph>
      {!admin && (
        <Alert type="info" showIcon title={t('settingsAdmin.readOnly')} style={{ marginBottom: 16 }} />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <BrandingCard admin={admin} />
        </Col>
        <Col xs={24} xl={10}>
          <LogoCard admin={admin} />
        </Col>
        <Col xs={24}>
          <CalendarCard admin={admin} />
        </Col>
      </Row>
    </>
  );
}

function useBranding() {
  return useQuery({ queryKey: BRANDING_KEY, queryFn: () => unwrap<Branding>(api.GET('/api/v1/branding')) });
}

function BrandingCard({ admin }: { admin: boolean }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<BrandingForm>();
  const branding = useBranding();
  useEffect(() => {
    if (branding.data) form.setFieldsValue(branding.data);
  }, [branding.data, form]);
  const save = useMutation({
    mutationFn: (v: BrandingForm) =>
      unwrap<Branding>(
        api.PATCH('/api/v1/branding', {
          body: { name: v.name, nameEn: v.nameEn || null, colour: v.colour } as never,
        }),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(BRANDING_KEY, saved);
      void message.success(t('settingsAdmin.saved'));
    },
    onError: (e) => showFieldErrors(form, e),
  });
  return (
    <Card size="small" title={t('settingsAdmin.workspace.branding')}>
      {branding.isError ? (
        <ApiErrorAlert error={branding.error} onRetry={() => void branding.refetch()} />
      ) : branding.isPending ? (
        <PageLoading />
      ) : (
        <Form<BrandingForm>
          form={form}
          layout="vertical"
          disabled={!admin}
          initialValues={branding.data}
          onFinish={(v) => save.mutate(v)}
        >
          {save.isError && (
            <div style={{ marginBottom: 12 }}>
              <ApiErrorAlert error={save.error} />
            </div>
          )}
          <Form.Item
            label={t('settingsAdmin.workspace.name')}
            name="name"
            extra={t('settingsAdmin.workspace.nameHint')}
            rules={[
              { required: true, whitespace: true, message: t('settingsAdmin.workspace.required') },
              { max: 200 },
            ]}
          >
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item
            label={t('settingsAdmin.workspace.nameEn')}
            name="nameEn"
            extra={t('settingsAdmin.workspace.nameEnHint')}
            rules={[{ max: 200 }]}
          >
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item label={t('settingsAdmin.workspace.colour')} required>
            <Space>
              <Form.Item
                name="colour"
                noStyle
                getValueFromEvent={(c: { toHexString: () => string }) => c.toHexString()}
              >
                <ColorPicker disabledAlpha />
              </Form.Item>
              <Form.Item
                name="colour"
                noStyle
                rules={[{ pattern: COLOUR, message: t('settingsAdmin.workspace.colourPattern') }]}
              >
                <Input
                  aria-label={t('settingsAdmin.workspace.colour')}
                  style={{ width: 110 }}
                  maxLength={7}
                />
              </Form.Item>
            </Space>
          </Form.Item>
          {admin && (
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              {t('settingsAdmin.save')}
            </Button>
          )}
        </Form>
      )}
    </Card>
  );
}

function LogoCard({ admin }: { admin: boolean }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const branding = useBranding();
  const [error, setError] = useState<unknown>(null);
  const saved = (b: Branding) => {
    setError(null);
    queryClient.setQueryData(BRANDING_KEY, b);
    void message.success(t('settingsAdmin.saved'));
  };
  const upload = useMutation({
    mutationFn: (file: File) => unwrap<Branding>(api.PUT('/api/v1/branding/logo', uploadForm(file))),
    onSuccess: saved,
    onError: setError,
  });
  const remove = useMutation({
    mutationFn: () => unwrap<Branding>(api.DELETE('/api/v1/branding/logo')),
    onSuccess: saved,
    onError: setError,
  });
  const pick = (file: File) => {
    if (!IMAGE_TYPES.includes(file.type)) setError(new Error(t('settingsAdmin.workspace.badType')));
    else if (file.size > MAX_LOGO_BYTES) setError(new Error(t('settingsAdmin.workspace.tooBig')));
    else upload.mutate(file);
    return false;
  };
  const b = branding.data;
  return (
    <Card size="small" title={t('settingsAdmin.workspace.logo')} style={{ height: '100%' }}>
      <Typography.Paragraph type="secondary">{t('settingsAdmin.workspace.logoHint')}</Typography.Paragraph>
      {error ? (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={error} />
        </div>
      ) : null}
      <div style={{ minHeight: 56, marginBottom: 12, display: 'flex', alignItems: 'center' }}>
        {b?.hasLogo ? (
          <img
            src={`/portal/assets/logo?v=${encodeURIComponent(b.version)}`}
            alt={t('settingsAdmin.workspace.logoAlt')}
            style={{ height: 40 }}
          />
        ) : (
          <EmptyText>{t('settingsAdmin.workspace.noLogo')}</EmptyText>
        )}
      </div>
      {admin && (
        <Space wrap>
          <Upload accept="image/png,image/jpeg" showUploadList={false} beforeUpload={pick}>
            <Button icon={<UploadOutlined />} loading={upload.isPending}>
              {t('settingsAdmin.workspace.uploadLogo')}
            </Button>
          </Upload>
          {b?.hasLogo && (
            <Popconfirm
              title={t('settingsAdmin.workspace.removeLogoConfirm')}
              okText={t('settingsAdmin.workspace.removeLogo')}
              cancelText={t('settingsAdmin.cancel')}
              onConfirm={() => remove.mutate()}
            >
              <Button>{t('settingsAdmin.workspace.removeLogo')}</Button>
            </Popconfirm>
          )}
        </Space>
      )}
    </Card>
  );
}

function CalendarCard({ admin }: { admin: boolean }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<Calendar>();
  const [year, setYear] = useState(new Date().getFullYear());
  const calendar = useQuery({
    queryKey: CALENDAR_KEY,
    queryFn: () => unwrap<Calendar>(api.GET('/api/v1/holiday-calendar')),
  });
  useEffect(() => {
    if (calendar.data) form.setFieldsValue(calendar.data);
  }, [calendar.data, form]);
  const save = useMutation({
    mutationFn: (body: Calendar) => unwrap<Calendar>(api.PUT('/api/v1/holiday-calendar', { body })),
    onSuccess: (savedCalendar) => {
      queryClient.setQueryData(CALENDAR_KEY, savedCalendar);
      void message.success(t('settingsAdmin.saved'));
    },
    onError: (e) => showFieldErrors(form, e),
  });
  const dates = {
    validator: async (_: unknown, list: string[] | undefined) => {
      const bad = (list ?? []).find((d) => !DATE.test(d));
      if (bad) throw new Error(t('settingsAdmin.workspace.datePattern', { value: bad }));
    },
  };
  const field = (name: 'daysOff' | 'workingDays') => (
    <Form.Item
      label={t(`settingsAdmin.workspace.${name}`)}
      name={name}
      extra={t('settingsAdmin.workspace.datesHint')}
      rules={[dates]}
    >
      <YearDates year={year} onYear={setYear} />
    </Form.Item>
  );
  const all = [...(calendar.data?.daysOff ?? []), ...(calendar.data?.workingDays ?? [])];
  const thisYear = new Date().getFullYear();
  const years = [...new Set([...all.map((d) => Number(d.slice(0, 4))), thisYear, thisYear + 1, year])].sort();
  return (
    <Card size="small" title={t('settingsAdmin.workspace.holidays')}>
      <Typography.Paragraph type="secondary">
        {t('settingsAdmin.workspace.holidaysIntro')}
      </Typography.Paragraph>
      {calendar.isError ? (
        <ApiErrorAlert error={calendar.error} onRetry={() => void calendar.refetch()} />
      ) : calendar.isPending ? (
        <PageLoading />
      ) : (
        <Form<Calendar>
          form={form}
          layout="vertical"
          disabled={!admin}
          initialValues={calendar.data}
          onFinish={(v) => save.mutate({ daysOff: v.daysOff ?? [], workingDays: v.workingDays ?? [] })}
        >
          {save.isError && (
            <div style={{ marginBottom: 12 }}>
              <ApiErrorAlert error={save.error} />
            </div>
          )}
          <Form.Item label={t('settingsAdmin.workspace.year')}>
            <Select<number>
              aria-label={t('settingsAdmin.workspace.year')}
              value={year}
              onChange={setYear}
              style={{ width: 120 }}
              options={years.map((y) => ({ value: y, label: String(y) }))}
            />
          </Form.Item>
          <Row gutter={16}>
            <Col xs={24} lg={14}>
              {field('daysOff')}
            </Col>
            <Col xs={24} lg={10}>
              {field('workingDays')}
            </Col>
          </Row>
          {admin && (
            <Button type="primary" htmlType="submit" loading={save.isPending}>
              {t('settingsAdmin.save')}
            </Button>
          )}
        </Form>
      )}
    </Card>
  );
}

/** The dates of one year of a list (the others stay as they are); a date of another year typed here shows its year. */
function YearDates({
  value = [],
  onChange,
  year,
  onYear,
  id,
}: {
  value?: string[];
  onChange?: (dates: string[]) => void;
  year: number;
  onYear: (year: number) => void;
  id?: string;
}) {
  const shown = (d: string) => !DATE.test(d) || d.startsWith(`${year}-`);
  return (
    <Select
      id={id}
      mode="tags"
      value={value.filter(shown)}
      tokenSeparators={[',', ' ']}
      open={false}
      suffixIcon={null}
      onChange={(next: string[]) => {
        const typed = next.map((d) => d.trim()).filter(Boolean);
        const other = typed.find((d) => DATE.test(d) && !d.startsWith(`${year}-`));
        onChange?.([...new Set([...value.filter((d) => !shown(d)), ...typed])].sort());
        if (other) onYear(Number(other.slice(0, 4)));
      }}
    />
  );
}
