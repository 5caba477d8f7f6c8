import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Alert, Button, Card, Form, Input, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, ApiError, unwrap } from '../../api/client';
import { CHANNELS, type Channel, type Locale } from '../../api/types';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { TAG } from '../../components/colours';
import { PageLoading } from '../../components/PageLoading';
import { PageTitle } from '../../components/Shell';
import {
  canWriteTemplates,
  problemText,
  TEMPLATE_LOCALES,
  useTemplates,
  type Template,
  type TemplateProblem,
  type TemplateVariables,
} from './api';
import { TemplateCodeEditor, type TemplateEditorHandle } from './TemplateCodeEditor';
import { TemplatePreview } from './TemplatePreview';

const CHECK_DEBOUNCE_MS = 400;

/** /templates/new and /templates/:id. */
export default function TemplateEditor() {
  const { id } = useParams();
  const template = useQuery({
    queryKey: ['templates', 'one', id],
    enabled: !!id,
    queryFn: () => unwrap<Template>(api.GET('/api/v1/templates/{id}', { params: { path: { id: id! } } })),
  });
  const { t } = useTranslation();
  if (template.isError) return <ApiErrorAlert error={template.error} onRetry={() => void template.refetch()} />;
  if (id && template.isPending) {
    return (
      <>
        <PageTitle>{t('templates.title')}</PageTitle>
        <PageLoading />
      </>
    );
  }
  return <Editor key={id ?? 'new'} template={template.data} />;
}

interface TemplateForm {
  name: string;
  channel: Channel;
  locale: Locale;
  subject?: string;
  description?: string;
}

