import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each client's engagement, kept by the writes that record clicks and opens (in the same statements):
 * when the client last clicked, last opened (people's opens only, not machines'), and how many of each.
 * Segments and the frequency policy read it through `lastEngagedAtSql` (@touchbase/links).
 */
export class ClientEngagement1765300000000 implements MigrationInterface {
  name = 'ClientEngagement1765300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE client_engagement (
        client_id uuid PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
        last_click_at timestamptz,
        last_open_at timestamptz,
        clicks integer NOT NULL DEFAULT 0 CHECK (clicks >= 0),
        opens integer NOT NULL DEFAULT 0 CHECK (opens >= 0),
        machine_opens integer NOT NULL DEFAULT 0 CHECK (machine_opens >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Segments ask "clicked within N days": a range over the last click.
    await q.query(`CREATE INDEX client_engagement_click_idx ON client_engagement (last_click_at)`);
    // The clicks counted before this table: from the short links' rows, set-based.
    await q.query(`
      INSERT INTO client_engagement (client_id, last_click_at, clicks)
      SELECT d.client_id, max(l.last_clicked_at), sum(l.clicks)
        FROM delivery_links l
        JOIN deliveries d ON d.id = l.delivery_id
        JOIN clients c ON c.id = d.client_id AND c.erased_at IS NULL
       WHERE l.clicks > 0
       GROUP BY d.client_id`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE client_engagement`);
  }
}
