import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Imports that run in the background: how far into the file they have read (the console's progress
 * bar), and a heartbeat, so an import whose process died is reported as interrupted, not as running.
 */
export class ImportProgress1765100000000 implements MigrationInterface {
  name = 'ImportProgress1765100000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE imports
        ADD COLUMN bytes_read bigint NOT NULL DEFAULT 0,
        ADD COLUMN total_bytes bigint NOT NULL DEFAULT 0,
        ADD COLUMN heartbeat_at timestamptz`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE imports DROP COLUMN bytes_read, DROP COLUMN total_bytes, DROP COLUMN heartbeat_at`,
    );
  }
}
