import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People sign in: a password (argon2id) and a language per staff member, browser sessions (only the
 * SHA-256 of the cookie is stored), single-use set-password tokens (invitation, reset, first start)
 * and the failed sign-ins that throttle guessing per address and per IP.
 */
export class StaffSessions1764900000000 implements MigrationInterface {
  name = 'StaffSessions1764900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE staff_members
        ADD COLUMN password_hash text,
        ADD COLUMN locale text NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
        ADD COLUMN last_sign_in_at timestamptz`);
    await q.query(`
      CREATE TABLE staff_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        staff_member_id uuid NOT NULL REFERENCES staff_members (id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        csrf_token text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ended_at timestamptz,
        ip text,
        user_agent text
      )`);
    await q.query(`CREATE UNIQUE INDEX staff_sessions_token_hash_key ON staff_sessions (token_hash)`);
    await q.query(
      `CREATE INDEX staff_sessions_member_idx ON staff_sessions (staff_member_id) WHERE ended_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE staff_password_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        staff_member_id uuid NOT NULL REFERENCES staff_members (id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('invitation', 'reset', 'first-start')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX staff_password_tokens_token_hash_key ON staff_password_tokens (token_hash)`,
    );
    await q.query(`CREATE INDEX staff_password_tokens_member_idx ON staff_password_tokens (staff_member_id)`);
    await q.query(`
      CREATE TABLE staff_sign_in_failures (
        id bigserial PRIMARY KEY,
        email text NOT NULL,
        ip text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX staff_sign_in_failures_email_idx ON staff_sign_in_failures (email, failed_at)`,
    );
    await q.query(`CREATE INDEX staff_sign_in_failures_ip_idx ON staff_sign_in_failures (ip, failed_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE staff_sign_in_failures`);
    await q.query(`DROP TABLE staff_password_tokens`);
    await q.query(`DROP TABLE staff_sessions`);
    await q.query(`
      ALTER TABLE staff_members
        DROP COLUMN last_sign_in_at,
        DROP COLUMN locale,
        DROP COLUMN password_hash`);
  }
}
