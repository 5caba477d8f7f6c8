import { EntityManager } from 'typeorm';
import { Channel } from '@touchbase/core';
import { outboxInsertSql, WebhookEventType } from '@touchbase/webhooks';
import { DeliveryReason } from './delivery-reason.enum';
import { DeliveryStatus, REACHED_STATUSES_SQL } from './delivery-status.enum';
import { sqlList, sqlValue } from './sql-list';

// TypeORM answers UPDATE … RETURNING with [rows, count].
function rowsOf<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return (result as T[]) ?? [];
}

/** The deliveries table is the dispatch queue; these are its writes, in one place. */

const S = {
  queued: sqlValue(DeliveryStatus.Queued),
  sending: sqlValue(DeliveryStatus.Sending),
  sent: sqlValue(DeliveryStatus.Sent),
  delivered: sqlValue(DeliveryStatus.Delivered),
  cancelled: sqlValue(DeliveryStatus.Cancelled),
};

/** The columns a delivery's webhook event is made of (RETURNING them feeds deliveryEventsSql). */
const EVENT_COLUMNS = `d.id, d.client_id, d.run_id, d.campaign_id, d.channel, d.status, d.reason, d.error,
  d.provider_id, d.sent_at, d.delivered_at`;

/** A delivery status → its webhook event (other statuses emit none). */
const EVENT_OF_STATUS: [DeliveryStatus, WebhookEventType][] = [
  [DeliveryStatus.Sent, WebhookEventType.DeliverySent],
  [DeliveryStatus.Delivered, WebhookEventType.DeliveryDelivered],
  [DeliveryStatus.Bounced, WebhookEventType.DeliveryBounced],
  [DeliveryStatus.Failed, WebhookEventType.DeliveryFailed],
];

/**
 * The outbox insert for the deliveries of the CTE `from` (rows of EVENT_COLUMNS): one delivery.*
 * event each whose status has one, in the same statement as the change. `where` narrows the rows
 * (a status that did not really change emits nothing).
 */
export function deliveryEventsSql(from: string, where = 'true'): string {
  const type = `CASE x.status ${EVENT_OF_STATUS.map(([s, t]) => `WHEN ${sqlValue(s)} THEN ${sqlValue(t)}`).join(' ')} END`;
  return outboxInsertSql(`
    SELECT ${type} AS type, x.client_id,
           jsonb_build_object(
             'deliveryId', x.id::text, 'clientId', x.client_id, 'externalRef', cl.external_ref,
             'runId', x.run_id, 'campaignId', x.campaign_id, 'channel', x.channel, 'status', x.status,
             'reason', x.reason, 'error', x.error, 'providerId', x.provider_id,
             'sentAt', x.sent_at, 'deliveredAt', x.delivered_at, 'occurredAt', now()) AS payload
      FROM ${from} x LEFT JOIN clients cl ON cl.id = x.client_id
     WHERE ${where}
     ORDER BY x.id`);
}

/**
 * The variant of a delivery held back by an A/B test until the winner is chosen: planned (it keeps its
 * cap slot) but never claimed while it carries this mark.
 */
export const PENDING_VARIANT = 'pending';
const PENDING = sqlValue(PENDING_VARIANT);

/** Expired leases of crashed workers go back to the queue. $1 channel */
export const RECLAIM_SQL = `
  UPDATE deliveries SET status = ${S.queued}, claim_token = NULL, locked_until = NULL, updated_at = now()
   WHERE channel = $1 AND status = ${S.sending} AND locked_until < now()
  RETURNING id`;

/** Claims due deliveries: no two workers get the same row. $1 channel, $2 limit, $3 token, $4 lease s */
export const CLAIM_SQL = `
  WITH due AS (
    SELECT id FROM deliveries
     WHERE channel = $1 AND status = ${S.queued} AND due_at <= now()
       AND (variant IS NULL OR variant <> ${PENDING})
     ORDER BY due_at, id
     LIMIT $2
     FOR UPDATE SKIP LOCKED
  )
  UPDATE deliveries d
     SET status = ${S.sending}, claim_token = $3::uuid, locked_until = now() + make_interval(secs => $4),
         attempts = d.attempts + 1, updated_at = now()
    FROM due WHERE d.id = due.id
  RETURNING d.id::text, d.run_id, d.campaign_id, d.client_id, d.channel, d.priority, d.counts_as_touch,
            d.scheduled_at, d.due_at, d.attempts, d.meta`;

/**
 * Records the outcomes of a batch in one statement; the claim token guards every row, so a worker
 * whose lease was taken over cannot overwrite the new owner's result.
 */
