import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys of bulk writes: a retried call with the same key and body gets the stored answer
 * and changes nothing twice. A row is claimed (locked_until) while its call runs, then holds the
 * answer until it expires.
 */
export class IdempotencyKeys1765960000000 implements MigrationInterface {
  name = 'IdempotencyKeys1765960000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        locked_until timestamptz,
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (scope, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
