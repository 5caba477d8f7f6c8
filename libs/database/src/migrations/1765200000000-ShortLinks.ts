import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Short links: each delivery's links go through PUBLIC_URL/r/<code>, the code being this row's key
 * and the position of the target in it. The row counts the delivery's clicks.
 */
export class ShortLinks1765200000000 implements MigrationInterface {
  name = 'ShortLinks1765200000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE delivery_links (
        key text PRIMARY KEY,
        delivery_id bigint NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
        targets text[] NOT NULL,
        clicks integer NOT NULL DEFAULT 0,
        first_clicked_at timestamptz,
        last_clicked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX delivery_links_delivery_idx ON delivery_links (delivery_id)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE delivery_links`);
  }
}
