import {
  byChannelSql,
  channelAllowedSql,
  consentedSql,
  contactDataSql,
  notSuppressedSql,
} from '@touchbase/preferences';
import { DeliveryReason, sqlValue } from '@touchbase/runs';

/** The dispatch queue's reads, in one place (its writes are libs/runs'). The deliveries table is the queue. */

/**
 * Everything a batch needs, and whether the client still wants it: preferences are checked again at
 * send time, so an opt-out (or a consent withdrawn) after planning is never sent. $1 delivery ids
 */
export const PREPARE_SQL = `
  SELECT d.id::text AS delivery_id, d.variant,
         c.id, c.link_version, c.name, c.kind, c.contact_name, c.email, c.phone, c.address_recipient, c.address_lines,
         c.address_city, c.address_region, c.address_postal_code, c.address_country, c.locale, c.time_zone,
         c.category, c.stage, c.owner_id, o.name AS owner_name, o.email AS owner_email,
         p.click_tracking,
         COALESCE(r.edition_key, r.period_key) AS edition_key,
         CASE
           WHEN c.archived_at IS NOT NULL THEN ${sqlValue(DeliveryReason.ClientArchived)}
           WHEN p.opted_out AND ca.kind <> 'service' THEN ${sqlValue(DeliveryReason.OptedOut)}
           WHEN NOT COALESCE(s.subscribed, t.default_subscribed) THEN ${sqlValue(DeliveryReason.TopicUnsubscribed)}
           WHEN NOT ${byChannelSql('d.channel', (ch) => channelAllowedSql(ch))}
             THEN ${sqlValue(DeliveryReason.ChannelNotAllowed)}
           WHEN NOT ${byChannelSql('d.channel', (ch) => contactDataSql(ch))}
             THEN ${sqlValue(DeliveryReason.NoContactData)}
           WHEN NOT ${byChannelSql('d.channel', (ch) => notSuppressedSql(ch))}
             THEN ${sqlValue(DeliveryReason.SuppressionList)}
           WHEN t.requires_consent AND ca.kind <> 'service' AND NOT ${byChannelSql('d.channel', (ch) => consentedSql(ch))}
             THEN ${sqlValue(DeliveryReason.NoConsent)}
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
