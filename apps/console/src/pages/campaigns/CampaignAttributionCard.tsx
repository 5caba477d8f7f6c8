import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Col, Flex, Form, Row, Select, Statistic, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageLoading } from '../../components/PageLoading';
import {
  ATTRIBUTION_FIGURES,
  AttributionWindowSelect,
  DEFAULT_ATTRIBUTION_WINDOW,
  useAttributionFormat,
} from '../reports/AttributionReport';
import { periodKey } from '../reports/filters';
import { fetchReport } from '../reports/ReportScreen';

const FIGURES = ATTRIBUTION_FIGURES;

/** Who may read reports (the API's roles for /reports). */
const READERS = ['admin', 'marketer', 'sales-ops'];

/** The periods offered: this and last month, this and last quarter, this and last year. */
function recentPeriods(): string[] {
  const now = dayjs();
  return [
    periodKey('month', now),
    periodKey('month', now.subtract(1, 'month')),
    periodKey('quarter', now),
    periodKey('quarter', now.subtract(3, 'month')),
    periodKey('year', now),
    periodKey('year', now.subtract(1, 'year')),
  ];
}

const periodLabel = (key: string) =>
  /^\d{4}-\d{2}$/.test(key) ? dayjs(`${key}-01`).format('MMMM YYYY') : key;

/** A campaign's purchases attribution: its row of the attribution report, for a period and window. */
export function CampaignAttributionCard({ campaignId }: { campaignId: string }) {
  const { session } = useSession();
  if (!session || !READERS.includes(session.staff.role)) return null;
  return <AttributionCard campaignId={campaignId} />;
}

function AttributionCard({ campaignId }: { campaignId: string }) {
  const { t } = useTranslation();
  const periods = recentPeriods();
  const [period, setPeriod] = useState(periods[0]);
  // Until one is chosen, the workspace's window (the API's default: engagement settings).
  const [chosen, setWindowDays] = useState<number | null>(null);
  const query: Record<string, string> = chosen === null ? { period } : { period, windowDays: String(chosen) };
  const report = useQuery({
    queryKey: ['reports', 'attribution', query],
    queryFn: () => fetchReport('attribution', query),
    placeholderData: keepPreviousData,
  });
  const windowDays = chosen ?? Number(report.data?.summary.windowDays ?? DEFAULT_ATTRIBUTION_WINDOW);
  const currency = (report.data?.summary.currency as string | undefined) ?? null;
  const format = useAttributionFormat(currency);
  const row = report.data?.tables.byCampaign?.find((r) => r.campaignId === campaignId);
  const reportLink = `/reports/attribution?period=${period}${chosen === null ? '' : `&windowDays=${chosen}`}`;

  return (
    <Card
      size="small"
      title={<h2 className="tb-card-title">{t('attribution.card.title')}</h2>}
      extra={<Link to={reportLink}>{t('attribution.card.open')}</Link>}
      style={{ marginBottom: 16 }}
      data-testid="campaign-attribution"
    >
      <Form layout="inline" style={{ rowGap: 8, marginBottom: 12 }}>
        <Form.Item label={t('attribution.card.period')} htmlFor="campaign-attribution-period">
          <Select<string>
            id="campaign-attribution-period"
            aria-label={t('attribution.card.period')}
            value={period}
            style={{ width: 170 }}
            options={periods.map((p) => ({ value: p, label: periodLabel(p) }))}
            onChange={setPeriod}
          />
        </Form.Item>
        <Form.Item label={t('attribution.window')} htmlFor="campaign-attribution-window">
          <AttributionWindowSelect
            id="campaign-attribution-window"
            value={windowDays}
            onChange={setWindowDays}
          />
        </Form.Item>
      </Form>
      {report.isError ? (
        <ApiErrorAlert error={report.error} onRetry={() => void report.refetch()} />
      ) : report.isPending ? (
        <PageLoading />
      ) : !row ? (
        <Typography.Text type="secondary">{t('attribution.card.none')}</Typography.Text>
      ) : (
        <Flex vertical gap={8}>
          <Row gutter={[12, 12]}>
            {FIGURES.map(([key, kind]) => (
              <Col key={key} xs={12} md={8} xl={3}>
                <div data-testid={`campaign-attribution-${key}`}>
                  <Statistic
                    title={t(`attribution.col.${key}`)}
                    value={Number(row[key] ?? 0)}
                    formatter={() => format(kind, row[key])}
                  />
                </div>
              </Col>
            ))}
          </Row>
          <Typography.Text type="secondary">
            {t('attribution.card.note', { window: t('attribution.windowDays', { count: windowDays }) })}
          </Typography.Text>
        </Flex>
      )}
    </Card>
  );
}
