import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The webhook worker claims open deliveries in event order and stops at its batch: an index in that
 * order over the open ones only, so a claim reads about a batch of rows however long the queue is.
 */
export class WebhookClaimOrder1765950000000 implements MigrationInterface {
  name = 'WebhookClaimOrder1765950000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX webhook_deliveries_open_order_idx ON webhook_deliveries (event_sequence)
        WHERE status IN ('pending', 'failed')`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX webhook_deliveries_open_order_idx`);
  }
}
