import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhooks: the endpoints admins register, the outbox every change writes its events to in
 * its own transaction, and one delivery per endpoint and event with its retries.
 */
export class Webhooks1765930000000 implements MigrationInterface {
  name = 'Webhooks1765930000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        description text,
        secret text NOT NULL,
        event_types text[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true,
        disabled_at timestamptz,
        disabled_reason text,
        failing_since timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE webhook_outbox (
        sequence bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        type text NOT NULL,
        client_id uuid,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        fanned_out_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX webhook_outbox_pending_idx ON webhook_outbox (sequence) WHERE fanned_out_at IS NULL`,
    );
    await q.query(`CREATE INDEX webhook_outbox_created_idx ON webhook_outbox (created_at)`);
    await q.query(
      `CREATE INDEX webhook_outbox_client_idx ON webhook_outbox (client_id) WHERE client_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id bigserial PRIMARY KEY,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_sequence bigint NOT NULL REFERENCES webhook_outbox (sequence) ON DELETE CASCADE,
        client_id uuid,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        due_since timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        claim_token uuid,
        last_attempt_at timestamptz,
        last_status_code integer,
        last_error text,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_deliveries_endpoint_event_key UNIQUE (endpoint_id, event_sequence),
        CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'delivered', 'failed', 'dead'))
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at)
        WHERE status IN ('pending', 'failed')`,
    );
    await q.query(
      `CREATE INDEX webhook_deliveries_open_client_idx ON webhook_deliveries (endpoint_id, client_id, event_sequence)
        WHERE status IN ('pending', 'failed') AND client_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (endpoint_id, event_sequence DESC)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_outbox`);
    await q.query(`DROP TABLE webhook_endpoints`);
  }
}
