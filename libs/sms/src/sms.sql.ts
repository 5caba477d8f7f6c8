import {
  DeliveryStatus,
  FAILED_STATUSES_SQL,
  NOT_SENT_STATUSES_SQL,
  OPEN_STATUSES_SQL,
  REACHED_STATUSES_SQL,
  sqlList,
  sqlValue,
} from '@touchbase/runs';

/** The SMS channel's SQL, in one place. */

// Accepted by Twilio: sent on, delivered, or failed on the way.
const TRIED_SQL = sqlList(DeliveryStatus.Sent, DeliveryStatus.Delivered, DeliveryStatus.Failed);

export const CLIENTS_BY_PHONE_SQL = `SELECT id FROM clients WHERE phone = $1 ORDER BY created_at`;

/** A callback seen for the first time returns a row; a repeated one none. $1 key, $2 payload */
export const RECORD_WEBHOOK_EVENT_SQL = `
  INSERT INTO webhook_events (provider, event_key, payload) VALUES ('twilio', $1, $2)
  ON CONFLICT (provider, event_key) DO NOTHING
  RETURNING event_key`;

/**
 * The delivery a status callback is about: by provider id, or — when the report beats the
 * dispatcher's bookkeeping — by the delivery id in the callback URL while it is still being sent.
 * $1 MessageSid, $2 delivery id or null
 */
export const FIND_CALLBACK_DELIVERY_SQL = `
  SELECT id::text, run_id, campaign_id, client_id, priority, counts_as_touch, scheduled_at, attempts, meta,
         status, provider_id
    FROM deliveries
   WHERE channel = 'sms'
     AND (provider_id = $1 OR (id = $2::bigint AND provider_id IS NULL AND status = ${sqlValue(DeliveryStatus.Sending)}))
   ORDER BY (provider_id = $1) DESC NULLS LAST
   LIMIT 1
   FOR UPDATE`;

/** A run's SMS by state, and the segments of those Twilio accepted (Twilio's count when it differed). $1 run id */
export const RUN_SMS_TOTALS_SQL = `
  SELECT count(*) FILTER (WHERE status NOT IN ${NOT_SENT_STATUSES_SQL})::int AS deliveries,
         count(*) FILTER (WHERE status IN ${OPEN_STATUSES_SQL})::int AS queued,
         count(*) FILTER (WHERE status IN ${REACHED_STATUSES_SQL})::int AS sent,
         count(*) FILTER (WHERE status = ${sqlValue(DeliveryStatus.Delivered)})::int AS delivered,
         count(*) FILTER (WHERE status IN ${FAILED_STATUSES_SQL})::int AS failed,
         count(*) FILTER (WHERE provider_id IS NOT NULL AND status IN ${TRIED_SQL})::int AS accepted,
         COALESCE(sum(COALESCE((meta->>'providerSegments')::int, (meta->>'segments')::int))
                    FILTER (WHERE provider_id IS NOT NULL AND status IN ${TRIED_SQL}), 0)::int
           AS accepted_segments
    FROM deliveries WHERE run_id = $1 AND channel = 'sms'`;

/** A random sample of a run's SMS still to send. $1 run id, $2 sampling probability, $3 limit */
export const SAMPLE_QUEUED_SMS_SQL = `
  SELECT id::text, run_id, campaign_id, client_id, priority, counts_as_touch, scheduled_at, attempts, meta
    FROM deliveries
   WHERE run_id = $1 AND channel = 'sms' AND status IN ${OPEN_STATUSES_SQL} AND random() < $2
   LIMIT $3`;
