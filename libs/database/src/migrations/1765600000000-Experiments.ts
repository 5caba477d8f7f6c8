import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A/B tests: an experiment belongs to a campaign (each of its runs tests) or to one run; each planned
 * run of it has one `experiment_runs` row (a copy of the definition, the test window, the decision).
 * A delivery carries its variant's key; the rest of the audience waits for the winner.
 */
export class Experiments1765600000000 implements MigrationInterface {
  name = 'Experiments1765600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE experiments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid REFERENCES campaigns (id) ON DELETE CASCADE,
        run_id uuid REFERENCES runs (id) ON DELETE CASCADE,
        variants jsonb NOT NULL,
        test_share double precision NOT NULL CHECK (test_share > 0 AND test_share <= 1),
        metric text NOT NULL,
        window_hours integer NOT NULL CHECK (window_hours > 0),
        send_winner_to_rest boolean NOT NULL DEFAULT true,
        when_not_significant text NOT NULL,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((campaign_id IS NULL) <> (run_id IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX experiments_campaign_key ON experiments (campaign_id)`);
    await q.query(`CREATE UNIQUE INDEX experiments_run_key ON experiments (run_id)`);
    await q.query(`
      CREATE TABLE experiment_runs (
        run_id uuid PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        experiment_id uuid REFERENCES experiments (id) ON DELETE SET NULL,
        definition jsonb NOT NULL,
        status text NOT NULL,
        test_started_at timestamptz NOT NULL,
        window_ends_at timestamptz NOT NULL,
        winner text,
        winner_basis text,
        p_value double precision,
        results jsonb,
        rest_count integer,
        decided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX experiment_runs_due_idx ON experiment_runs (status, window_ends_at)`);
    await q.query(`ALTER TABLE deliveries ADD COLUMN variant text`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deliveries DROP COLUMN variant`);
    await q.query(`DROP TABLE experiment_runs`);
    await q.query(`DROP TABLE experiments`);
  }
}
