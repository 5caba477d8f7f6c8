/** The dispatch queue's SQL, in one place. The deliveries table is the queue. */

/**
 * Everything a batch needs, and whether the client still wants it: preferences are checked again at
 * send time, so an opt-out after planning is never sent. $1 delivery ids
 */
export const PREPARE_SQL = `
  SELECT d.id::text AS delivery_id,
         c.id, c.link_version, c.name, c.kind, c.email, c.phone, c.address_recipient, c.address_lines,
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

export const NOTIFY_CHANNEL = 'touchbase_dispatch';
