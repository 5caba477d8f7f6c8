import { EntityManager } from 'typeorm';
import { WebhookEventType } from './webhook.enums';

/** One event for the outbox; payload is what receivers get as `data`. */
export interface WebhookEvent {
  type: WebhookEventType;
  clientId?: string | null;
  payload: Record<string, unknown>;
}

/**
 * Writes events to the outbox with the caller's transaction, so that a change and its events commit
 * or roll back together. A plain function (no Nest provider): every library that owns a table calls
 * it with its own EntityManager, and the webhooks module depends on none of them.
 */
export async function emit(manager: EntityManager, events: readonly WebhookEvent[]): Promise<void> {
  if (events.length === 0) return;
  await manager.query(
    `INSERT INTO webhook_outbox (type, client_id, payload)
     SELECT e.type, e.client_id, e.payload
       FROM jsonb_to_recordset($1::jsonb) AS e(type text, client_id uuid, payload jsonb)`,
    [
      JSON.stringify(
        events.map((e) => ({ type: e.type, client_id: e.clientId ?? null, payload: e.payload })),
      ),
    ],
  );
}

/**
 * Set-based emit: one event per row of `selectSql`, which must return `client_id` (uuid or null) and
 * `payload` (jsonb), with `params`. For changes that are set-based themselves (a click flush, a run).
 */
export async function emitSelect(
  manager: EntityManager,
  type: WebhookEventType,
  selectSql: string,
  params: unknown[] = [],
): Promise<void> {
  const typeParam = params.length + 1;
  await manager.query(
    `INSERT INTO webhook_outbox (type, client_id, payload)
     SELECT $${typeParam}::text, s.client_id, s.payload FROM (${selectSql}) s`,
    [...params, type],
  );
}

/** The right to erasure reaches the outbox: a client's events keep their ids and types, not their data. */
export async function eraseWebhookPayloads(manager: EntityManager, clientId: string): Promise<void> {
  await manager.query(
    `UPDATE webhook_outbox SET payload = jsonb_build_object('clientId', client_id, 'erased', true)
      WHERE client_id = $1 AND type <> 'client.erased'`,
    [clientId],
  );
}

/**
 * The outbox insert as SQL, for a data-modifying CTE of the caller's own statement
 * (`WITH changed AS (UPDATE … RETURNING …), events AS (${outboxInsertSql(…)}) SELECT …`): the change
 * and its events in one statement and one round trip. `selectSql` returns `type` (a WebhookEventType;
 * rows whose type is null emit nothing), `client_id` (uuid or null) and `payload` (jsonb); events of
 * one statement keep the order of `selectSql`'s `ORDER BY`.
 */
export function outboxInsertSql(selectSql: string): string {
  return `INSERT INTO webhook_outbox (type, client_id, payload)
     SELECT s.type, s.client_id, s.payload FROM (${selectSql}) s WHERE s.type IS NOT NULL`;
}
