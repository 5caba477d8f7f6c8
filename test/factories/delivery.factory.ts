import { DataSource, EntityManager } from 'typeorm';
import { CampaignStatus } from '@touchbase/campaigns';
import { Channel } from '@touchbase/core';
import { DeliveryStatus, Run } from '@touchbase/runs';
import { createCampaign } from './campaign.factory';
import { createRun } from './run.factory';

/** A delivery status by its enum or its value. */
export type DeliveryStatusValue = DeliveryStatus | `${DeliveryStatus}`;

export interface DeliveryFields {
  channel?: Channel | null;
  status?: DeliveryStatusValue;
  reason?: string | null;
  /** 0 normal, 1 high, 2 must-send */
  priority?: number;
  countsAsTouch?: boolean;
  /** Default: now. */
  scheduledAt?: Date;
  /** Default: the scheduled time; `infinity`: never due until a test makes it so. */
  dueAt?: Date | 'infinity';
  sentAt?: Date | null;
  attempts?: number;
  meta?: object;
  /** A lease: a claim token and when it ends. */
  lease?: { token: string; until: Date };
}

/**
 * One delivery per client in the run, in the order of `clientIds` (queued by email, due now, unless
 * told otherwise); returns their ids in that order.
 */
export async function createDeliveries(
  dataSource: DataSource | EntityManager,
  run: Pick<Run, 'id' | 'campaignId'>,
  clientIds: readonly string[],
  fields: DeliveryFields = {},
): Promise<string[]> {
  const scheduledAt = fields.scheduledAt ?? new Date();
  const rows: { id: string }[] = await dataSource.query(
    `INSERT INTO deliveries (run_id, campaign_id, client_id, channel, status, reason, priority, counts_as_touch,
                             scheduled_at, due_at, sent_at, attempts, meta, claim_token, locked_until)
     SELECT $1, $2, c.id, $4, $5, $6, $7, $8, $9, $10::timestamptz, $11, $12, $13, $14, $15
       FROM unnest($3::uuid[]) WITH ORDINALITY AS c(id, n)
      ORDER BY c.n
     RETURNING id::text`,
    [
      run.id,
      run.campaignId,
      clientIds,
      fields.channel === undefined ? Channel.Email : fields.channel,
      fields.status ?? DeliveryStatus.Queued,
      fields.reason ?? null,
      fields.priority ?? 0,
      fields.countsAsTouch ?? true,
      scheduledAt,
      fields.dueAt ?? scheduledAt,
      fields.sentAt ?? null,
      fields.attempts ?? 0,
      JSON.stringify(fields.meta ?? {}),
      fields.lease?.token ?? null,
      fields.lease?.until ?? null,
    ],
  );
  return rows.map((r) => r.id);
}

/** One delivery of the client in the run; returns its id. */
export async function createDelivery(
  dataSource: DataSource | EntityManager,
  run: Pick<Run, 'id' | 'campaignId'>,
  clientId: string,
  fields: DeliveryFields = {},
): Promise<string> {
  const [id] = await createDeliveries(dataSource, run, [clientId], fields);
  return id;
}

/** A past touch of a client (an already sent delivery of another run). */
export async function createTouch(
  dataSource: DataSource | EntityManager,
  clientId: string,
  scheduledAt: Date,
  extra: { channel?: Channel; status?: DeliveryStatusValue; priority?: number; countsAsTouch?: boolean } = {},
): Promise<string> {
  const campaign = await createCampaign(dataSource, { status: CampaignStatus.Archived });
  const run = await createRun(dataSource, campaign, scheduledAt);
  return createDelivery(dataSource, run, clientId, {
    channel: extra.channel ?? Channel.Email,
    status: extra.status ?? DeliveryStatus.Sent,
    priority: extra.priority,
    countsAsTouch: extra.countsAsTouch,
    scheduledAt,
  });
}
