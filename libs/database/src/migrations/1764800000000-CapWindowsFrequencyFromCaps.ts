import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cap windows (tb_cap_windows, which tb_cap_room reads) take the client's own frequency cap from
 * their caps argument (`caps.frequency`, from FREQUENCY_CAPS in the code) instead of a copy of the
 * caps written into the function: the caps have one source.
 */
export class CapWindowsFrequencyFromCaps1764800000000 implements MigrationInterface {
  name = 'CapWindowsFrequencyFromCaps1764800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION tb_cap_windows(p_channel text, p_frequency text, p_caps jsonb)
      RETURNS TABLE (n int, w int, ch text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT (c->>'maxTouches')::int, (c->>'windowDays')::int, NULL::text
          FROM jsonb_array_elements(COALESCE(p_caps->'overall', '[]')) c
        UNION ALL
        SELECT (c->>'maxTouches')::int, (c->>'windowDays')::int, p_channel
          FROM jsonb_array_elements(COALESCE(p_caps->'perChannel'->p_channel, '[]')) c
        UNION ALL
        SELECT (f->>'maxTouches')::int, (f->>'windowDays')::int, NULL
          FROM (SELECT p_caps->'frequency'->p_frequency AS f) x
         WHERE jsonb_typeof(f) = 'object'
      $fn$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION tb_cap_windows(p_channel text, p_frequency text, p_caps jsonb)
      RETURNS TABLE (n int, w int, ch text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT (c->>'maxTouches')::int, (c->>'windowDays')::int, NULL::text
          FROM jsonb_array_elements(COALESCE(p_caps->'overall', '[]')) c
        UNION ALL
        SELECT (c->>'maxTouches')::int, (c->>'windowDays')::int, p_channel
          FROM jsonb_array_elements(COALESCE(p_caps->'perChannel'->p_channel, '[]')) c
        UNION ALL
        SELECT f.n, f.w, NULL
          FROM (VALUES ('weekly', 1, 7), ('twice-monthly', 2, 30), ('monthly', 1, 30), ('quarterly', 1, 90))
               f(freq, n, w)
         WHERE f.freq = p_frequency
      $fn$`);
  }
}
