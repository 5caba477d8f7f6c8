import { useQuery } from '@tanstack/react-query';
import { Card, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { formatDate, formatDateTime, formatMoney } from '../../format';
import { DEFAULT_ATTRIBUTION_WINDOW } from '../reports/AttributionReport';

type Attribution = Schemas['ClientAttributionDto'];
type Purchase = Schemas['ClientPurchaseAttributionDto'];

/** Who may read reports (the API's roles for /reports). */
const READERS = ['admin', 'marketer', 'sales-ops'];
const SHOWN = 20;

/** A client's latest purchases, each with the touch it was credited to (the attribution rule). */
export function ClientAttributionCard({ id }: { id: string }) {
  const { session } = useSession();
  if (!session || !READERS.includes(session.staff.role)) return null;
  return <PurchasesCard id={id} />;
}

function PurchasesCard({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const data = useQuery({
    queryKey: ['client', id, 'attribution'],
    queryFn: () =>
      unwrap<Attribution>(
        api.GET('/api/v1/reports/attribution/clients/{clientId}', {
          params: { path: { clientId: id }, query: { limit: SHOWN } },
        }),
      ),
  });
  const windowDays = data.data?.windowDays ?? DEFAULT_ATTRIBUTION_WINDOW;
  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('attribution.client.title')}</h2>}
      size="small"
      data-testid="client-attribution"
    >
      {data.isError ? (
        <ApiErrorAlert error={data.error} onRetry={() => void data.refetch()} />
      ) : (
        <>
          <Table<Purchase>
            size="small"
            rowKey="purchaseId"
            loading={data.isPending}
            dataSource={data.data?.items ?? []}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: <EmptyText>{t('attribution.client.empty')}</EmptyText> }}
            columns={[
              {
                key: 'purchasedAt',
                title: t('attribution.client.purchasedAt'),
                render: (_, p) => formatDateTime(p.purchasedAt),
              },
              {
                key: 'amount',
                title: t('attribution.client.amount'),
                align: 'right',
                render: (_, p) => formatMoney(p.amount, p.currency, i18n.language),
              },
              {
                key: 'product',
                title: t('attribution.client.product'),
                render: (_, p) => p.product ?? <EmptyText>{t('common.none')}</EmptyText>,
              },
              {
                key: 'touch',
                title: t('attribution.client.touch'),
                render: (_, p) =>
                  p.attributedTo ? (
                    <Link to={`/campaigns/${p.attributedTo.campaignId}`}>
                      {t('attribution.client.touchText', {
                        campaign: p.attributedTo.campaignName ?? p.attributedTo.campaignId,
                        channel: t(`channel.${p.attributedTo.channel}`),
                        date: formatDate(p.attributedTo.sentAt),
                      })}
                    </Link>
                  ) : (
                    <EmptyText>{t('attribution.client.none')}</EmptyText>
                  ),
              },
            ]}
          />
          <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
            {t('attribution.client.note', {
              limit: SHOWN,
              window: t('attribution.windowDays', { count: windowDays }),
            })}
          </Typography.Text>
        </>
      )}
    </Card>
  );
}
