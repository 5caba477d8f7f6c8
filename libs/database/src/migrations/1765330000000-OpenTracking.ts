import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email opens (a 1×1 pixel, off unless OPEN_TRACKING and the campaign ask for it): counted on the
 * delivery's links row, opens by people apart from machine opens (privacy proxies, security scanners).
 */
export class OpenTracking1765330000000 implements MigrationInterface {
  name = 'OpenTracking1765330000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE delivery_links
        ADD COLUMN opens integer NOT NULL DEFAULT 0,
        ADD COLUMN machine_opens integer NOT NULL DEFAULT 0,
        ADD COLUMN first_opened_at timestamptz,
        ADD COLUMN last_opened_at timestamptz`);
    await q.query(`ALTER TABLE campaigns ADD COLUMN open_tracking boolean NOT NULL DEFAULT false`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns DROP COLUMN open_tracking`);
    await q.query(`
      ALTER TABLE delivery_links DROP COLUMN opens, DROP COLUMN machine_opens, DROP COLUMN first_opened_at,
        DROP COLUMN last_opened_at`);
  }
}
