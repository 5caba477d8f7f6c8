import { useQuery } from '@tanstack/react-query';
import { Form, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import type { Page } from '../../api/types';
import { HoldoutResult } from '../campaigns/HoldoutResult';
import { ReportFilters, useReportParams } from './filters';

const CONTROL = 'control';

/** Reports › Holdouts: a campaign's holdout, or the control group over a period, against the touched. */
export function HoldoutReport() {
  const { t } = useTranslation();
  const { get, set } = useReportParams();
  const subject = get('campaign') ?? CONTROL;
  const period = get('period') ?? undefined;
  const campaigns = useQuery({
    queryKey: ['campaigns', 'picker', 'holdout'],
    queryFn: () =>
      unwrap<Page<Schemas['CampaignDto']>>(
        api.GET('/api/v1/campaigns', { params: { query: { limit: 100 } } }),
      ),
    staleTime: 60_000,
  });
  const held = (campaigns.data?.items ?? []).filter((c) => c.holdoutShare > 0);
  return (
    <>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 900 }}>
        {t('holdouts.report.intro')}
      </Typography.Paragraph>
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={t('holdouts.report.subject')}>
          <Select
            aria-label={t('holdouts.report.subject')}
            showSearch={{ optionFilterProp: 'label' }}
            loading={campaigns.isPending}
            value={subject}
            style={{ width: 320, maxWidth: '100%' }}
            options={[
              { value: CONTROL, label: t('holdouts.report.controlGroup') },
              ...held.map((c) => ({ value: c.id, label: c.name })),
            ]}
            onChange={(v: string) => set({ campaign: v === CONTROL ? null : v })}
          />
        </Form.Item>
      </Form>
      {subject === CONTROL ? (
        <>
          {/* The control group over a period (this month by default); a campaign over all its runs. */}
          <ReportFilters filters={['period']} />
          <HoldoutResult key="control" period={period} />
        </>
      ) : (
        <HoldoutResult
          key={subject}
          campaignId={subject}
          share={held.find((c) => c.id === subject)?.holdoutShare}
        />
      )}
    </>
  );
}
