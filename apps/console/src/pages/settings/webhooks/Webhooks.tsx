import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Popconfirm, Result, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../../../api/client';
import { useSession } from '../../../auth/session';
import { ApiErrorAlert } from '../../../components/ApiErrorAlert';
import { TAG } from '../../../components/colours';
import { EmptyText } from '../../../components/EmptyText';
import { PageTitle } from '../../../components/Shell';
import { formatDateTime } from '../../../format';
import { SettingsBack } from '../SettingsBack';
import { EndpointModal, SecretModal } from './WebhookForms';
import { ENDPOINTS_KEY, type Endpoint, type EndpointWithSecret } from './webhookTypes';

/** Settings → Webhooks (admins): the endpoints, their state and last results, and what to do with them. */
export default function Webhooks() {
  const { t } = useTranslation();
  const { session } = useSession();
  // The server refuses anyway; the console does not offer what the role may not do.
  if (session?.staff.role !== 'admin') return <Result status="403" title={t('errors.forbidden')} />;
  return <WebhooksAdmin />;
}

/** Active, or disabled with its reason (and since when it fails, while it does). */
export function EndpointState({ endpoint }: { endpoint: Endpoint }) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" size={2}>
      {endpoint.active ? (
        <Tag color={TAG.green}>{t('webhooks.active')}</Tag>
      ) : (
        <Tag color={TAG.red}>
          {t('webhooks.disabled')}
          {endpoint.disabledReason && `: ${t(`webhooks.disabledReason.${endpoint.disabledReason}`)}`}
        </Tag>
      )}
      {endpoint.failingSince && (
        <Typography.Text type="danger">
          {t('webhooks.failingSince', { time: formatDateTime(endpoint.failingSince) })}
        </Typography.Text>
      )}
    </Space>
  );
}

export function useEndpointActions() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['webhooks'] });
  const ok = (text: string) => {
    setError(null);
    void message.success(text);
    void refresh();
  };
  const test = useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST('/api/v1/webhooks/endpoints/{id}/test', { params: { path: { id } } })),
    onSuccess: () => ok(t('webhooks.testQueued')),
    onError: setError,
  });
  const setActive = useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) =>
      unwrap(api.PATCH('/api/v1/webhooks/endpoints/{id}', { params: { path: { id } }, body: { active } })),
    onSuccess: (_, v) => ok(v.active ? t('webhooks.enabledDone') : t('webhooks.disabledDone')),
    onError: setError,
  });
  const rotate = useMutation({
    mutationFn: (id: string) =>
      unwrap<EndpointWithSecret>(
        api.POST('/api/v1/webhooks/endpoints/{id}/rotate-secret', { params: { path: { id } } }),
      ),
    onSuccess: (r) => {
      setError(null);
      setSecret(r.secret);
    },
    onError: setError,
  });
  return { test, setActive, rotate, secret, setSecret, error, refresh };
}

/** The buttons of one endpoint: test, enable/disable, rotate the secret, edit. */
export function EndpointButtons({
  endpoint,
  actions,
  onEdit,
}: {
  endpoint: Endpoint;
  actions: ReturnType<typeof useEndpointActions>;
  onEdit: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Space wrap size={4}>
      <Button
        size="small"
        onClick={() => actions.test.mutate(endpoint.id)}
        loading={actions.test.isPending}
        data-testid={`webhook-test-${endpoint.id}`}
      >
        {t('webhooks.test')}
      </Button>
      <Button size="small" onClick={onEdit} data-testid={`webhook-edit-${endpoint.id}`}>
        {t('webhooks.edit')}
      </Button>
      <Button
        size="small"
        onClick={() => actions.setActive.mutate({ id: endpoint.id, active: !endpoint.active })}
        data-testid={`webhook-toggle-${endpoint.id}`}
      >
        {endpoint.active ? t('webhooks.disable') : t('webhooks.enable')}
      </Button>
      <Popconfirm
        title={t('webhooks.rotateConfirm')}
        okText={t('webhooks.rotate')}
        cancelText={t('webhooks.cancel')}
        onConfirm={() => actions.rotate.mutate(endpoint.id)}
      >
        <Button size="small" data-testid={`webhook-rotate-${endpoint.id}`}>
          {t('webhooks.rotate')}
        </Button>
      </Popconfirm>
    </Space>
  );
}

