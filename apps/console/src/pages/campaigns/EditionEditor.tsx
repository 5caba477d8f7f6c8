import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  Col,
  Form,
  Input,
  Popconfirm,
  Result,
  Row,
  Segmented,
  Select,
  Space,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, unwrap } from '../../api/client';
import type { Locale } from '../../api/types';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageLoading } from '../../components/PageLoading';
import { PageTitle } from '../../components/Shell';
import {
  fieldPath,
  formatLocal,
  useCanWrite,
  type Campaign,
  type Edition,
  type EditionBlock,
} from './shared';
import { useUpcoming } from './CampaignPage';

interface EditionValues {
  subjectRu?: string;
  subjectEn?: string;
  blocks: EditionBlock[];
}

const BLOCK_TYPES: EditionBlock['type'][] = ['heading', 'paragraph', 'link', 'image'];

/** /campaigns/:id/editions/:periodKey — the content of one period, with a preview in each language. */
export default function EditionEditor() {
  const { id, periodKey } = useParams();
  const { t } = useTranslation();
  const canWrite = useCanWrite();
  const campaign = useQuery({
    queryKey: ['campaigns', id],
    queryFn: () => unwrap<Campaign>(api.GET('/api/v1/campaigns/{id}', { params: { path: { id: id! } } })),
  });
  const edition = useQuery({
    queryKey: ['campaigns', id, 'editions', periodKey],
    queryFn: async () => {
      try {
        return await unwrap<Edition>(
          api.GET('/api/v1/campaigns/{id}/editions/{periodKey}', {
            params: { path: { id: id!, periodKey: periodKey! } },
          }),
        );
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });
  if (!canWrite) return <Result status="403" title={t('errors.forbidden')} />;
  if (campaign.isError)
    return <ApiErrorAlert error={campaign.error} onRetry={() => void campaign.refetch()} />;
  if (edition.isError) return <ApiErrorAlert error={edition.error} onRetry={() => void edition.refetch()} />;
  if (!campaign.data || edition.data === undefined) return <PageLoading />;
  return <EditionForm campaign={campaign.data} periodKey={periodKey!} edition={edition.data} />;
}

function EditionForm({
  campaign,
  periodKey,
  edition,
}: {
  campaign: Campaign;
  periodKey: string;
  edition: Edition | null;
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<EditionValues>();
  const [locale, setLocale] = useState<Locale>(i18n.language === 'en' ? 'en' : 'ru');
  const values = Form.useWatch([], form) as EditionValues | undefined;
  const { occurrences } = useUpcoming(campaign);
  const occurrence = occurrences.find((o) => o.periodKey === periodKey);
  const back = `/campaigns/${campaign.id}`;

  const done = (text: string) => {
    void message.success(text);
    void queryClient.invalidateQueries({ queryKey: ['campaigns', campaign.id] });
    void queryClient.invalidateQueries({ queryKey: ['calendar'] });
    navigate(back);
  };
  const save = useMutation({
    mutationFn: (body: EditionValues) =>
      unwrap<Edition>(
        api.PUT('/api/v1/campaigns/{id}/editions/{periodKey}', {
          params: { path: { id: campaign.id, periodKey } },
          body: {
            subjectRu: body.subjectRu ?? null,
            subjectEn: body.subjectEn ?? null,
            blocks: (body.blocks ?? []).map((b) => ({
              type: b.type,
              ...(b.ru && { ru: b.ru }),
              ...(b.en && { en: b.en }),
              ...(b.url?.trim() && { url: b.url.trim() }),
            })),
          },
        }),
      ),
    onSuccess: () => done(t('campaigns.editions.saved', { period: periodKey })),
    onError: (error) => {
      if (error instanceof ApiError) {
        form.setFields(
          (error.body.details ?? []).map((d) => ({ name: fieldPath(d.field) as never, errors: d.messages })),
        );
      }
    },
  });
  const remove = useMutation({
    mutationFn: () =>
      unwrap(
        api.DELETE('/api/v1/campaigns/{id}/editions/{periodKey}', {
          params: { path: { id: campaign.id, periodKey } },
        }),
      ),
    onSuccess: () => done(t('campaigns.editions.deleted', { period: periodKey })),
  });

  return (
    <>
      <PageTitle>{t('campaigns.editions.editTitle', { name: campaign.name, period: periodKey })}</PageTitle>
      <Space wrap size={[8, 8]} style={{ marginBottom: 12 }}>
        <Link to={back}>{t('campaigns.editions.toCampaign')}</Link>
        <Typography.Text type="secondary">
          {occurrence
            ? t('campaigns.editions.goesOut', { when: formatLocal(occurrence.local, i18n.language) })
            : t('campaigns.editions.notUpcoming')}
        </Typography.Text>
        {!edition && <span className="tb-warning-text">{t('campaigns.editions.new')}</span>}
      </Space>
      {(save.isError || remove.isError) && (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={save.error ?? remove.error} />
        </div>
      )}
      <Row gutter={16}>
        <Col xs={24} lg={13}>
          <Form<EditionValues>
            form={form}
            layout="vertical"
            initialValues={{
              subjectRu: edition?.subjectRu ?? undefined,
              subjectEn: edition?.subjectEn ?? undefined,
              blocks: edition?.blocks ?? [{ type: 'paragraph' }],
            }}
            onFinish={(v) => save.mutate(v)}
          >
            <Row gutter={12}>
              <Col xs={24} md={12}>
                <Form.Item name="subjectRu" label={t('campaigns.editions.subjectRu')}>
                  <Input maxLength={300} />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name="subjectEn" label={t('campaigns.editions.subjectEn')}>
                  <Input maxLength={300} />
                </Form.Item>
              </Col>
            </Row>
            <Form.List name="blocks">
              {(fields, { add, remove: drop, move }) => (
                <>
                  {fields.map((field, i) => (
                    <BlockFields
                      key={field.key}
                      name={field.name}
                      n={i + 1}
                      first={i === 0}
                      last={i === fields.length - 1}
                      onUp={() => move(i, i - 1)}
                      onDown={() => move(i, i + 1)}
                      onRemove={() => drop(field.name)}
                    />
                  ))}
                  <Space wrap style={{ marginBottom: 16 }}>
                    {BLOCK_TYPES.map((type) => (
                      <Button key={type} onClick={() => add({ type })}>
                        {t('campaigns.editions.add', { type: t(`campaigns.editions.type.${type}`) })}
                      </Button>
                    ))}
                  </Space>
                </>
              )}
            </Form.List>
            <Space wrap>
              <Button type="primary" htmlType="submit" loading={save.isPending}>
                {t('common.save')}
              </Button>
              <Button onClick={() => navigate(back)}>{t('common.cancel')}</Button>
              {edition && (
                <Popconfirm
                  title={t('campaigns.editions.deleteConfirm', { period: periodKey })}
                  okText={t('campaigns.editions.delete')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => remove.mutate()}
                >
                  <Button danger loading={remove.isPending}>
                    {t('campaigns.editions.delete')}
                  </Button>
                </Popconfirm>
              )}
            </Space>
          </Form>
        </Col>
        <Col xs={24} lg={11}>
          <Card
            size="small"
            title={<h2 className="tb-card-title">{t('campaigns.editions.preview')}</h2>}
            extra={
              <Segmented<Locale>
                aria-label={t('campaigns.editions.previewLanguage')}
                size="small"
                value={locale}
                onChange={setLocale}
                options={[
                  { value: 'ru', label: t('language.ru') },
                  { value: 'en', label: t('language.en') },
                ]}
              />
            }
          >
            <EditionPreview values={values} locale={locale} />
          </Card>
        </Col>
      </Row>
    </>
  );
}

function BlockFields({
  name,
  n,
  first,
  last,
  onUp,
  onDown,
  onRemove,
}: {
  name: number;
  n: number;
  first: boolean;
  last: boolean;
  onUp: () => void;
  onDown: () => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const form = Form.useFormInstance<EditionValues>();
  const type = Form.useWatch(['blocks', name, 'type'], form) as EditionBlock['type'] | undefined;
  const withUrl = type === 'link' || type === 'image';
  const multiline = type === 'paragraph';
  const Text = multiline ? Input.TextArea : Input;
  return (
    <Card
      size="small"
      style={{ marginBottom: 8 }}
      title={t('campaigns.editions.block', { n })}
      extra={
        <Space size={4}>
          <Button size="small" disabled={first} onClick={onUp} aria-label={t('campaigns.editions.up', { n })}>
            ↑
          </Button>
          <Button
            size="small"
            disabled={last}
            onClick={onDown}
            aria-label={t('campaigns.editions.down', { n })}
          >
            ↓
          </Button>
          <Button size="small" danger onClick={onRemove}>
            {t('campaigns.editions.remove')}
          </Button>
        </Space>
      }
    >
      <Form.Item name={[name, 'type']} label={t('campaigns.editions.blockType')} style={{ marginBottom: 8 }}>
        <Select
          options={BLOCK_TYPES.map((v) => ({ value: v, label: t(`campaigns.editions.type.${v}`) }))}
          style={{ maxWidth: 220 }}
        />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={24} md={12}>
          <Form.Item
            name={[name, 'ru']}
            label={type === 'image' ? t('campaigns.editions.altRu') : t('campaigns.editions.textRu')}
            style={{ marginBottom: 8 }}
          >
            <Text {...(multiline ? { rows: 3 } : {})} maxLength={20000} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name={[name, 'en']}
            label={type === 'image' ? t('campaigns.editions.altEn') : t('campaigns.editions.textEn')}
            style={{ marginBottom: 8 }}
          >
            <Text {...(multiline ? { rows: 3 } : {})} maxLength={20000} />
          </Form.Item>
        </Col>
      </Row>
      {withUrl && (
        <Form.Item
          name={[name, 'url']}
          label={t('campaigns.editions.url')}
          rules={[
            { required: true, message: t('campaigns.form.required') },
            { type: 'url', message: t('campaigns.editions.urlInvalid') },
          ]}
          style={{ marginBottom: 8 }}
        >
          <Input type="url" placeholder="https://" maxLength={2000} />
        </Form.Item>
      )}
    </Card>
  );
}

/** The edition as a client reads it: the language chosen, the other one where a text is missing. */
function EditionPreview({ values, locale }: { values: EditionValues | undefined; locale: Locale }) {
  const { t } = useTranslation();
  const pick = (ru?: string | null, en?: string | null) =>
    (locale === 'ru' ? ru?.trim() || en?.trim() : en?.trim() || ru?.trim()) || '';
  const subject = pick(values?.subjectRu, values?.subjectEn);
  const blocks = values?.blocks ?? [];
  return (
    <article lang={locale} className="tb-edition-preview" data-testid="edition-preview">
      <div>
        <Typography.Text type="secondary">{t('campaigns.editions.subject')}: </Typography.Text>
        <Typography.Text strong>{subject || t('campaigns.editions.noSubject')}</Typography.Text>
      </div>
      <hr />
      {blocks.length === 0 && (
        <Typography.Text type="secondary">{t('campaigns.editions.noBlocks')}</Typography.Text>
      )}
      {blocks.map((b, i) => {
        const text = pick(b?.ru, b?.en);
        switch (b?.type) {
          case 'heading':
            return text ? (
              <p key={i} className="tb-edition-heading">
                {text}
              </p>
            ) : null;
          case 'link':
            return (
              <p key={i}>
                {b.url ? (
                  <a href={b.url} target="_blank" rel="noreferrer noopener">
                    {text || b.url}
                  </a>
                ) : (
                  text
                )}
              </p>
            );
          case 'image':
            return (
              <p key={i} className="tb-edition-image">
                {t('campaigns.editions.imageAt', { alt: text || '—', url: b.url || '—' })}
              </p>
            );
          default:
            return text ? (
              <p key={i} style={{ whiteSpace: 'pre-wrap' }}>
                {text}
              </p>
            ) : null;
        }
      })}
    </article>
  );
}
