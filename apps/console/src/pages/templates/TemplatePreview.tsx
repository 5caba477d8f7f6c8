import { useMutation, useQuery } from '@tanstack/react-query';
import { App as AntApp, Alert, Button, Card, Descriptions, Form, Input, Select, Space, Spin, Tabs, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import type { Client, Locale, Page } from '../../api/types';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatMoney, formatNumber } from '../../format';
import { TEMPLATE_LOCALES, type Preview, type SmsPreview, type Template } from './api';

type TestSendResult = Schemas['TestSendResultDto'];

const SEARCH_DEBOUNCE_MS = 250;

/** A client picked by searching GET /clients?q=. */
function ClientSearch({ value, onChange }: { value: string | null; onChange: (id: string | null) => void }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [settled, setSettled] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setSettled(q.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [q]);
  const found = useQuery({
    queryKey: ['clients', 'search', settled],
    queryFn: () =>
      unwrap<Page<Client>>(
        api.GET('/api/v1/clients', { params: { query: { ...(settled ? { q: settled } : {}), limit: 20 } } }),
      ),
  });
  return (
    <Select<string>
      aria-label={t('templates.previewClient')}
      placeholder={t('templates.previewClientHint')}
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      style={{ width: 320, maxWidth: '100%' }}
      loading={found.isFetching}
      value={value ?? undefined}
      onChange={(id) => onChange(id ?? null)}
      options={(found.data?.items ?? []).map((c) => ({
        value: c.id,
        label: c.address.city ? `${c.name} · ${c.address.city}` : c.name,
      }))}
    />
  );
}

interface Props {
  template: Template;
  byLocale: Map<Locale, Template>;
  dirty: boolean;
  canSend: boolean;
  name: string;
}

/** The message as a chosen client gets it, in each language: email, SMS with its cost, call, letter. */
export function TemplatePreview({ template, byLocale, dirty, canSend }: Props) {
  const { t } = useTranslation();
  const [clientId, setClientId] = useState<string | null>(null);
  const [tab, setTab] = useState<Locale>(template.locale);
  return (
    <Card size="small" title={t('templates.preview')} style={{ marginTop: 20 }} className="tb-template-preview">
      <Space wrap style={{ marginBottom: 12 }}>
        <ClientSearch value={clientId} onChange={setClientId} />
      </Space>
      {dirty && (
        <Alert type="warning" showIcon title={t('templates.previewUnsaved')} style={{ marginBottom: 12 }} />
      )}
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as Locale)}
        items={TEMPLATE_LOCALES.map((l) => {
          const version = l === template.locale ? template : byLocale.get(l);
          return {
            key: l,
            label: t(`templates.localeName.${l}`),
            children: !version ? (
              <Typography.Text type="secondary">{t('templates.noSibling')}</Typography.Text>
            ) : !clientId ? (
              <Typography.Text type="secondary">{t('templates.previewPick')}</Typography.Text>
            ) : (
              <LocalePreview template={version} clientId={clientId} canSend={canSend} />
            ),
          };
        })}
      />
    </Card>
  );
}