export const FINISH_SQL = `
  WITH finished AS (
  UPDATE deliveries d
     SET status = u.status,
         reason = u.reason,
         error = u.error,
         provider_id = COALESCE(u.provider_id, d.provider_id),
         due_at = COALESCE(u.due_at, d.due_at),
         sent_at = CASE WHEN u.status IN ${REACHED_STATUSES_SQL} THEN now() ELSE d.sent_at END,
         delivered_at = CASE WHEN u.status = ${S.delivered} THEN now() ELSE d.delivered_at END,
         claim_token = NULL,
         locked_until = NULL,
         attempts = CASE WHEN u.status = ${S.cancelled} THEN d.attempts - 1 ELSE d.attempts END,
         meta = d.meta || u.meta,
         updated_at = now()
    FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::jsonb[])
         AS u(id, token, status, reason, error, provider_id, due_at, meta)
   WHERE d.id = u.id AND d.claim_token = u.token AND d.status = ${S.sending}
  RETURNING ${EVENT_COLUMNS}, d.counts_as_touch
  ), events AS (${deliveryEventsSql('finished')})
  SELECT id::text, client_id, status, counts_as_touch FROM finished`;

/**
 * The heartbeat of a worker's leases: what it still holds is held for another lease. A lease that
 * already went to another worker has another token and is left alone. $1 tokens, $2 lease s
 */
export const RENEW_SQL = `
  UPDATE deliveries SET locked_until = now() + make_interval(secs => $2)
   WHERE claim_token = ANY($1::uuid[]) AND status = ${S.sending} AND locked_until IS NOT NULL
  RETURNING claim_token::text AS token`;

/** On shutdown: what this worker still holds goes back to the queue, the attempt not counted. $1 tokens */
export const RELEASE_SQL = `
  UPDATE deliveries SET status = ${S.queued}, claim_token = NULL, locked_until = NULL,
                        attempts = GREATEST(attempts - 1, 0), updated_at = now()
   WHERE claim_token = ANY($1::uuid[]) AND status = ${S.sending} AND locked_until IS NOT NULL
  RETURNING id`;

/** A delivery a dispatcher claimed. */
export interface ClaimedRow {
  id: string;
  run_id: string;
  campaign_id: string;
  client_id: string;
  channel: Channel;
  priority: number;
  counts_as_touch: boolean;
  scheduled_at: Date;
  due_at: Date;
  attempts: number;
  meta: Record<string, unknown>;
}

/** Takes back a channel's deliveries whose lease expired (a crashed worker's); returns how many. */
export async function reclaimExpired(manager: EntityManager, channel: Channel): Promise<number> {
  return rowsOf(await manager.query(RECLAIM_SQL, [channel])).length;
}

/** Claims up to `limit` due deliveries of a channel under a fresh lease and claim token. */
export async function claimDue(
  manager: EntityManager,
  claim: { channel: Channel; limit: number; token: string; leaseSeconds: number },
): Promise<ClaimedRow[]> {
  return rowsOf(
    await manager.query(CLAIM_SQL, [claim.channel, claim.limit, claim.token, claim.leaseSeconds]),
  );
}

/** The outcomes of a batch, column by column (one entry per delivery). */
export interface BatchOutcomes {
  ids: string[];
  tokens: string[];
  statuses: DeliveryStatus[];
  reasons: (string | null)[];
  errors: (string | null)[];
  providerIds: (string | null)[];
  dueAts: (Date | null)[];
  metas: string[];
}

/** Records a batch's outcomes in one statement, guarded by the claim token; returns the rows recorded. */
export async function finishBatch(
  manager: EntityManager,
  o: BatchOutcomes,
): Promise<{ id: string; client_id: string; status: DeliveryStatus; counts_as_touch: boolean }[]> {
  return rowsOf(
    await manager.query(FINISH_SQL, [
      o.ids,
      o.tokens,
      o.statuses,
      o.reasons,
      o.errors,
      o.providerIds,
      o.dueAts,
      o.metas,
    ]),
  );
}

/** Extends the leases of these claim tokens by `leaseSeconds`; returns the tokens still held. */
export async function renewClaims(
  manager: EntityManager,
  tokens: string[],
  leaseSeconds: number,
): Promise<string[]> {
  const rows = rowsOf<{ token: string }>(await manager.query(RENEW_SQL, [tokens, leaseSeconds]));
  return [...new Set(rows.map((r) => r.token))];
}

/** Gives back what these claim tokens still hold under a lease (the attempt not counted); returns how many. */
export async function releaseClaims(manager: EntityManager, tokens: string[]): Promise<number> {
  return rowsOf(await manager.query(RELEASE_SQL, [tokens])).length;
}

