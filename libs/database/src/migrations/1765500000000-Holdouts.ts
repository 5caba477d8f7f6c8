import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Holdout groups: a campaign's share of its audience held out, and the stable hash that decides who is
 * (the first 32 bits of an md5, as a fraction in [0, 1): the same on every run and PostgreSQL version).
 */
export class Holdouts1765500000000 implements MigrationInterface {
  name = 'Holdouts1765500000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION tb_hash_fraction(key text) RETURNS double precision
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT ('x' || substr(md5(key), 1, 8))::bit(32)::bigint / 4294967296.0 $$`);
    await q.query(`
      ALTER TABLE campaigns ADD COLUMN holdout_share double precision NOT NULL DEFAULT 0
        CONSTRAINT campaigns_holdout_share_check CHECK (holdout_share >= 0 AND holdout_share <= 0.5)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE campaigns DROP COLUMN holdout_share`);
    await q.query(`DROP FUNCTION tb_hash_fraction(text)`);
  }
}
