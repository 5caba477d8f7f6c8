import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * tb_cap_room reads the client's own frequency cap from its caps argument (`caps.frequency`, from
 * FREQUENCY_CAPS in the code) instead of a copy of the caps written into the function: the caps have
 * one source.
 */
export class CapRoomFrequencyFromCaps1764800000000 implements MigrationInterface {
  name = 'CapRoomFrequencyFromCaps1764800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION tb_cap_room(p_client uuid, p_channel text, p_at timestamptz, p_frequency text, p_caps jsonb,
                                  p_exclude bigint DEFAULT NULL, p_ignore_below smallint DEFAULT NULL)
      RETURNS boolean LANGUAGE sql STABLE AS $fn$
        SELECT NOT EXISTS (
          SELECT 1
            FROM (
              SELECT (c->>'maxTouches')::int AS n, (c->>'windowDays')::int AS w, NULL::text AS ch
                FROM jsonb_array_elements(COALESCE(p_caps->'overall', '[]')) c
              UNION ALL
              SELECT (c->>'maxTouches')::int, (c->>'windowDays')::int, p_channel
                FROM jsonb_array_elements(COALESCE(p_caps->'perChannel'->p_channel, '[]')) c
              UNION ALL
              SELECT (f->>'maxTouches')::int, (f->>'windowDays')::int, NULL
                FROM (SELECT p_caps->'frequency'->p_frequency AS f) x
               WHERE jsonb_typeof(f) = 'object'
            ) cap
           WHERE (SELECT count(*) FROM deliveries d
                   WHERE d.client_id = p_client AND d.counts_as_touch
                     AND d.status IN ('queued', 'sending', 'sent', 'delivered')
                     AND d.scheduled_at > p_at - make_interval(days => cap.w)
                     AND d.scheduled_at < p_at + make_interval(days => cap.w)
                     AND (cap.ch IS NULL OR d.channel = cap.ch)
                     AND d.id IS DISTINCT FROM p_exclude
                     -- what-if: without the queued touches a higher priority could displace
                     AND NOT (p_ignore_below IS NOT NULL AND d.status = 'queued' AND d.priority < p_ignore_below)
                  ) >= cap.n
        )
      $fn$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION tb_cap_room(p_client uuid, p_channel text, p_at timestamptz, p_frequency text, p_caps jsonb,
                                  p_exclude bigint DEFAULT NULL, p_ignore_below smallint DEFAULT NULL)
      RETURNS boolean LANGUAGE sql STABLE AS $fn$
        SELECT NOT EXISTS (
          SELECT 1
            FROM (
              SELECT (c->>'maxTouches')::int AS n, (c->>'windowDays')::int AS w, NULL::text AS ch
                FROM jsonb_array_elements(COALESCE(p_caps->'overall', '[]')) c
              UNION ALL
              SELECT (c->>'maxTouches')::int, (c->>'windowDays')::int, p_channel
                FROM jsonb_array_elements(COALESCE(p_caps->'perChannel'->p_channel, '[]')) c
              UNION ALL
              SELECT f.n, f.w, NULL
                FROM (VALUES ('weekly', 1, 7), ('twice-monthly', 2, 30), ('monthly', 1, 30), ('quarterly', 1, 90))
                     f(freq, n, w)
               WHERE f.freq = p_frequency
            ) cap
           WHERE (SELECT count(*) FROM deliveries d
                   WHERE d.client_id = p_client AND d.counts_as_touch
                     AND d.status IN ('queued', 'sending', 'sent', 'delivered')
                     AND d.scheduled_at > p_at - make_interval(days => cap.w)
                     AND d.scheduled_at < p_at + make_interval(days => cap.w)
                     AND (cap.ch IS NULL OR d.channel = cap.ch)
                     AND d.id IS DISTINCT FROM p_exclude
                     -- what-if: without the queued touches a higher priority could displace
                     AND NOT (p_ignore_below IS NOT NULL AND d.status = 'queued' AND d.priority < p_ignore_below)
                  ) >= cap.n
        )
      $fn$`);
  }
}
