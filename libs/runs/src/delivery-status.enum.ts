import { sqlList } from './sql-list';

export enum DeliveryStatus {
  Queued = 'queued',
  Sending = 'sending',
  Sent = 'sent',
  Delivered = 'delivered',
  Failed = 'failed',
  Bounced = 'bounced',
  Suppressed = 'suppressed',
  Cancelled = 'cancelled',
}

/** A touch: the delivery holds a frequency-cap slot (planned or on its way), at its scheduled time. */
export const TOUCH_STATUSES = [
  DeliveryStatus.Queued,
  DeliveryStatus.Sending,
  DeliveryStatus.Sent,
  DeliveryStatus.Delivered,
] as const;

/** Still to be dispatched or settled: a run with one of these is not complete. */
export const OPEN_STATUSES = [DeliveryStatus.Queued, DeliveryStatus.Sending] as const;

/** Went out: the client was reached (what reports and "last touch" count). */
export const REACHED_STATUSES = [DeliveryStatus.Sent, DeliveryStatus.Delivered] as const;

/** Went wrong on the way out. */
export const FAILED_STATUSES = [DeliveryStatus.Failed, DeliveryStatus.Bounced] as const;

/** Never went out and never will: not a delivery at all for counts of what was sent. */
export const NOT_SENT_STATUSES = [DeliveryStatus.Suppressed, DeliveryStatus.Cancelled] as const;

// The same lists for SQL, `status IN ${TOUCH_STATUSES_SQL}`: written once, from the enum.
export const TOUCH_STATUSES_SQL = sqlList(...TOUCH_STATUSES);
export const OPEN_STATUSES_SQL = sqlList(...OPEN_STATUSES);
export const REACHED_STATUSES_SQL = sqlList(...REACHED_STATUSES);
export const FAILED_STATUSES_SQL = sqlList(...FAILED_STATUSES);
export const NOT_SENT_STATUSES_SQL = sqlList(...NOT_SENT_STATUSES);