function WebhooksAdmin() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [editing, setEditing] = useState<Endpoint | 'new' | null>(null);
  const actions = useEndpointActions();
  const endpoints = useQuery({
    queryKey: ENDPOINTS_KEY,
    queryFn: () => unwrap<Endpoint[]>(api.GET('/api/v1/webhooks/endpoints')),
    refetchInterval: 10_000,
  });
  const lastResult = (at: string | null, code?: number | null) =>
    at ? (
      <>
        {formatDateTime(at)}
        {code !== undefined && (
          <div>
            <Typography.Text type="secondary">
              {code === null ? t('webhooks.noResponse') : `HTTP ${code}`}
            </Typography.Text>
          </div>
        )}
      </>
    ) : (
      <Typography.Text type="secondary">{t('webhooks.never')}</Typography.Text>
    );
  return (
    <>
      <SettingsBack />
      <PageTitle
        extra={
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="webhook-add"
          >
            {t('webhooks.add')}
          </Button>
        }
      >
        {t('webhooks.title')}
      </PageTitle>
      <Typography.Paragraph style={{ maxWidth: 900 }}>{t('webhooks.intro')}</Typography.Paragraph>
      <p>
        <a href="/docs#/webhooks">{t('webhooks.docs')}</a>
      </p>
      {actions.error != null && <ApiErrorAlert error={actions.error} />}
      {endpoints.isError ? (
        <ApiErrorAlert error={endpoints.error} onRetry={() => void endpoints.refetch()} />
      ) : (
        <Table<Endpoint>
          size="small"
          rowKey="id"
          loading={endpoints.isPending}
          dataSource={endpoints.data ?? []}
          pagination={false}
          locale={{ emptyText: <EmptyText>{t('webhooks.empty')}</EmptyText> }}
          data-testid="webhooks-table"
          scroll={{ x: 'max-content' }}
          columns={[
            {
              title: t('webhooks.url'),
              key: 'url',
              render: (_: unknown, e) => (
                <>
                  <Link
                    to={`/settings/webhooks/${e.id}`}
                    style={{ wordBreak: 'break-all' }}
                    data-testid="webhook-link"
                  >
                    {e.url}
                  </Link>
                  {e.description && (
                    <div>
                      <Typography.Text type="secondary">{e.description}</Typography.Text>
                    </div>
                  )}
                </>
              ),
            },
            {
              title: t('webhooks.eventTypes'),
              key: 'events',
              render: (_: unknown, e) =>
                e.eventTypes.length === 0 ? (
                  <Tag color={TAG.blue}>{t('webhooks.allEvents')}</Tag>
                ) : (
                  <Space wrap size={[4, 4]}>
                    {e.eventTypes.map((type) => (
                      <Tag key={type} color={TAG.grey}>
                        {t(`webhooks.types.${type}`)}
                      </Tag>
                    ))}
                  </Space>
                ),
            },
            {
              title: t('webhooks.status'),
              key: 'status',
              render: (_: unknown, e) => <EndpointState endpoint={e} />,
            },
            {
              title: t('webhooks.lastSuccess'),
              key: 'lastSuccess',
              render: (_: unknown, e) => lastResult(e.lastSuccessAt),
            },
            {
              title: t('webhooks.lastFailure'),
              key: 'lastFailure',
              render: (_: unknown, e) => lastResult(e.lastFailureAt, e.lastFailureStatusCode),
            },
            {
              title: t('webhooks.actions'),
              key: 'actions',
              render: (_: unknown, e) => (
                <EndpointButtons endpoint={e} actions={actions} onEdit={() => setEditing(e)} />
              ),
            },
          ]}
        />
      )}
      {editing && (
        <EndpointModal
          endpoint={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onCreated={(created) => {
            setEditing(null);
            actions.setSecret(created.secret);
            void message.success(t('webhooks.created'));
            void actions.refresh();
          }}
          onSaved={() => {
            setEditing(null);
            void message.success(t('webhooks.saved'));
            void actions.refresh();
          }}
        />
      )}
      {actions.secret && <SecretModal secret={actions.secret} onClose={() => actions.setSecret(null)} />}
    </>
  );
}
