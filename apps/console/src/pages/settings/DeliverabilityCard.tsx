import { useQuery } from '@tanstack/react-query';
import { Card, Descriptions, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { EmptyText } from '../../components/EmptyText';
import { api, unwrap, type Schemas } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { TAG } from '../../components/colours';
import { PageLoading } from '../../components/PageLoading';
import { formatDateTime } from '../../format';

type Deliverability = Schemas['DeliverabilityDto'];
type InboundEvent = Schemas['InboundEventDto'];

const OUTCOME_COLOUR: Record<InboundEvent['outcome'], string> = {
  bounced: TAG.red,
  recorded: TAG.gold,
  'opted-out': TAG.orange,
  'already-applied': TAG.grey,
  ignored: TAG.grey,
  unmatched: TAG.blue,
  kept: TAG.blue,
};

/** Settings (admins): DKIM, VERP and the bounce intake as configured, and what came back lately. */
export function DeliverabilityCard() {
  const { t } = useTranslation();
  const query = useQuery({
    queryKey: ['deliverability'],
    queryFn: () => unwrap<Deliverability>(api.GET('/api/v1/deliverability')),
  });
  return (
    <Card
      title={<h2 style={{ margin: 0, fontSize: 16 }}>{t('deliverability.title')}</h2>}
      style={{ marginTop: 16 }}
      data-testid="deliverability-card"
    >
      <Typography.Paragraph type="secondary">{t('deliverability.intro')}</Typography.Paragraph>
      {query.isPending ? (
        <PageLoading />
      ) : query.isError ? (
        <ApiErrorAlert error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <DeliverabilityBody data={query.data} />
      )}
    </Card>
  );
}

function DeliverabilityBody({ data }: { data: Deliverability }) {
  const { t } = useTranslation();
  const { dkim, inbound } = data;
  return (
    <>
      <Descriptions size="small" column={1} bordered data-testid="deliverability-status">
        <Descriptions.Item label={t('deliverability.dkim')}>
          {dkim.configured ? (
            <span data-testid="dkim-status">
              <Tag color={TAG.green}>{t('deliverability.dkimOn')}</Tag>
              {t('deliverability.domain')}: <b>{dkim.domain}</b>, {t('deliverability.selector')}:{' '}
              <b>{dkim.selector}</b>
            </span>
          ) : (
            <span data-testid="dkim-status">
              <Tag color={TAG.grey}>{t('deliverability.dkimOff')}</Tag>
              <Typography.Text type="secondary">{t('deliverability.dkimOffHint')}</Typography.Text>
            </span>
          )}
        </Descriptions.Item>
        {dkim.record && (
          <Descriptions.Item label={t('deliverability.record')}>
            <div>
              {t('deliverability.recordName')}:{' '}
              <Typography.Text code copyable>
                {dkim.record.name}
              </Typography.Text>
            </div>
            <div style={{ marginTop: 4 }}>
              {t('deliverability.recordValue')}:
              <Typography.Paragraph
                code
                copyable={{ text: dkim.record.strings.map((s) => `"${s}"`).join(' ') }}
                style={{ wordBreak: 'break-all', margin: '4px 0 0' }}
                data-testid="dkim-record"
              >
                {dkim.record.strings.map((s) => `"${s}"`).join(' ')}
              </Typography.Paragraph>
            </div>
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('deliverability.verp')}>
          <span data-testid="verp-status">
            {inbound.verpExample ? (
              <Typography.Text code>{inbound.verpExample}</Typography.Text>
            ) : (
              t('deliverability.verpOff')
            )}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('deliverability.smtp')}>
          <span data-testid="smtp-status">
            {inbound.smtpPort !== null
              ? t('deliverability.port', { port: inbound.smtpPort })
              : t('deliverability.off')}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('deliverability.imap')}>
          <span data-testid="imap-status">{inbound.imapMailbox ?? t('deliverability.off')}</span>
        </Descriptions.Item>
      </Descriptions>
      <h3 style={{ fontSize: 15, margin: '16px 0 8px' }}>{t('deliverability.events')}</h3>
      <Table<InboundEvent>
        size="small"
        rowKey="id"
        dataSource={data.events}
        pagination={false}
        locale={{ emptyText: <EmptyText>{t('deliverability.noEvents')}</EmptyText> }}
        data-testid="deliverability-events"
        columns={[
          {
            title: t('deliverability.receivedAt'),
            dataIndex: 'receivedAt',
            render: (v: string) => formatDateTime(v),
          },
          {
            title: t('deliverability.kindColumn'),
            dataIndex: 'kind',
            render: (k: InboundEvent['kind']) => t(`deliverability.kind.${k}`),
          },
          {
            title: t('deliverability.outcomeColumn'),
            dataIndex: 'outcome',
            render: (o: InboundEvent['outcome']) => (
              <Tag color={OUTCOME_COLOUR[o]}>{t(`deliverability.outcome.${o}`)}</Tag>
            ),
          },
          {
            title: t('deliverability.recipient'),
            dataIndex: 'recipient',
            render: (v: string | null) => v ?? '—',
          },
          {
            title: t('deliverability.status'),
            dataIndex: 'statusCode',
            render: (v: string | null) => v ?? '—',
          },
          {
            title: t('deliverability.via'),
            dataIndex: 'via',
            render: (v: InboundEvent['via']) => t(`deliverability.viaName.${v}`),
          },
        ]}
      />
    </>
  );
}
