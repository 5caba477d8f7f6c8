import { EntityManager } from 'typeorm';

/**
 * The webhook events about one client (their payloads are the client's data) and the deliveries of
 * each to the endpoints, for the client's personal-data export. The webhooks library sits below
 * clients, so the clients library calls this rather than registering a hook.
 */
export async function clientWebhookData(
  manager: EntityManager,
  clientId: string,
): Promise<{ events: unknown[]; deliveries: unknown[] }> {
  const events = await manager.query(
    `SELECT sequence::text, event_id, type, payload, created_at FROM webhook_outbox
      WHERE client_id = $1 ORDER BY sequence`,
    [clientId],
  );
  const deliveries = await manager.query(
    `SELECT d.id::text, d.event_sequence::text, e.url AS endpoint_url, d.status, d.attempts, d.delivered_at,
            d.last_status_code
       FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
      WHERE d.client_id = $1 ORDER BY d.id`,
    [clientId],
  );
  return { events, deliveries };
}
