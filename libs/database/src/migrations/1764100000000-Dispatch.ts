import { MigrationInterface, QueryRunner } from 'typeorm';

/** What dispatch needs: leases, call tasks, letter batches, provider webhooks, contact-data health. */
export class Dispatch1764100000000 implements MigrationInterface {
  name = 'Dispatch1764100000000';

  public async up(q: QueryRunner): Promise<void> {
    // Provider facts about a delivery (SMS segments and cost, message ids …), and its letter batch.
    await q.query(`ALTER TABLE deliveries ADD COLUMN meta jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE deliveries ADD COLUMN letter_batch_id uuid`);
    // A crashed worker's leases expire; other workers take its deliveries back from here.
    await q.query(
      `CREATE INDEX deliveries_lease_idx ON deliveries (channel, locked_until) WHERE status = 'sending'`,
    );
    await q.query(
      `CREATE INDEX deliveries_provider_idx ON deliveries (provider_id) WHERE provider_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX deliveries_client_idx ON deliveries (client_id, created_at)`);

    await q.query(`ALTER TABLE clients ADD COLUMN email_hard_bounces integer NOT NULL DEFAULT 0`);
    // The edition a run sends (a manual run names the period whose edition it uses).
    await q.query(`ALTER TABLE runs ADD COLUMN edition_key text`);

    await q.query(`
      CREATE TABLE call_tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        delivery_id bigint NOT NULL UNIQUE REFERENCES deliveries (id) ON DELETE CASCADE,
        client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
        owner_id uuid REFERENCES staff_members (id) ON DELETE SET NULL,
        campaign_id uuid NOT NULL,
        due_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
        outcome text CHECK (outcome IN ('reached', 'no-answer', 'wrong-number', 'callback-requested', 'declined')),
        attempts integer NOT NULL DEFAULT 0,
        script text NOT NULL,
        notes jsonb NOT NULL DEFAULT '[]',
        completed_at timestamptz,
        completed_by uuid REFERENCES staff_members (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX call_tasks_owner_idx ON call_tasks (owner_id, status, due_at)`);
    await q.query(`CREATE INDEX call_tasks_status_idx ON call_tasks (status, due_at)`);

    await q.query(`
      CREATE TABLE letter_batches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'building' CHECK (status IN ('building', 'ready', 'mailed', 'failed')),
        letters integer NOT NULL DEFAULT 0,
        pages integer NOT NULL DEFAULT 0,
        file_path text,
        file_bytes bigint,
        message text,
        mailed_at timestamptz,
        mailed_by uuid REFERENCES staff_members (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX letter_batches_run_idx ON letter_batches (run_id)`);
    await q.query(
      `CREATE INDEX deliveries_letter_batch_idx ON deliveries (letter_batch_id) WHERE letter_batch_id IS NOT NULL`,
    );
    await q.query(`
      ALTER TABLE deliveries ADD CONSTRAINT deliveries_letter_batch_fkey
      FOREIGN KEY (letter_batch_id) REFERENCES letter_batches (id) ON DELETE SET NULL`);

    // Provider callbacks seen, so that a repeated callback changes nothing.
    await q.query(`
      CREATE TABLE webhook_events (
        provider text NOT NULL,
        event_key text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        payload jsonb NOT NULL DEFAULT '{}',
        PRIMARY KEY (provider, event_key)
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_events`);
    await q.query(`ALTER TABLE deliveries DROP CONSTRAINT deliveries_letter_batch_fkey`);
    await q.query(`DROP TABLE letter_batches`);
    await q.query(`DROP TABLE call_tasks`);
    await q.query(`ALTER TABLE runs DROP COLUMN edition_key`);
    await q.query(`ALTER TABLE clients DROP COLUMN email_hard_bounces`);
    await q.query(`DROP INDEX deliveries_client_idx`);
    await q.query(`DROP INDEX deliveries_provider_idx`);
    await q.query(`DROP INDEX deliveries_lease_idx`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN letter_batch_id`);
    await q.query(`ALTER TABLE deliveries DROP COLUMN meta`);
  }
}
