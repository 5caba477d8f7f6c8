import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Flex, InputNumber, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { PageLoading } from '../../components/PageLoading';
import { formatDate, formatNumber } from '../../format';
import type { ReportRow } from '../reports/definitions';
import { csvUrl, fetchReport } from '../reports/ReportScreen';

const DEFAULT_DAYS = 30;
// Who may read the holdout report (the API refuses the others).
const READS_REPORTS: string[] = ['admin', 'marketer', 'sales-ops'];
const VERDICTS = ['touched-more', 'no-difference', 'held-out-more', 'too-few'] as const;
type Verdict = (typeof VERDICTS)[number];

/**
 * Touched against held-out clients (GET /api/v1/reports/holdout): a campaign's holdout when given a
 * campaign, else the workspace's control group over `period`. Revenue per client, the difference and
 * its 95% interval, and the verdict in words.
 */
export function HoldoutResult({
  campaignId,
  period,
  share,
}: {
  campaignId?: string;
  period?: string;
  /** The campaign's holdout share (shown with the figures). */
  share?: number;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const { session } = useSession();
  const allowed = READS_REPORTS.includes(session?.staff.role ?? '');
  const [days, setDays] = useState(DEFAULT_DAYS);
  const query: Record<string, string> = {
    ...(campaignId && { campaignId }),
    ...(period && { period }),
    days: String(days),
  };
  const report = useQuery({
    queryKey: ['reports', 'holdout', query],
    queryFn: () => fetchReport('holdout', query),
    placeholderData: keepPreviousData,
    enabled: allowed,
  });
  const money = (v: unknown) =>
    typeof v === 'number'
      ? new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v)
      : '—';
  const signed = (v: unknown) => (typeof v === 'number' && v > 0 ? `+${money(v)}` : money(v));
  const heldName = campaignId ? t('holdouts.result.heldOut') : t('holdouts.result.control');
  const title = campaignId ? t('holdouts.result.title') : t('holdouts.result.controlTitle');

  const body = () => {
    if (report.isError) return <ApiErrorAlert error={report.error} onRetry={() => void report.refetch()} />;
    if (report.isPending) return <PageLoading />;
    const s = report.data.summary as Record<string, string | number | boolean | null>;
    const verdict = (VERDICTS as readonly string[]).includes(String(s.verdict))
      ? (s.verdict as Verdict)
      : 'too-few';
    const words = t(`holdouts.result.verdict.${verdict}`, {
      difference: signed(s.difference),
      amount: money(typeof s.difference === 'number' ? -s.difference : null),
      low: signed(s.ciLow),
      high: signed(s.ciHigh),
      touched: formatNumber(Number(s.touched ?? 0), locale),
      heldOut: formatNumber(Number(s.heldOut ?? 0), locale),
    });
    const groups = report.data.tables.groups ?? [];
    return (
      <>
        <Alert
          type={verdict === 'touched-more' ? 'success' : verdict === 'held-out-more' ? 'warning' : 'info'}
          showIcon
          title={words}
          data-testid="holdout-verdict"
          style={{ marginBottom: 12 }}
        />
        {s.windowComplete === false && s.windowEndsAt ? (
          <Typography.Paragraph type="secondary">
            {t('holdouts.result.windowOpen', { date: formatDate(String(s.windowEndsAt)) })}
          </Typography.Paragraph>
        ) : null}
        <Table<ReportRow>
          rowKey="group"
          size="small"
          pagination={false}
          scroll={{ x: true }}
          dataSource={groups}
          data-testid="holdout-groups"
          columns={[
            {
              key: 'group',
              title: t('holdouts.result.group'),
              render: (_: unknown, r) => (r.group === 'touched' ? t('holdouts.result.touched') : heldName),
            },
            {
              key: 'clients',
              title: t('holdouts.result.clients'),
              align: 'right',
              render: (_: unknown, r) => formatNumber(Number(r.clients), locale),
            },
            {
              key: 'purchasers',
              title: t('holdouts.result.purchasers'),
              align: 'right',
              render: (_: unknown, r) => formatNumber(Number(r.purchasers), locale),
            },
            {
              key: 'revenue',
              title: t('holdouts.result.revenue'),
              align: 'right',
              render: (_: unknown, r) => money(r.revenue),
            },
            {
              key: 'mean',
              title: t('holdouts.result.mean'),
              align: 'right',
              render: (_: unknown, r) => money(r.meanRevenue),
            },
          ]}
        />
        <Descriptions
          size="small"
          style={{ marginTop: 12 }}
          column={{ xs: 1, md: 2 }}
          items={[
            ...(share !== undefined
              ? [
                  {
                    key: 'share',
                    label: t('holdouts.field.label'),
                    children: t('holdouts.field.review', { percent: formatNumber(share * 100, locale) }),
                  },
                ]
              : []),
            { key: 'difference', label: t('holdouts.result.difference'), children: signed(s.difference) },
            {
              key: 'interval',
              label: t('holdouts.result.interval'),
              children:
                s.ciLow === null
                  ? '—'
                  : t('holdouts.result.intervalValue', { low: signed(s.ciLow), high: signed(s.ciHigh) }),
            },
            {
              key: 'p',
              label: t('holdouts.result.pValue'),
              children:
                typeof s.pValue !== 'number'
                  ? '—'
                  : s.pValue < 0.0001
                    ? `< ${formatNumber(0.0001, locale)}`
                    : formatNumber(s.pValue, locale),
            },
            {
              key: 'runs',
              label: t('holdouts.result.runs'),
              children: formatNumber(Number(s.runs ?? 0), locale),
            },
          ]}
        />
      </>
    );
  };

  if (!allowed) return null;
  return (
    <Card
      size="small"
      title={<h2 className="tb-card-title">{title}</h2>}
      style={{ marginBottom: 16 }}
      data-testid="holdout-result"
    >
      <div style={{ marginBottom: 12 }}>
        <Flex gap={8} align="center" wrap>
          <label htmlFor={`holdout-days-${campaignId ?? 'control'}`}>{t('holdouts.result.days')}</label>
          <InputNumber
            id={`holdout-days-${campaignId ?? 'control'}`}
            min={1}
            max={365}
            value={days}
            onChange={(v) => setDays(typeof v === 'number' && v >= 1 && v <= 365 ? v : DEFAULT_DAYS)}
            style={{ width: 80 }}
          />
          <Button
            size="small"
            icon={<DownloadOutlined />}
            href={csvUrl('holdout', query, 'groups')}
            aria-label={t('holdouts.result.csv')}
          >
            CSV
          </Button>
        </Flex>
      </div>
      {body()}
    </Card>
  );
}
