import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import type { operations } from '../../api/schema';
import { TAG } from '../../components/colours';
import { formatDate, formatDateTime } from '../../format';

export type Run = Schemas['RunDto'];
export type RunStatus = Run['status'];
export type RunProgress = Schemas['RunProgressDto'];
export type Delivery = Schemas['DeliveryDto'];
export type DeliveryStatus = Delivery['status'];
export type Explanation = Schemas['ExplanationDto'];
export type CapHit = Schemas['CapHitDto'];

export const RUN_STATUSES: RunStatus[] = [
  'planned',
  'planning',
  'dispatching',
  'held',
  'completed',
  'cancelled',
  'missed',
  'failed',
];
export const CANCELLABLE: RunStatus[] = ['planned', 'held', 'planning', 'dispatching'];
export const FINISHED: RunStatus[] = ['completed', 'cancelled', 'failed', 'missed'];

export const DELIVERY_STATUSES: DeliveryStatus[] = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'bounced',
  'suppressed',
  'cancelled',
];

export type Reason = NonNullable<NonNullable<operations['Runs_deliveries']['parameters']['query']>['reason']>;
export const REASONS: Reason[] = [
  'opted-out',
  'topic-unsubscribed',
  'channel-not-allowed',
  'no-contact-data',
  'suppression-list',
  'no-consent',
  'control-group',
  'holdout',
  'frequency-cap',
  'quiet-hours-expired',
  'displaced',
  'run-cancelled',
  'run-failed',
  'client-archived',
  'attempts-exhausted',
  'wrong-number',
  'no-answer',
];

const RUN_COLOURS: Record<RunStatus, string> = {
  planned: TAG.grey,
  planning: TAG.blue,
  dispatching: TAG.blue,
  held: TAG.gold,
  completed: TAG.green,
  cancelled: TAG.grey,
  missed: TAG.orange,
  failed: TAG.red,
};

export const DELIVERY_COLOURS: Record<DeliveryStatus, string> = {
  queued: TAG.grey,
  sending: TAG.blue,
  sent: TAG.blue,
  delivered: TAG.green,
  failed: TAG.red,
  bounced: TAG.red,
  suppressed: TAG.orange,
  cancelled: TAG.grey,
};

/** A run's period: its key (2026-12), or the time of a manual run. */
export const periodText = (r: Pick<Run, 'periodKey' | 'occurrenceAt'>) =>
  r.periodKey.startsWith('manual-') ? formatDateTime(r.occurrenceAt) : r.periodKey;

export function RunStatusTag({ status }: { status: RunStatus }) {
  const { t } = useTranslation();
  return <Tag color={RUN_COLOURS[status]}>{t(`runStatus.${status}`, { defaultValue: status })}</Tag>;
}

export function DeliveryStatusTag({ status }: { status: DeliveryStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={DELIVERY_COLOURS[status]}>{t(`deliveryStatus.${status}`, { defaultValue: status })}</Tag>
  );
}

/** A run's counts by delivery status (stats.byStatus), every status present. */
export function byStatusOf(run: Run): Record<DeliveryStatus, number> {
  const raw = (run.stats.byStatus ?? {}) as Record<string, number>;
  return Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, raw[s] ?? 0])) as Record<DeliveryStatus, number>;
}

/** The caps a delivery would exceed, each in words with the touches that fill it. */
export function CapHits({ caps, testId }: { caps: CapHit[]; testId?: string }) {
  const { t } = useTranslation();
  const channel = (c: string | null) => (c ? t(`channel.${c}`, { defaultValue: c }) : t('common.none'));
  return (
    <ul style={{ margin: 0, paddingLeft: 18 }} data-testid={testId}>
      {caps.map((cap, i) => (
        <li key={`${cap.scope}-${cap.channel ?? ''}-${cap.windowDays}-${i}`} data-testid="cap-hit">
          <div>
            <strong>
              {cap.scope === 'workspace'
                ? t('runs.cap.workspace', { max: cap.maxTouches, days: cap.windowDays })
                : cap.scope === 'channel'
                  ? t('runs.cap.channel', {
                      channel: channel(cap.channel),
                      max: cap.maxTouches,
                      days: cap.windowDays,
                    })
                  : t(cap.scope === 'sunset' ? 'runs.cap.sunset' : 'runs.cap.client', {
                      frequency: t(`frequency.${cap.frequency}`, { defaultValue: cap.frequency ?? '' }),
                      max: cap.maxTouches,
                      days: cap.windowDays,
                      since: formatDate(cap.engagedSince),
                    })}
            </strong>
          </div>
          <Typography.Text type="secondary">
            {t('runs.cap.already', { count: cap.touches.length })}
          </Typography.Text>
          <ul>
            {cap.touches.map((touch, j) => (
              <li key={`${touch.campaignId}-${touch.scheduledAt}-${j}`}>
                {t('runs.cap.touch', {
                  campaign: touch.campaign,
                  channel: channel(touch.channel),
                  at: formatDateTime(touch.scheduledAt),
                })}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
