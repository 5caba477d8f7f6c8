import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exact segment counts, cached by the hash of the normalised rule tree: a live count that could not
 * count exactly in time answers with an estimate and leaves the exact count (and its sample) here.
 */
export class SegmentCounts1764910000000 implements MigrationInterface {
  name = 'SegmentCounts1764910000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE segment_counts (
        rule_hash    text PRIMARY KEY CHECK (rule_hash ~ '^[0-9a-f]{64}$'),
        rules        jsonb NOT NULL,
        estimate     bigint CHECK (estimate >= 0),
        count        bigint CHECK (count >= 0),
        sample       jsonb,
        requested_at timestamptz NOT NULL DEFAULT now(),
        computed_at  timestamptz,
        CHECK ((count IS NULL) = (computed_at IS NULL))
      )`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE segment_counts`);
  }
}