/**
 * Cancels a run's deliveries: the queued ones, and those handed to people (open call tasks, letters
 * not yet mailed); a message a dispatcher is sending right now (it holds a lease) finishes. Returns
 * how many were cancelled.
 */
export async function cancelDeliveriesOfRun(manager: EntityManager, runId: string): Promise<number> {
  const [, count]: [unknown[], number] = await manager.query(
    `UPDATE deliveries SET status = ${S.cancelled}, reason = ${sqlValue(DeliveryReason.RunCancelled)},
            claim_token = NULL, updated_at = now()
      WHERE run_id = $1 AND (status = ${S.queued} OR (status = ${S.sending} AND locked_until IS NULL)) RETURNING id`,
    [runId],
  );
  return count;
}

/**
 * Settles a delivery handed to a person (a call): only while still `sending`, so one changed elsewhere
 * (a cancelled run) is left as it is. Returns the settled row, or undefined.
 */
export async function settleHandedOver(
  manager: EntityManager,
  deliveryId: string,
  outcome: {
    status: DeliveryStatus.Sent | DeliveryStatus.Failed;
    reason: string | null;
    error: string | null;
    meta: Record<string, unknown>;
  },
): Promise<
  { client_id: string; run_id: string; status: DeliveryStatus; counts_as_touch: boolean } | undefined
> {
  const [row] = await manager.query(
    `WITH settled AS (
       UPDATE deliveries d
          SET status = $2::text, reason = $3, error = $4,
              sent_at = CASE WHEN $2::text IN ${REACHED_STATUSES_SQL} THEN now() ELSE sent_at END,
              claim_token = NULL, locked_until = NULL, meta = meta || $5::jsonb, updated_at = now()
        WHERE id = $1 AND status = ${S.sending}
       RETURNING ${EVENT_COLUMNS}, d.counts_as_touch
     ), events AS (${deliveryEventsSql('settled')})
     SELECT client_id, run_id, status, counts_as_touch FROM settled`,
    [deliveryId, outcome.status, outcome.reason, outcome.error, JSON.stringify(outcome.meta)],
  );
  return row;
}

/**
 * A final status from the provider (SMS callback). A delivery still `sending` is settled here (with
 * the meta the dispatcher would have recorded) and its lease dropped, so the dispatcher's own update,
 * guarded by status = 'sending', leaves it alone. Returns whether a row changed.
 */
export async function settleFromProvider(
  manager: EntityManager,
  deliveryId: string,
  outcome: {
    status: DeliveryStatus;
    providerId: string;
    reason: string | null;
    error: string | null;
    meta: Record<string, unknown>;
  },
): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `WITH before AS (SELECT status FROM deliveries WHERE id = $1),
     settled AS (
       UPDATE deliveries d SET status = $2, provider_id = $3, reason = $4, error = $5, meta = meta || $6::jsonb,
              sent_at = COALESCE(sent_at, now()),
              delivered_at = CASE WHEN $2 = ${S.delivered} THEN now() ELSE delivered_at END,
              claim_token = NULL, locked_until = NULL, updated_at = now()
        WHERE id = $1 AND status IN ${sqlList(DeliveryStatus.Sending, DeliveryStatus.Sent)}
       RETURNING ${EVENT_COLUMNS}
     ), events AS (${deliveryEventsSql('settled', 'x.status IS DISTINCT FROM (SELECT status FROM before)')})
     SELECT id FROM settled`,
    [
      deliveryId,
      outcome.status,
      outcome.providerId,
      outcome.reason,
      outcome.error,
      JSON.stringify(outcome.meta),
    ],
  );
  return Array.isArray(rows[0]) ? (rows[0] as unknown[]).length > 0 : rows.length > 0;
}

/**
 * Attaches claimed letters to a batch and keeps what will be printed in their meta; the claim token
 * guards each row (a worker whose lease was taken over attaches nothing). Returns the attached ids.
 */
export async function attachLetters(
  manager: EntityManager,
  batchId: string,
  letters: { ids: string[]; tokens: string[]; metas: string[] },
): Promise<{ id: string }[]> {
  return manager.query(
    `WITH attached AS (
       UPDATE deliveries d SET letter_batch_id = $1, meta = d.meta || u.meta, updated_at = now()
         FROM unnest($2::bigint[], $3::uuid[], $4::jsonb[]) AS u(id, token, meta)
        WHERE d.id = u.id AND d.claim_token = u.token AND d.status = ${S.sending}
       RETURNING d.id::text AS id
     )
     SELECT id FROM attached`,
    [batchId, letters.ids, letters.tokens, letters.metas],
  );
}

