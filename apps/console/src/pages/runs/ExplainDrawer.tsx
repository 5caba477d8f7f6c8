import { useQuery } from '@tanstack/react-query';
import { Alert, Drawer, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageLoading } from '../../components/PageLoading';
import { formatDateTime } from '../../format';
import { useReasonText } from '../../texts';
import { CapHits, DeliveryStatusTag, type Explanation } from './shared';

/** Why a client got what it got in a run, or nothing — in the person's language. */
export function ExplainDrawer({
  runId,
  clientId,
  clientName,
  onClose,
}: {
  runId: string;
  clientId: string | null;
  clientName?: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ['run-explain', runId, clientId],
    enabled: clientId !== null,
    queryFn: () =>
      unwrap<Explanation>(
        api.GET('/api/v1/runs/{id}/explain/{clientId}', {
          params: { path: { id: runId, clientId: clientId! } },
        }),
      ),
  });
  return (
    <Drawer
      open={clientId !== null}
      onClose={onClose}
      title={clientName ? t('runs.deliveries.whyFor', { client: clientName }) : t('runs.explain.title')}
      size="large"
      destroyOnHidden
      closable={{ 'aria-label': t('runs.explain.close') }}
    >
      {query.isError ? (
        <ApiErrorAlert error={query.error} onRetry={() => void query.refetch()} />
      ) : query.isPending ? (
        <PageLoading />
      ) : (
        <ExplanationText e={query.data} />
      )}
    </Drawer>
  );
}

export function ExplanationText({ e }: { e: Explanation }) {
  const { t, i18n } = useTranslation();
  const reasonText = useReasonText();
  const d = e.delivery;
  const status = d ? t(`deliveryStatus.${d.status}`, { defaultValue: d.status }) : '';
  const summary = !d
    ? t('runs.explain.notInAudience', { client: e.clientName })
    : !d.reason
      ? t('runs.explain.got', {
          client: e.clientName,
          status,
          channel: d.channel ? t(`channel.${d.channel}`) : t('runs.deliveries.noChannel'),
          at: formatDateTime(d.sentAt ?? d.scheduledAt),
        })
      : d.status === 'suppressed'
        ? t('runs.explain.gotNothing', { client: e.clientName, reason: reasonText(d.reason) })
        : t('runs.explain.other', { client: e.clientName, status, reason: reasonText(d.reason) });
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="explanation">
      <div>
        <Typography.Text type="secondary">{t('runs.explain.client')}: </Typography.Text>
        <Link to={`/clients/${e.clientId}`} style={{ textDecoration: 'underline' }}>
          {e.clientName}
        </Link>
        {d && (
          <>
            {' '}
            <DeliveryStatusTag status={d.status} />
          </>
        )}
      </div>
      <Alert
        type={!d || d.status === 'suppressed' || d.status === 'failed' ? 'warning' : 'info'}
        showIcon
        title={<span data-testid="explanation-summary">{summary}</span>}
      />
      {e.displacedBy && (
        <Typography.Paragraph>
          {t('runs.explain.displacedBy', { campaign: e.displacedBy })}
        </Typography.Paragraph>
      )}
      {d?.reason === 'frequency-cap' && (
        <section aria-labelledby="caps-title">
          <Typography.Title level={2} style={{ fontSize: 16 }} id="caps-title">
            {t('runs.explain.capsTitle')}
          </Typography.Title>
          {e.caps.length ? (
            <CapHits caps={e.caps} testId="explanation-caps" />
          ) : (
            <Typography.Text>{t('runs.explain.capsNone')}</Typography.Text>
          )}
        </section>
      )}
      {d?.error && <Typography.Paragraph>{t('runs.explain.error', { error: d.error })}</Typography.Paragraph>}
      {d && d.attempts > 1 && (
        <Typography.Text type="secondary">
          {t('runs.explain.attempts', { count: d.attempts })}
        </Typography.Text>
      )}
      {/* The planner's own record is in English: shown to those reading English. */}
      {i18n.language === 'en' && (
        <section aria-labelledby="planner-record">
          <Typography.Title level={2} style={{ fontSize: 16 }} id="planner-record">
            {t('runs.explain.server')}
          </Typography.Title>
          <Typography.Paragraph data-testid="explanation-server">{e.explanation}</Typography.Paragraph>
          {e.details.length > 0 && (
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {e.details.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
        </section>
      )}
    </Space>
  );
}
