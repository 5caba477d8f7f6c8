import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Alert, Button, Card, Form, Input, Space, Spin, Table, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, unwrap } from '../../api/client';
import type { Category } from '../../api/types';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { TAG } from '../../components/colours';
import { EmptyText } from '../../components/EmptyText';
import { PageLoading } from '../../components/PageLoading';
import { PageTitle } from '../../components/Shell';
import { formatNumber } from '../../format';
import { RuleEditorProvider, RuleGroup, type RuleEditorContext } from './RuleEditor';
import {
  emptyRoot,
  problemsByNode,
  rootFromApi,
  toApi,
  updateNode,
  type ApiRule,
  type BuilderGroup,
  type Segment,
  type SegmentCount,
  type SegmentField,
} from './rules';
import { useRuleLabels } from './useRuleLabels';

const COUNT_DEBOUNCE_MS = 300;
const EXACT_POLL_MS = 1000;

/** The value, once it has stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export const useSegmentFields = () =>
  useQuery({
    queryKey: ['segments', 'fields'],
    queryFn: () => unwrap<{ items: SegmentField[] }>(api.GET('/api/v1/segments/fields')),
    staleTime: 30 * 60_000,
  });

export const canWriteSegments = (role: string | undefined) => role === 'admin' || role === 'marketer';

/** /segments/new and /segments/:id: the builder, with its live count and sample. */
export default function SegmentBuilder() {
  const { id } = useParams();
  const { t } = useTranslation();
  const fields = useSegmentFields();
  const segment = useQuery({
    queryKey: ['segments', 'one', id],
    enabled: !!id,
    queryFn: () => unwrap<Segment>(api.GET('/api/v1/segments/{id}', { params: { path: { id: id! } } })),
  });
  if (fields.isError) return <ApiErrorAlert error={fields.error} onRetry={() => void fields.refetch()} />;
  if (segment.isError) return <ApiErrorAlert error={segment.error} onRetry={() => void segment.refetch()} />;
  if (fields.isPending || (id && segment.isPending)) {
    return (
      <>
        <PageTitle>{id ? t('segments.title') : t('segments.newTitle')}</PageTitle>
        <PageLoading />
      </>
    );
  }
  return <Builder key={id ?? 'new'} fields={fields.data.items} segment={segment.data} />;
}

interface SegmentForm {
  name: string;
  description?: string;
}