/** The value once it has stopped changing for `ms`. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function Editor({ template }: { template?: Template }) {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const readOnly = !canWriteTemplates(session?.staff.role);
  const [form] = Form.useForm<TemplateForm>();
  const editor = useRef<TemplateEditorHandle>(null);

  // A new version of an existing template in another language starts from it (?from=<id>&locale=en).
  const fromId = template ? null : params.get('from');
  const from = useQuery({
    queryKey: ['templates', 'one', fromId],
    enabled: !!fromId,
    queryFn: () => unwrap<Template>(api.GET('/api/v1/templates/{id}', { params: { path: { id: fromId! } } })),
  });
  const start = template ?? from.data;
  const initialLocale = (params.get('locale') as Locale | null) ?? template?.locale ?? 'ru';
  const [body, setBody] = useState(start?.body ?? '');
  const [bodySeeded, setBodySeeded] = useState(!!template || !fromId);
  useEffect(() => {
    if (!bodySeeded && from.data) {
      // The form's own fields take it as their initial values (the form is shown once it is loaded).
      setBody(from.data.body);
      setBodySeeded(true);
    }
  }, [bodySeeded, from.data]);

  const channel = Form.useWatch('channel', form) ?? start?.channel ?? 'email';
  const locale = Form.useWatch('locale', form) ?? initialLocale;
  const subject = Form.useWatch('subject', form) ?? start?.subject ?? '';
  const name = Form.useWatch('name', form) ?? start?.name ?? '';
  const dirty = !!template && (body !== template.body || (subject || null) !== (template.subject || null));

  const variables = useQuery({
    queryKey: ['templates', 'variables', locale],
    queryFn: () =>
      unwrap<TemplateVariables>(api.GET('/api/v1/templates/variables', { params: { query: { locale } } })),
    staleTime: 10 * 60_000,
  });

  // Every change is checked (debounced): the problems, with line and column, go into the editor.
  const draft = useSettled(
    JSON.stringify({ channel, locale, body, subject: channel === 'email' ? subject : null }),
    CHECK_DEBOUNCE_MS,
  );
  const check = useQuery({
    queryKey: ['templates', 'validate', draft],
    enabled: body.trim().length > 0,
    queryFn: async () => {
      const d = JSON.parse(draft) as { channel: Channel; locale: Locale; body: string; subject: string | null };
      const result = await unwrap<{ ok: boolean; errors: TemplateProblem[] }>(
        api.POST('/api/v1/templates/validate', {
          body: { channel: d.channel, locale: d.locale, body: d.body, subject: d.subject },
        }),
      );
      return { ...result, body: d.body };
    },
    retry: false,
  });
  const problems = check.data?.errors ?? [];
  const bodyProblems = problems.filter((p) => p.field === 'body');
  const subjectProblems = problems.filter((p) => p.field === 'subject');
  const diagnostics = useMemo(
    () =>
      (check.data?.errors ?? []).filter((p) => p.field === 'body').map((p) => ({ ...p, message: problemText(t, p) })),
    [check.data, t],
  );
  const checking = check.isFetching || draft !== JSON.stringify({ channel, locale, body, subject: channel === 'email' ? subject : null });

  const [saveError, setSaveError] = useState<unknown>(null);
  const [bodyError, setBodyError] = useState<string[]>([]);
  const save = useMutation({
    mutationFn: (values: TemplateForm) => {
      const subjectValue = values.channel === 'email' ? (values.subject ?? '') : null;
      if (template) {
        return unwrap<Template>(
          api.PATCH('/api/v1/templates/{id}', {
            params: { path: { id: template.id } },
            body: { body, subject: subjectValue, description: values.description ?? '' },
          }),
        );
      }
      return unwrap<Template>(
        api.POST('/api/v1/templates', {
          body: {
            name: values.name,
            channel: values.channel,
            locale: values.locale,
            subject: subjectValue,
            body,
            description: values.description ?? '',
          },
        }),
      );
    },
    onSuccess: async (saved) => {
      setSaveError(null);
      setBodyError([]);
      void message.success(t('templates.saved'));
      await queryClient.invalidateQueries({ queryKey: ['templates'] });
      navigate(`/templates/${saved.id}`, { replace: true });
    },
    onError: (e) => {
      setSaveError(e);
      if (!(e instanceof ApiError)) return;
      const details = e.body.details ?? [];
      setBodyError(details.filter((d) => d.field === 'body').flatMap((d) => d.messages));
      const formFields = details
        .filter((d) => ['name', 'channel', 'locale', 'subject', 'description'].includes(d.field))
        .map((d) => ({ name: d.field as keyof TemplateForm, errors: d.messages }));
      if (e.status === 409) formFields.push({ name: 'name', errors: [e.body.message] });
      form.setFields(formFields);
    },
  });

  const siblings = useTemplates({ name: start?.name ?? '', channel: start?.channel }, !!template);
  const byLocale = new Map((siblings.data?.items ?? []).map((s) => [s.locale, s]));

  if (fromId && from.isPending) return <PageLoading />;
  const title = template ? t('templates.editTitle', { name: template.name }) : t('templates.newTitle');
  const bodyInvalid = bodyProblems.length > 0 || bodyError.length > 0;
  return (
    <>
      <PageTitle extra={<Link to="/templates">{t('templates.back')}</Link>}>{title}</PageTitle>
      {readOnly && <Alert type="info" showIcon title={t('templates.readOnly')} style={{ marginBottom: 12 }} />}
      {saveError && !(saveError instanceof ApiError && saveError.status === 400) ? (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={saveError} />
        </div>
      ) : null}
      <div className="tb-template-layout">
        <div className="tb-template-main">
          <Form<TemplateForm>
            form={form}
            layout="vertical"
            disabled={readOnly}
            initialValues={{
              name: start?.name ?? '',
              channel: start?.channel ?? (params.get('channel') as Channel | null) ?? 'email',
              locale: initialLocale,
              subject: start?.subject ?? '',
              description: start?.description ?? '',
            }}
            onFinish={(v) => save.mutate(v)}
          >
            <Space wrap size={[16, 0]} align="start">
              <Form.Item
                label={t('templates.name')}
                name="name"
                extra={template ? undefined : t('templates.nameHint')}
                style={{ maxWidth: 280 }}
                rules={[{ required: true, message: t('templates.nameRequired') }]}
              >
                <Input style={{ width: 260 }} disabled={!!template || readOnly} />
              </Form.Item>
              <Form.Item label={t('templates.channel')} name="channel">
                <Select<Channel>
                  style={{ width: 160 }}
                  disabled={!!template || readOnly}
                  options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
                />
              </Form.Item>
              <Form.Item label={t('templates.locale')} name="locale">
                <Select<Locale>
                  style={{ width: 160 }}
                  disabled={!!template || readOnly}
                  options={TEMPLATE_LOCALES.map((l) => ({ value: l, label: t(`templates.localeName.${l}`) }))}
                />
              </Form.Item>
            </Space>
            {template && (
              <div className="tb-template-versions">
                <Typography.Text type="secondary">{t('templates.versions')}: </Typography.Text>
                {TEMPLATE_LOCALES.filter((l) => l !== template.locale).map((l) => {
                  const sibling = byLocale.get(l);
                  return sibling ? (
                    <Link key={l} to={`/templates/${sibling.id}`}>
                      <Tag color={TAG.blue} disabled={false}>
                        {t(`templates.localeName.${l}`)}
                      </Tag>
                    </Link>
                  ) : (
                    !readOnly && (
                      <Link key={l} to={`/templates/new?from=${template.id}&locale=${l}`}>
                        {t('templates.addLocale', { locale: t(`templates.localeName.${l}`) })}
                      </Link>
                    )
                  );
                })}
              </div>
            )}
            {channel === 'email' && (
              <Form.Item
                label={t('templates.subject')}
                name="subject"
                validateStatus={subjectProblems.length ? 'error' : undefined}
                help={subjectProblems.length ? subjectProblems.map((p) => problemText(t, p)).join('; ') : undefined}
              >
                <Input maxLength={500} />
              </Form.Item>
            )}
            <Form.Item label={t('templates.description')} name="description">
              <Input.TextArea maxLength={1000} autoSize={{ minRows: 1, maxRows: 3 }} />
            </Form.Item>
            <div className="tb-field-label" id="tb-template-body-label">
              {channel === 'email' ? t('templates.bodyHtml') : t('templates.bodyText')}
            </div>
            <TemplateCodeEditor
              ref={editor}
              value={body}
              onChange={(v) => {
                setBody(v);
                setBodyError([]);
              }}
              problems={diagnostics}
              checked={check.data?.body ?? null}
              variables={variables.data}
              readOnly={readOnly}
              label={channel === 'email' ? t('templates.bodyHtml') : t('templates.bodyText')}
              invalid={bodyInvalid}
            />
            {bodyError.length > 0 && (
              <div className="tb-template-save-problem" role="alert">
                {bodyError.join('; ')}
              </div>
            )}
            <section className="tb-template-problems" aria-label={t('templates.problems')} aria-live="polite">
              <Typography.Title level={2} style={{ fontSize: 15, marginTop: 12 }}>
                {t('templates.problems')}
              </Typography.Title>
              {check.isError ? (
                <ApiErrorAlert error={check.error} onRetry={() => void check.refetch()} />
              ) : problems.length === 0 ? (
                <Typography.Text type="secondary">
                  {checking ? t('templates.checking') : t('templates.noProblems')}
                </Typography.Text>
              ) : (
                <ul className="tb-problem-list">
                  {problems.map((p, i) => (
                    <li key={i} data-line={p.line ?? ''}>
                      {p.field === 'subject' ? (
                        <strong>{t('templates.atSubject')}</strong>
                      ) : (
                        <Button
                          type="link"
                          size="small"
                          className="tb-problem-place"
                          disabled={false}
                          onClick={() => editor.current?.goTo(p.line ?? 1, p.column ?? 1)}
                        >
                          {t('templates.at', { line: p.line ?? '—', column: p.column ?? '—' })}
                        </Button>
                      )}
                      : <span className="tb-problem-message">{problemText(t, p)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </section>
            {!readOnly && (
              <Space style={{ marginTop: 12 }}>
                <Button type="primary" htmlType="submit" loading={save.isPending}>
                  {t('templates.save')}
                </Button>
              </Space>
            )}
          </Form>
        </div>
        <aside className="tb-template-side">
          <Card size="small" title={t('templates.variables')}>
            <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
              {t('templates.variablesHint')}
            </Typography.Paragraph>
            {variables.isError ? (
              <ApiErrorAlert error={variables.error} onRetry={() => void variables.refetch()} />
            ) : (
              // Focusable so that the keyboard can scroll it too.
              <ul className="tb-variable-list" tabIndex={0} aria-label={t('templates.variables')}>
                {(variables.data?.variables ?? []).map((v) => (
                  <li key={v.name}>
                    {readOnly ? (
                      <code>{v.name}</code>
                    ) : (
                    <Button
                      type="link"
                      size="small"
                      aria-label={t('templates.insert', { name: v.name })}
                      onClick={() => editor.current?.insert(`{{${v.name}}}`)}
                    >
                      <code>{v.name}</code>
                    </Button>
                    )}
                    {v.example && <span className="tb-variable-example">{v.example}</span>}
                  </li>
                ))}
              </ul>
            )}
            {variables.data && (
              <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0, fontSize: 13 }}>
                {t('templates.helpers')}:{' '}
                {variables.data.helpers.map((h) => (
                  <code key={h} style={{ marginInlineEnd: 8 }}>
                    {h}
                  </code>
                ))}
              </Typography.Paragraph>
            )}
          </Card>
        </aside>
      </div>
      {template && (
        <TemplatePreview
          key={i18n.language}
          template={template}
          byLocale={byLocale}
          dirty={dirty}
          canSend={!readOnly}
          name={name}
        />
      )}
    </>
  );
}
