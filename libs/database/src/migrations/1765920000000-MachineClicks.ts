import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clicks by machines (mail security scanners that follow every link, HEAD requests, bots) counted
 * apart from people's: `clicks`, `first_clicked_at` and `last_clicked_at` stay people's clicks only.
 */
export class MachineClicks1765920000000 implements MigrationInterface {
  name = 'MachineClicks1765920000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_links ADD COLUMN machine_clicks integer NOT NULL DEFAULT 0`);
    await q.query(
      `ALTER TABLE client_engagement
         ADD COLUMN machine_clicks integer NOT NULL DEFAULT 0 CHECK (machine_clicks >= 0)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE client_engagement DROP COLUMN machine_clicks`);
    await q.query(`ALTER TABLE delivery_links DROP COLUMN machine_clicks`);
  }
}