/** A mailed batch: its letters are sent (touches). $3 the batch's run (its index finds the rows). */
export async function markLettersMailed(
  manager: EntityManager,
  runId: string,
  batchId: string,
  meta: Record<string, unknown>,
): Promise<number> {
  const [{ n }]: { n: number }[] = await manager.query(
    `WITH mailed AS (
       UPDATE deliveries d
          SET status = ${S.sent}, sent_at = now(), claim_token = NULL, locked_until = NULL,
              meta = meta || $2::jsonb, updated_at = now()
        WHERE run_id = $3 AND status = ${S.sending} AND letter_batch_id = $1
       RETURNING ${EVENT_COLUMNS}
     ), events AS (${deliveryEventsSql('mailed')})
     SELECT count(*)::int AS n FROM mailed`,
    [batchId, JSON.stringify(meta), runId],
  );
  return n;
}

/** The clients a batch's mailed letters touched, as SQL for clients' last-touch bookkeeping. $1 batch */
export const MAILED_LETTER_CLIENTS_SQL = `
  SELECT DISTINCT client_id FROM deliveries
   WHERE letter_batch_id = $1 AND counts_as_touch AND status IN ${REACHED_STATUSES_SQL}`;

/** Adds to a delivery's meta (e.g. returned mail). */
export async function mergeDeliveryMeta(
  manager: EntityManager,
  deliveryId: string,
  meta: Record<string, unknown>,
): Promise<void> {
  await manager.query(`UPDATE deliveries SET meta = meta || $2::jsonb, updated_at = now() WHERE id = $1`, [
    deliveryId,
    JSON.stringify(meta),
  ]);
}

/**
 * An A/B test's winner goes to the rest of its audience: the held deliveries of the run take the
 * winning variant and fall due now (or at their own time when it is later). Returns how many.
 */
export async function releaseHeldDeliveries(
  manager: EntityManager,
  runId: string,
  variant: string,
): Promise<number> {
  const [, count]: [unknown[], number] = await manager.query(
    `UPDATE deliveries SET variant = $2, due_at = GREATEST(scheduled_at, now()), updated_at = now()
      WHERE run_id = $1 AND status = ${S.queued} AND variant = ${PENDING} RETURNING id`,
    [runId, variant],
  );
  return count;
}

/** The held rest of an A/B test that does not send the winner: cancelled (their cap slots freed). */
export async function cancelHeldDeliveries(manager: EntityManager, runId: string): Promise<number> {
  const [, count]: [unknown[], number] = await manager.query(
    `UPDATE deliveries SET status = ${S.cancelled}, reason = ${sqlValue(DeliveryReason.ExperimentRestNotSent)},
            updated_at = now()
      WHERE run_id = $1 AND status = ${S.queued} AND variant = ${PENDING} RETURNING id`,
    [runId],
  );
  return count;
}

/**
 * A bounce that came back after the message was accepted (a DSN): a sent or delivered email delivery
 * becomes bounced, as a refusal at send time makes it. Returns the delivery's client, or undefined
 * when nothing changed (already bounced, not an email, not sent).
 */
export async function bounceAfterSend(
  manager: EntityManager,
  deliveryId: string,
  error: string,
  meta: Record<string, unknown>,
): Promise<{ client_id: string; run_id: string } | undefined> {
  const rows = rowsOf<{ client_id: string; run_id: string }>(
    await manager.query(
      `WITH bounced AS (
         UPDATE deliveries d SET status = ${sqlValue(DeliveryStatus.Bounced)}, error = $2, meta = meta || $3::jsonb,
                updated_at = now()
          WHERE id = $1 AND channel = ${sqlValue(Channel.Email)} AND status IN ${REACHED_STATUSES_SQL}
         RETURNING ${EVENT_COLUMNS}
       ), events AS (${deliveryEventsSql('bounced')})
       SELECT client_id, run_id FROM bounced`,
      [deliveryId, error.slice(0, 1000), JSON.stringify(meta)],
    ),
  );
  return rows[0];
}

/** Appends an event (a soft bounce, a complaint) to the delivery's `meta[key]` list; the status stays. */
export async function appendDeliveryEvent(
  manager: EntityManager,
  deliveryId: string,
  key: string,
  event: Record<string, unknown>,
): Promise<void> {
  await manager.query(
    `UPDATE deliveries
        SET meta = jsonb_set(meta, ARRAY[$2::text],
                             COALESCE(CASE WHEN jsonb_typeof(meta -> $2) = 'array' THEN meta -> $2 END, '[]'::jsonb)
                               || jsonb_build_array($3::jsonb)),
            updated_at = now()
      WHERE id = $1`,
    [deliveryId, key, JSON.stringify(event)],
  );
}
