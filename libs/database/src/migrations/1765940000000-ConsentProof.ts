import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consent proof: topics that need the client's prior consent (promotional mail and SMS), the index the
 * planner and the send-time re-check read a client's latest consent for a channel through, and the
 * pending consents of double opt-in (a form's request, confirmed by a link in an email).
 */
export class ConsentProof1765940000000 implements MigrationInterface {
  name = 'ConsentProof1765940000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE topics ADD COLUMN requires_consent boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE INDEX consent_log_item_idx ON consent_log (client_id, item, id)`);
    await q.query(`
      CREATE TABLE consent_requests (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        name text,
        locale text NOT NULL,
        channels text[] NOT NULL,
        topics text[] NOT NULL DEFAULT '{}',
        wording_version text NOT NULL,
        form_ip inet,
        form_user_agent text,
        requested_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        confirmed_at timestamptz,
        client_id uuid REFERENCES clients (id) ON DELETE RESTRICT
      )`);
    await q.query(`CREATE INDEX consent_requests_email_idx ON consent_requests (email, requested_at)`);
    await q.query(`CREATE INDEX consent_requests_client_idx ON consent_requests (client_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consent_requests`);
    await q.query(`DROP INDEX consent_log_item_idx`);
    await q.query(`ALTER TABLE topics DROP COLUMN requires_consent`);
  }
}
