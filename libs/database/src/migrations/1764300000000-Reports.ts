import { MigrationInterface, QueryRunner } from 'typeorm';

/** Reports: VIP cooling episodes, and the indexes the reports read by period. */
export class Reports1764300000000 implements MigrationInterface {
  name = 'Reports1764300000000';

  public async up(q: QueryRunner): Promise<void> {
    // A VIP or A client idle (no touch, no purchase) since idle_since. One owner call task per episode:
    // the episode ends when a touch or purchase happens; a later idle stretch is a new episode.
    await q.query(`
      CREATE TABLE vip_cooling_episodes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
        idle_since timestamptz NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        delivery_id bigint REFERENCES deliveries (id) ON DELETE SET NULL,
        call_task_id uuid REFERENCES call_tasks (id) ON DELETE SET NULL
      )`);
    await q.query(
      `CREATE UNIQUE INDEX vip_cooling_episodes_idle_key ON vip_cooling_episodes (client_id, idle_since)`,
    );
    // At most one open episode per client, whatever the number of workers.
    await q.query(
      `CREATE UNIQUE INDEX vip_cooling_episodes_open_key ON vip_cooling_episodes (client_id) WHERE ended_at IS NULL`,
    );

    // Coverage: the touches sent in a period, read from the index alone.
    await q.query(`
      CREATE INDEX deliveries_sent_idx ON deliveries (sent_at) INCLUDE (client_id, campaign_id, channel)
      WHERE counts_as_touch AND status IN ('sent', 'delivered')`);
    // Deliverability and suppressions: every delivery scheduled in a period.
    await q.query(
      `CREATE INDEX deliveries_scheduled_idx ON deliveries (scheduled_at) INCLUDE (client_id, campaign_id, channel, status, reason)`,
    );
    // STOPs and other consent changes by source over a period.
    await q.query(`CREATE INDEX consent_log_source_idx ON consent_log (source, changed_at)`);
    // Verification calls: a campaign's tasks.
    await q.query(`CREATE INDEX call_tasks_campaign_idx ON call_tasks (campaign_id, created_at)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX call_tasks_campaign_idx`);
    await q.query(`DROP INDEX consent_log_source_idx`);
    await q.query(`DROP INDEX deliveries_scheduled_idx`);
    await q.query(`DROP INDEX deliveries_sent_idx`);
    await q.query(`DROP TABLE vip_cooling_episodes`);
  }
}
