import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attribution: a purchase goes to the client's last touch before it. Each purchase finds that touch
 * with one probe of (client_id, sent_at DESC, id DESC), read from the index alone; the clicked deliveries are
 * few and read from their own small index.
 */
export class Attribution1765400000000 implements MigrationInterface {
  name = 'Attribution1765400000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX deliveries_client_sent_idx ON deliveries (client_id, sent_at DESC, id DESC) INCLUDE (campaign_id, channel)
      WHERE counts_as_touch AND status IN ('sent', 'delivered')`);
    await q.query(`CREATE INDEX delivery_links_clicked_idx ON delivery_links (delivery_id) WHERE clicks > 0`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX delivery_links_clicked_idx`);
    await q.query(`DROP INDEX deliveries_client_sent_idx`);
  }
}
