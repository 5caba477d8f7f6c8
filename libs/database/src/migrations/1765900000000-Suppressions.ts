import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The suppression list: addresses and numbers that must not be contacted, with reason and date.
 * Removal keeps the row; at most one active row per channel and address, which is also the index the
 * planner and the send-time re-check read.
 */
export class Suppressions1765900000000 implements MigrationInterface {
  name = 'Suppressions1765900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE suppressions (
        id bigserial PRIMARY KEY,
        channel text NOT NULL,
        address text NOT NULL,
        reason text NOT NULL,
        source text,
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid,
        removed_at timestamptz,
        removed_reason text,
        removed_by uuid,
        CONSTRAINT suppressions_removed_reason_ck CHECK (removed_at IS NULL OR removed_reason IS NOT NULL)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX suppressions_active_uq ON suppressions (channel, address) WHERE removed_at IS NULL`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE suppressions`);
  }
}
