import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What came back to the bounce address (DSNs, complaints, auto-replies, anything else), with what it
 * was taken for and what was done; the raw message kept for those not understood or not matched.
 */
export class InboundBounceEvents1765700000000 implements MigrationInterface {
  name = 'InboundBounceEvents1765700000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inbound_bounce_events (
        id bigserial PRIMARY KEY,
        received_at timestamptz NOT NULL DEFAULT now(),
        via text NOT NULL,
        kind text NOT NULL,
        outcome text NOT NULL,
        delivery_id bigint REFERENCES deliveries (id) ON DELETE SET NULL,
        client_id uuid REFERENCES clients (id) ON DELETE SET NULL,
        recipient text,
        status_code text,
        diagnostic text,
        sender text,
        subject text,
        message_id text,
        size_bytes integer NOT NULL,
        raw bytea
      )`);
    await q.query(`CREATE INDEX inbound_bounce_events_received_idx ON inbound_bounce_events (received_at)`);
    await q.query(
      `CREATE INDEX inbound_bounce_events_delivery_idx ON inbound_bounce_events (delivery_id) WHERE delivery_id IS NOT NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbound_bounce_events`);
  }
}
