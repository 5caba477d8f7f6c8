import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Short links that count nothing: a letter's links are short whatever the tracking (a URL to type and a
 * QR code to scan), and a client who turned click tracking off in the portal still gets short SMS.
 */
export class ShortLinksUntracked1765310000000 implements MigrationInterface {
  name = 'ShortLinksUntracked1765310000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_links ADD COLUMN tracked boolean NOT NULL DEFAULT true`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery_links DROP COLUMN tracked`);
  }
}