function LocalePreview({ template, clientId, canSend }: { template: Template; clientId: string; canSend: boolean }) {
  const { t, i18n } = useTranslation();
  const preview = useQuery({
    queryKey: ['templates', 'preview', template.id, template.updatedAt, clientId],
    enabled: template.channel !== 'sms',
    queryFn: () =>
      unwrap<Preview>(
        api.POST('/api/v1/templates/{id}/preview', { params: { path: { id: template.id } }, body: { clientId } }),
      ),
    retry: false,
  });
  const sms = useQuery({
    queryKey: ['templates', 'preview-sms', template.id, template.updatedAt, clientId],
    enabled: template.channel === 'sms',
    queryFn: () =>
      unwrap<SmsPreview>(
        api.POST('/api/v1/templates/{id}/preview/sms', {
          params: { path: { id: template.id } },
          body: { clientId, locale: template.locale },
        }),
      ),
    retry: false,
  });
  const current = template.channel === 'sms' ? sms : preview;
  if (current.isPending) return <Spin />;
  if (current.isError) return <ApiErrorAlert error={current.error} onRetry={() => void current.refetch()} />;

  if (template.channel === 'sms' && sms.data) {
    const s = sms.data;
    return (
      <div className="tb-preview-sms" lang={template.locale}>
        <pre className="tb-preview-text">{s.text}</pre>
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, md: 4 }}
          items={[
            {
              key: 'segments',
              label: t('templates.sms.segments'),
              children: <span data-testid="sms-segments">{formatNumber(s.segments, i18n.language)}</span>,
            },
            { key: 'encoding', label: t('templates.sms.encoding'), children: s.encoding },
            {
              key: 'characters',
              label: t('templates.sms.characters'),
              children: formatNumber(s.characters, i18n.language),
            },
            {
              key: 'cost',
              label: t('templates.sms.cost'),
              children: (
                <span data-testid="sms-cost">
                  {formatMoney(s.costEstimate, s.currency, i18n.language)}
                </span>
              ),
            },
          ]}
        />
      </div>
    );
  }
  const p = preview.data!;
  if (template.channel === 'email') {
    return (
      <div className="tb-preview-email">
        <Descriptions
          size="small"
          column={1}
          items={[
            {
              key: 'subject',
              label: t('templates.previewSubject'),
              children: <span data-testid="preview-subject">{p.subject}</span>,
            },
          ]}
        />
        <Typography.Title level={3} style={{ fontSize: 14 }}>
          {t('templates.previewHtml')}
        </Typography.Title>
        {/* No script, no form, no navigation: the message is shown, never run. */}
        <iframe
          className="tb-preview-frame"
          sandbox=""
          srcDoc={p.html}
          title={t('templates.previewFrame', { subject: p.subject ?? '' })}
        />
        <Typography.Title level={3} style={{ fontSize: 14, marginTop: 12 }}>
          {t('templates.previewText')}
        </Typography.Title>
        <pre className="tb-preview-text" lang={template.locale}>
          {p.text}
        </pre>
        {canSend && <TestSend template={template} clientId={clientId} />}
      </div>
    );
  }
  const pdf = `/api/v1/templates/${template.id}/preview/letter.pdf?clientId=${encodeURIComponent(clientId)}`;
  return (
    <div>
      <pre className="tb-preview-text" lang={template.locale}>
        {p.text}
      </pre>
      {template.channel === 'letter' && (
        <p>
          {t('templates.letterPdf')}:{' '}
          <a href={pdf} target="_blank" rel="noopener noreferrer" className="tb-letter-pdf">
            {t('templates.letterDownload')}
          </a>
        </p>
      )}
    </div>
  );
}

function TestSend({ template, clientId }: { template: Template; clientId: string }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ to: string }>();
  const send = useMutation({
    mutationFn: (to: string) =>
      unwrap<TestSendResult>(
        api.POST('/api/v1/templates/{id}/test-send', {
          params: { path: { id: template.id } },
          body: { clientId, to },
        }),
      ),
    onSuccess: (r) => void message.success(t('templates.testSent', { subject: r.subject, to: r.to })),
  });
  return (
    <section className="tb-test-send" aria-label={t('templates.testSend')}>
      <Typography.Title level={3} style={{ fontSize: 14, marginTop: 12 }}>
        {t('templates.testSend')}
      </Typography.Title>
      {send.isError && (
        <div style={{ marginBottom: 8 }}>
          <ApiErrorAlert error={send.error} />
        </div>
      )}
      {send.isSuccess && (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 8 }}
          title={t('templates.testSent', { subject: send.data.subject, to: send.data.to })}
        />
      )}
      {/* Named by the template: each language's tab has its own form, with its own field ids. */}
      <Form
        form={form}
        name={`test-send-${template.id}`}
        layout="inline"
        onFinish={(v) => send.mutate(v.to.trim())}
      >
        <Form.Item
          name="to"
          label={t('templates.testSendTo')}
          rules={[{ required: true, whitespace: true, message: t('templates.emailRequired') }]}
        >
          <Input type="email" style={{ width: 260 }} autoComplete="email" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={send.isPending}>
          {t('templates.testSendButton')}
        </Button>
      </Form>
    </section>
  );
}
