import { Space, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { TAG } from '../../components/colours';
import { formatDateTime } from '../../format';

/** A delivery's clicks and opens as the client timeline gives them (`data.engagement`). */
export interface DeliveryEngagementData {
  tracked: boolean;
  clicks: number;
  machineClicks: number;
  firstClickedAt: string | null;
  lastClickedAt: string | null;
  opened: boolean;
  opens: number;
  machineOpens: number;
  firstOpenedAt: string | null;
  lastOpenedAt: string | null;
}

const isEngagement = (v: unknown): v is DeliveryEngagementData =>
  typeof v === 'object' && v !== null && 'clicks' in v && 'tracked' in v;

/**
 * Under a delivery of the client timeline: a person's clicks (how many, first and last) and opens, and
 * the machines' (link scanners, Apple Mail Privacy Protection) flagged apart. Nothing for a delivery
 * whose message had no tracked links.
 */
export function DeliveryEngagement({ value }: { value: unknown }) {
  const { t } = useTranslation();
  if (!isEngagement(value)) return null;
  const e = value;
  if (!e.tracked) {
    return (
      <div data-testid="delivery-engagement">
        <Typography.Text type="secondary">{t('engagement.timeline.untracked')}</Typography.Text>
      </div>
    );
  }
  const clicks =
    e.clicks > 0
      ? `${t('engagement.timeline.clicks', { count: e.clicks })}: ${
          e.clicks === 1 || e.firstClickedAt === e.lastClickedAt
            ? formatDateTime(e.firstClickedAt)
            : t('engagement.timeline.clickedAt', {
                first: formatDateTime(e.firstClickedAt),
                last: formatDateTime(e.lastClickedAt),
              })
        }`
      : t('engagement.timeline.noClicks');
  return (
    <div data-testid="delivery-engagement">
      <Space wrap size={[8, 4]}>
        <Typography.Text data-testid="delivery-clicks" type={e.clicks > 0 ? undefined : 'secondary'}>
          {clicks}
        </Typography.Text>
        {e.opened && (
          <Typography.Text data-testid="delivery-opens">
            {t('engagement.timeline.opened', { count: e.opens, at: formatDateTime(e.firstOpenedAt) })}
          </Typography.Text>
        )}
        {(e.machineClicks > 0 || e.machineOpens > 0) && (
          <Tooltip title={t('engagement.timeline.machineHint')}>
            <Space size={4} wrap data-testid="delivery-machine">
              {e.machineClicks > 0 && (
                <Tag color={TAG.grey}>
                  {t('engagement.timeline.machineClicks', { count: e.machineClicks })}
                </Tag>
              )}
              {e.machineOpens > 0 && (
                <Tag color={TAG.grey}>{t('engagement.timeline.machineOpens', { count: e.machineOpens })}</Tag>
              )}
            </Space>
          </Tooltip>
        )}
      </Space>
    </div>
  );
}
