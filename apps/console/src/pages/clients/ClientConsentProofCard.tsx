import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { TAG } from '../../components/colours';
import { formatDateTime } from '../../format';
import { useConsentText } from '../../texts';

type Evidence = Schemas['ConsentEvidenceDto'];
type Row = Schemas['ConsentEvidenceRowDto'];

/** Who may download the evidence (the API's roles) and the personal data (admins only). */
const EVIDENCE_ROLES = ['admin', 'sales-ops'];
const CHANNELS = ['email', 'sms', 'call', 'letter'] as const;

/**
 * The client's consents to promotional messages (38-FZ art. 18): the state per channel, every consent
 * and withdrawal with its source and wording version, and the downloads that prove them.
 */
export function ClientConsentProofCard({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const { session } = useSession();
  const consentText = useConsentText();
  const role = session?.staff.role ?? '';
  const data = useQuery({
    queryKey: ['client', id, 'consents'],
    queryFn: () => unwrap<Evidence>(api.GET('/api/v1/clients/{id}/consents', { params: { path: { id } } })),
  });
  const lang = i18n.language.startsWith('en') ? 'en' : 'ru';
  const base = `/api/v1/clients/${encodeURIComponent(id)}`;
  const state = (v: boolean | null) =>
    v === null ? (
      <Tag>{t('consent.never')}</Tag>
    ) : v ? (
      <Tag color={TAG.green}>{t('consent.given')}</Tag>
    ) : (
      <Tag color={TAG.red}>{t('consent.withdrawn')}</Tag>
    );
  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('consent.title')}</h2>}
      size="small"
      data-testid="client-consent-proof"
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('consent.intro')}
      </Typography.Paragraph>
      {EVIDENCE_ROLES.includes(role) && (
        <Space wrap style={{ marginBottom: 8 }}>
          <Button
            size="small"
            icon={<DownloadOutlined />}
            href={`${base}/consent-evidence?format=csv`}
            download
          >
            {t('consent.csv')}
          </Button>
          <Button
            size="small"
            icon={<DownloadOutlined />}
            href={`${base}/consent-evidence?format=pdf&lang=${lang}`}
            download
          >
            {t('consent.pdf')}
          </Button>
          {role === 'admin' && (
            <Button size="small" icon={<DownloadOutlined />} href={`${base}/personal-data`} download>
              {t('consent.personalData')}
            </Button>
          )}
        </Space>
      )}
      {data.isError ? (
        <ApiErrorAlert error={data.error} onRetry={() => void data.refetch()} />
      ) : (
        <>
          <Space wrap style={{ marginBottom: 8 }} data-testid="client-consent-state">
            <Typography.Text strong>{t('consent.state')}:</Typography.Text>
            {data.data &&
              CHANNELS.map((ch) => (
                <span key={ch}>
                  {t(`channel.${ch}`)} {state(data.data.state[ch])}
                </span>
              ))}
          </Space>
          <Table<Row>
            size="small"
            rowKey="id"
            loading={data.isPending}
            data-testid="client-consent-proof-log"
            dataSource={[...(data.data?.items ?? [])].reverse()}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: <EmptyText>{t('consent.empty')}</EmptyText> }}
            columns={[
              { title: t('consent.when'), dataIndex: 'at', render: formatDateTime, width: 150 },
              {
                title: t('consent.record'),
                dataIndex: 'kind',
                render: (k: Row['kind']) => t(`consent.kind.${k}`, { defaultValue: k }),
              },
              {
                title: t('consent.channel'),
                dataIndex: 'channel',
                render: (c: string | null) => (c ? t(`channel.${c}`, { defaultValue: c }) : '—'),
              },
              { title: t('consent.topic'), dataIndex: 'topic', render: (v: string | null) => v ?? '—' },
              {
                title: t('consent.action'),
                dataIndex: 'action',
                render: (a: Row['action']) => (
                  <Tag color={a === 'granted' ? TAG.green : TAG.red}>{t(`consent.actions.${a}`)}</Tag>
                ),
              },
              {
                title: t('consent.source'),
                dataIndex: 'source',
                render: (s: string) => consentText.source(s),
              },
              {
                title: t('consent.wording'),
                dataIndex: 'wordingVersion',
                render: (v: string | null) => v ?? '—',
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
