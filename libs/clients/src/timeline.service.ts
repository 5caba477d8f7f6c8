import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, Page } from '@touchbase/core';

export type TimelineEventType = 'stage' | 'preference' | 'purchase' | 'delivery';

export interface TimelineEvent {
  type: TimelineEventType;
  at: string;
  data: Record<string, unknown>;
}

/**
 * Everything that happened to a client (stage changes, preference changes, purchases, deliveries and
 * suppressions with their reasons), newest first, from the tables that record it. A delivery whose
 * message had short links or an open pixel carries its `engagement`: whether clicks are counted
 * (`tracked`: off when the client turned click tracking off), a person's clicks (count, first, last)
 * and opens, and the machines' (link scanners, Apple Mail Privacy Protection) counted apart; null for
 * a message without any (not sent yet, links not tracked). One SQL
 * statement; each source is a branch of the UNION, so a new source is one more branch.
 */
const TIMELINE_SQL = `
  SELECT type, at, at::text AS at_key, data, key FROM (
    SELECT 'stage' AS type, changed_at AS at, 's' || lpad(id::text, 20, '0') AS key,
           jsonb_build_object('from', from_stage, 'to', to_stage, 'cause', cause, 'actorId', actor_id) AS data
      FROM stage_history WHERE client_id = $1
    UNION ALL
    SELECT 'preference', changed_at, 'c' || lpad(id::text, 20, '0'),
           jsonb_build_object('item', item, 'old', old_value, 'new', new_value, 'source', source,
                              'actorType', actor_type, 'actorId', actor_id)
      FROM consent_log WHERE client_id = $1
    UNION ALL
    SELECT 'purchase', purchased_at, 'p' || id::text,
           jsonb_build_object('amount', amount, 'currency', currency, 'product', product,
                              'productCategory', product_category, 'externalId', external_id)
      FROM purchases WHERE client_id = $1
    UNION ALL
    SELECT 'delivery', d.scheduled_at, 'd' || lpad(d.id::text, 20, '0'),
           jsonb_build_object('deliveryId', d.id::text, 'runId', d.run_id, 'campaignId', d.campaign_id,
                              'campaign', ca.name, 'channel', d.channel, 'status', d.status,
                              'reason', d.reason, 'sentAt', d.sent_at)
             || jsonb_build_object('engagement', CASE WHEN l.n > 0 THEN jsonb_build_object(
                              'tracked', l.tracked, 'clicks', l.clicks, 'machineClicks', l.machine_clicks,
                              'firstClickedAt', l.first_clicked_at, 'lastClickedAt', l.last_clicked_at,
                              'opened', l.opens > 0, 'opens', l.opens, 'machineOpens', l.machine_opens,
                              'firstOpenedAt', l.first_opened_at, 'lastOpenedAt', l.last_opened_at) END)
      FROM deliveries d JOIN campaigns ca ON ca.id = d.campaign_id
      LEFT JOIN LATERAL (
        SELECT count(*)::int AS n, bool_or(dl.tracked) AS tracked,
               COALESCE(sum(dl.clicks), 0)::int AS clicks, COALESCE(sum(dl.machine_clicks), 0)::int AS machine_clicks,
               min(dl.first_clicked_at) AS first_clicked_at, max(dl.last_clicked_at) AS last_clicked_at,
               COALESCE(sum(dl.opens), 0)::int AS opens, COALESCE(sum(dl.machine_opens), 0)::int AS machine_opens,
               min(dl.first_opened_at) AS first_opened_at, max(dl.last_opened_at) AS last_opened_at
          FROM delivery_links dl WHERE dl.delivery_id = d.id
      ) l ON true
     WHERE d.client_id = $1
  ) t
  WHERE ($2::timestamptz IS NULL OR (at, key) < ($2::timestamptz, $3::text))
  ORDER BY at DESC, key DESC
  LIMIT $4`;

@Injectable()
export class TimelineService {
  constructor(private readonly dataSource: DataSource) {}

  async forClient(clientId: string, limit = 50, cursor?: string): Promise<Page<TimelineEvent>> {
    const [at, key] = cursor ? (decodeCursor(cursor, 2) as [string, string]) : [null, null];
    const rows: {
      type: TimelineEventType;
      at: Date;
      at_key: string;
      data: Record<string, unknown>;
      key: string;
    }[] = await this.dataSource.query(TIMELINE_SQL, [clientId, at, key, limit + 1]);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map((r) => ({ type: r.type, at: r.at.toISOString(), data: withIsoTimes(r.data) })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.at_key, last.key]) : null,
    };
  }
}

const ENGAGEMENT_TIMES = ['firstClickedAt', 'lastClickedAt', 'firstOpenedAt', 'lastOpenedAt'];

/** A delivery's engagement times as the API writes times (ISO 8601 in UTC, not PostgreSQL's JSON text). */
function withIsoTimes(data: Record<string, unknown>): Record<string, unknown> {
  const engagement = data.engagement as Record<string, unknown> | null | undefined;
  if (!engagement) return data;
  const times = Object.fromEntries(
    ENGAGEMENT_TIMES.map((k) => [k, engagement[k] ? new Date(String(engagement[k])).toISOString() : null]),
  );
  return { ...data, engagement: { ...engagement, ...times } };
}
