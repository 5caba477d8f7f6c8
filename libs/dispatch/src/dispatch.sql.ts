/** The dispatch queue's SQL, in one place. The deliveries table is the queue. */

/** Expired leases of crashed workers go back to the queue. $1 channel */
export const RECLAIM_SQL = `
  UPDATE deliveries SET status = 'queued', claim_token = NULL, locked_until = NULL, updated_at = now()
   WHERE channel = $1 AND status = 'sending' AND locked_until < now()
  RETURNING id`;

/** Claims due deliveries: no two workers get the same row. $1 channel, $2 limit, $3 token, $4 lease s */
export const CLAIM_SQL = `
  WITH due AS (
    SELECT id FROM deliveries
     WHERE channel = $1 AND status = 'queued' AND due_at <= now()
     ORDER BY due_at, id
     LIMIT $2
     FOR UPDATE SKIP LOCKED
  )
  UPDATE deliveries d
     SET status = 'sending', claim_token = $3::uuid, locked_until = now() + make_interval(secs => $4),
         attempts = d.attempts + 1, updated_at = now()
    FROM due WHERE d.id = due.id
  RETURNING d.id::text, d.run_id, d.campaign_id, d.client_id, d.channel, d.priority, d.counts_as_touch,
            d.scheduled_at, d.due_at, d.attempts, d.meta`;

/**
 * Everything a batch needs, and whether the client still wants it: preferences are checked again at
 * send time, so an opt-out after planning is never sent. $1 delivery ids
 */
export const PREPARE_SQL = `
  SELECT d.id::text AS delivery_id,
         c.id, c.link_version, c.name, c.kind, c.contact_name, c.email, c.phone, c.address_recipient, c.address_lines,
         c.address_city, c.address_region, c.address_postal_code, c.address_country, c.locale, c.time_zone,
         c.category, c.stage, c.owner_id, o.name AS owner_name, o.email AS owner_email,
         COALESCE(r.edition_key, r.period_key) AS edition_key,
         CASE
           WHEN c.archived_at IS NOT NULL THEN 'client-archived'
           WHEN p.opted_out AND ca.kind <> 'service' THEN 'opted-out'
           WHEN NOT COALESCE(s.subscribed, t.default_subscribed) THEN 'topic-unsubscribed'
           WHEN NOT CASE d.channel WHEN 'email' THEN p.email_allowed WHEN 'sms' THEN p.sms_allowed
                                   WHEN 'call' THEN p.call_allowed ELSE p.letter_allowed END
             THEN 'channel-not-allowed'
           WHEN NOT CASE d.channel
                  WHEN 'email' THEN c.email IS NOT NULL AND NOT ('email-invalid' = ANY(c.contact_flags))
                  WHEN 'sms' THEN c.phone IS NOT NULL AND COALESCE(c.phone_mobile, true)
                                  AND NOT ('sms-blocked' = ANY(c.contact_flags))
                  WHEN 'call' THEN c.phone IS NOT NULL AND NOT ('phone-wrong' = ANY(c.contact_flags))
                  ELSE cardinality(c.address_lines) > 0 AND c.address_city IS NOT NULL
                       AND c.address_postal_code IS NOT NULL AND c.address_country IS NOT NULL
                       AND NOT ('address-returned' = ANY(c.contact_flags))
                END
             THEN 'no-contact-data'
         END AS blocked
    FROM deliveries d
    JOIN runs r ON r.id = d.run_id
    JOIN campaigns ca ON ca.id = d.campaign_id
    JOIN clients c ON c.id = d.client_id
    JOIN client_preferences p ON p.client_id = c.id
    JOIN topics t ON t.key = ca.topic_key
    LEFT JOIN client_topic_subscriptions s ON s.client_id = c.id AND s.topic_key = ca.topic_key
    LEFT JOIN staff_members o ON o.id = c.owner_id
   WHERE d.id = ANY($1::bigint[])`;

/**
 * Records the outcomes of a batch in one statement; the claim token guards every row, so a worker
 * whose lease was taken over cannot overwrite the new owner's result.
 */
export const FINISH_SQL = `
  UPDATE deliveries d
     SET status = u.status,
         reason = u.reason,
         error = u.error,
         provider_id = COALESCE(u.provider_id, d.provider_id),
         due_at = COALESCE(u.due_at, d.due_at),
         sent_at = CASE WHEN u.status IN ('sent', 'delivered') THEN now() ELSE d.sent_at END,
         delivered_at = CASE WHEN u.status = 'delivered' THEN now() ELSE d.delivered_at END,
         claim_token = NULL,
         locked_until = NULL,
         attempts = CASE WHEN u.status = 'cancelled' THEN d.attempts - 1 ELSE d.attempts END,
         meta = d.meta || u.meta,
         updated_at = now()
    FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::jsonb[])
         AS u(id, token, status, reason, error, provider_id, due_at, meta)
   WHERE d.id = u.id AND d.claim_token = u.token AND d.status = 'sending'
  RETURNING d.id::text, d.client_id, d.status, d.counts_as_touch`;

/** Touches feed segments ("last touch") and reports. $1 client ids */
export const TOUCHED_SQL = `
  UPDATE clients SET last_touch_at = now() WHERE id = ANY($1::uuid[]) AND (last_touch_at IS NULL OR last_touch_at < now())`;

/** Runs with nothing left to dispatch are complete. $1 run ids */
export const COMPLETE_RUNS_SQL = `
  UPDATE runs r SET status = 'completed', completed_at = now(), updated_at = now()
   WHERE r.id = ANY($1::uuid[]) AND r.status = 'dispatching'
     AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.run_id = r.id AND d.status IN ('queued', 'sending'))
  RETURNING r.id`;

/**
 * The heartbeat of a worker's leases: what it still holds is held for another lease. A lease that
 * already went to another worker has another token and is left alone. $1 tokens, $2 lease s
 */
export const RENEW_SQL = `
  UPDATE deliveries SET locked_until = now() + make_interval(secs => $2)
   WHERE claim_token = ANY($1::uuid[]) AND status = 'sending' AND locked_until IS NOT NULL
  RETURNING claim_token::text AS token`;

/** On shutdown: what this worker still holds goes back to the queue, the attempt not counted. $1 tokens */
export const RELEASE_SQL = `
  UPDATE deliveries SET status = 'queued', claim_token = NULL, locked_until = NULL,
                        attempts = GREATEST(attempts - 1, 0), updated_at = now()
   WHERE claim_token = ANY($1::uuid[]) AND status = 'sending' AND locked_until IS NOT NULL
  RETURNING id`;

export const NOTIFY_CHANNEL = 'touchbase_dispatch';
