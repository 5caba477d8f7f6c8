import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The frequency a client is capped at: their own, or the sunset policy's when they have not engaged
 * since `p_engaged_at` for the policy's days and their own is looser (`caps.sunset`, from capsJson in
 * the code). The one place the sunset rule is decided: the planning statement, its displacement and
 * deferral passes and the explanations all call it.
 */
export class SunsetFrequency1765800000000 implements MigrationInterface {
  name = 'SunsetFrequency1765800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION tb_effective_frequency(p_frequency text, p_engaged_at timestamptz, p_at timestamptz,
                                             p_caps jsonb)
      RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
        SELECT CASE
                 WHEN jsonb_typeof(p_caps->'sunset') = 'object'
                  AND p_engaged_at < p_at - make_interval(days => (p_caps->'sunset'->>'afterDays')::int)
                  AND (p_caps->'sunset'->'looser') ? p_frequency
                 THEN p_caps->'sunset'->>'frequency'
                 ELSE p_frequency
               END
      $fn$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION tb_effective_frequency(text, timestamptz, timestamptz, jsonb)`);
  }
}