function Builder({ fields, segment }: { fields: SegmentField[]; segment?: Segment }) {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const readOnly = !canWriteSegments(session?.staff.role);
  const [form] = Form.useForm<SegmentForm>();
  const [root, setRoot] = useState<BuilderGroup>(() =>
    segment ? rootFromApi(segment.rules as ApiRule) : emptyRoot(),
  );
  const [saveProblems, setSaveProblems] = useState<{ field: string; messages: string[] }[]>([]);
  const labels = useRuleLabels();

  const rules = useMemo(() => JSON.stringify(toApi(root)), [root]);
  const settledRules = useDebounced(rules, COUNT_DEBOUNCE_MS);
  const count = useQuery({
    queryKey: ['segments', 'count', settledRules],
    queryFn: () =>
      unwrap<SegmentCount>(
        api.POST('/api/v1/segments/count', {
          body: { rules: JSON.parse(settledRules) as Record<string, never> },
        }),
      ),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const hash = count.data && !count.data.exact && !count.isPlaceholderData ? count.data.ruleHash : null;
  const exact = useQuery({
    queryKey: ['segments', 'counts', hash],
    enabled: !!hash,
    queryFn: () =>
      unwrap<SegmentCount>(
        api.GET('/api/v1/segments/counts/{ruleHash}', { params: { path: { ruleHash: hash! } } }),
      ),
    refetchInterval: (q) => (q.state.data?.exact ? false : EXACT_POLL_MS),
  });
  const shown = hash && exact.data ? exact.data : count.data;

  const countError = count.isError ? count.error : null;
  const problems = useMemo(() => {
    const fromCount = countError instanceof ApiError ? (countError.body.details ?? []) : [];
    return problemsByNode(root, countError ? fromCount : saveProblems);
  }, [root, countError, saveProblems]);
  const invalid = count.isError && count.error instanceof ApiError && count.error.status === 400;

  const editor: RuleEditorContext = {
    fields,
    owners: labels.ownerOptions,
    topics: labels.topicOptions,
    problems,
    readOnly,
    update: (id, change) => {
      setSaveProblems([]);
      setRoot((r) => updateNode(r, id, change));
    },
  };

  const save = useMutation({
    mutationFn: (values: SegmentForm) => {
      const body = {
        name: values.name,
        description: values.description ?? '',
        rules: toApi(root) as unknown as Record<string, never>,
      };
      return unwrap<Segment>(
        segment
          ? api.PATCH('/api/v1/segments/{id}', { params: { path: { id: segment.id } }, body })
          : api.POST('/api/v1/segments', { body }),
      );
    },
    onSuccess: async (saved) => {
      void message.success(t('segments.saved'));
      await queryClient.invalidateQueries({ queryKey: ['segments'] });
      navigate(`/segments/${saved.id}`, { replace: true });
    },
    onError: (e) => {
      if (!(e instanceof ApiError)) return;
      const details = e.body.details ?? [];
      setSaveProblems(details.filter((d) => d.field.startsWith('rules')));
      const formFields = details
        .filter((d) => d.field === 'name' || d.field === 'description')
        .map((d) => ({ name: d.field as keyof SegmentForm, errors: d.messages }));
      if (e.status === 409) formFields.push({ name: 'name', errors: [e.body.message] });
      form.setFields(formFields);
    },
  });
  const saveError =
    save.error instanceof ApiError && (save.error.status === 400 || save.error.status === 409)
      ? null
      : save.error;

  const title = segment ? t('segments.editTitle', { name: segment.name }) : t('segments.newTitle');
  return (
    <>
      <PageTitle extra={<Link to="/segments">{t('segments.back')}</Link>}>{title}</PageTitle>
      {readOnly && <Alert type="info" showIcon title={t('segments.readOnly')} style={{ marginBottom: 12 }} />}
      {saveError ? (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={saveError} />
        </div>
      ) : null}
      <div className="tb-segment-layout">
        <div className="tb-segment-main">
          <Form<SegmentForm>
            form={form}
            layout="vertical"
            disabled={readOnly}
            initialValues={{ name: segment?.name ?? '', description: segment?.description ?? '' }}
            onFinish={(v) => save.mutate(v)}
          >
            <Form.Item
              label={t('segments.name')}
              name="name"
              rules={[{ required: true, whitespace: true, message: t('segments.nameRequired') }]}
            >
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item label={t('segments.description')} name="description">
              <Input.TextArea maxLength={2000} autoSize={{ minRows: 1, maxRows: 4 }} />
            </Form.Item>
            <Typography.Title level={2} style={{ fontSize: 16 }}>
              {t('segments.builder')}
            </Typography.Title>
            <RuleEditorProvider value={editor}>
              <RuleGroup node={root} depth={0} />
            </RuleEditorProvider>
            <p className="tb-rule-summary">
              <Typography.Text type="secondary">
                {labels.describe(JSON.parse(rules) as ApiRule)}
              </Typography.Text>
            </p>
            {!readOnly && (
              <Space>
                <Button type="primary" htmlType="submit" loading={save.isPending}>
                  {t('segments.save')}
                </Button>
                <Button htmlType="button" onClick={() => navigate('/segments')}>
                  {t('segments.cancel')}
                </Button>
              </Space>
            )}
          </Form>
        </div>
        <aside className="tb-segment-side" aria-label={t('segments.liveCount')}>
          <Card size="small" title={t('segments.liveCount')}>
            <div className="tb-live-count" aria-live="polite" data-testid="live-count">
              {count.isPending ? (
                <Spin size="small" />
              ) : invalid ? (
                <Typography.Text type="danger">{t('segments.ruleInvalid')}</Typography.Text>
              ) : count.isError ? (
                <ApiErrorAlert error={count.error} onRetry={() => void count.refetch()} />
              ) : shown ? (
                <>
                  <span className="tb-live-count-number" data-exact={shown.exact ? 'true' : 'false'}>
                    {formatNumber(shown.count, i18n.language)}
                  </span>{' '}
                  {!shown.exact && (
                    <Tag color={TAG.orange} title={t('segments.estimateHint')}>
                      {t('segments.estimate')}
                    </Tag>
                  )}
                  {(count.isFetching || (hash && !shown.exact)) && (
                    <span role="status">
                      <Spin size="small" />
                      <span className="tb-sr-only">{t('segments.counting')}</span>
                    </span>
                  )}
                </>
              ) : null}
            </div>
          </Card>
          <Card size="small" title={t('segments.sample')} style={{ marginTop: 12 }}>
            <Table<SegmentCount['sample'][number]>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={invalid ? [] : (shown?.sample ?? [])}
              locale={{
                emptyText: (
                  <EmptyText>
                    {shown && !shown.exact ? t('segments.sampleWaiting') : t('segments.sampleEmpty')}
                  </EmptyText>
                ),
              }}
              columns={[
                {
                  title: t('clients.name'),
                  dataIndex: 'name',
                  render: (name: string, c) => <Link to={`/clients/${c.id}`}>{name}</Link>,
                },
                {
                  title: t('clients.category'),
                  dataIndex: 'category',
                  width: 80,
                  render: (c: Category | null) => (c ? t(`category.${c}`) : t('common.none')),
                },
                {
                  title: t('clients.city'),
                  dataIndex: 'city',
                  render: (c: string | null) => c ?? t('common.none'),
                },
              ]}
            />
          </Card>
        </aside>
      </div>
    </>
  );
}
