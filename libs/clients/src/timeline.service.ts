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
 * suppressions with their reasons), newest first, from the tables that record it. One SQL
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
      FROM deliveries d JOIN campaigns ca ON ca.id = d.campaign_id
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
      items: items.map((r) => ({ type: r.type, at: r.at.toISOString(), data: r.data })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.at_key, last.key]) : null,
    };
  }
}
