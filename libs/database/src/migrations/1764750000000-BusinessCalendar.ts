import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sending windows that honour the workspace's holiday calendar and the client's quiet hours as a cut
 * out of the window (never a replacement of it); the caps that apply to a touch, defined once for the
 * room test and for displacement.
 */
export class BusinessCalendar1764750000000 implements MigrationInterface {
  name = 'BusinessCalendar1764750000000';

  public async up(q: QueryRunner): Promise<void> {
    // The one SQL definition of a business day, over the calendar the planner passes in (the
    // `holiday-calendar` workspace setting): a working weekend day is a business day, a day off is not,
    // otherwise Monday to Friday.
    await q.query(`
      CREATE FUNCTION tb_is_business_day(d date, days_off date[], working_days date[])
      RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT CASE
          WHEN d = ANY(working_days) THEN true
          WHEN d = ANY(days_off) THEN false
          ELSE extract(isodow FROM d) < 6 END
      $fn$`);

    await q.query(`DROP FUNCTION tb_next_opening(timestamptz, text, time, time, boolean)`);
    // The next moment at or after t inside the daily sending window [open, close) in the zone (it may
    // wrap midnight; no window: all day), outside the client's quiet hours [quiet_start, quiet_end)
    // (they only take time away), on business days when asked. A wall time that occurs twice (autumn
    // DST) is taken at its first occurrence. NULL when the window never opens (quiet hours cover it).
    await q.query(`
      CREATE FUNCTION tb_next_opening(t timestamptz, tz text, open_at time, close_at time, business_days boolean,
                                      quiet_start time, quiet_end time, days_off date[], working_days date[])
      RETURNS timestamptz LANGUAGE plpgsql STABLE PARALLEL SAFE AS $fn$
      DECLARE
        local timestamp := t AT TIME ZONE tz;
        now_s int := floor(extract(epoch FROM local::time))::int;
        allowed int4multirange;
        seg int4range;
        day date;
        at timestamp;
        found_at timestamptz;
        shifted timestamptz;
      BEGIN
        IF open_at IS NULL AND quiet_start IS NULL THEN
          RETURN t;
        END IF;
        -- The allowed seconds of a day: the window less the quiet hours.
        allowed := CASE
            WHEN open_at IS NULL OR open_at = close_at THEN int4multirange(int4range(0, 86400))
            WHEN open_at < close_at THEN int4multirange(int4range(extract(epoch FROM open_at)::int, extract(epoch FROM close_at)::int))
            ELSE int4multirange(int4range(0, extract(epoch FROM close_at)::int), int4range(extract(epoch FROM open_at)::int, 86400))
          END
          - CASE
            WHEN quiet_start IS NULL OR quiet_start = quiet_end THEN '{}'::int4multirange
            WHEN quiet_start < quiet_end THEN int4multirange(int4range(extract(epoch FROM quiet_start)::int, extract(epoch FROM quiet_end)::int))
            ELSE int4multirange(int4range(0, extract(epoch FROM quiet_end)::int), int4range(extract(epoch FROM quiet_start)::int, 86400))
          END;
        IF isempty(allowed) THEN
          RETURN NULL;
        END IF;
        FOR k IN 0..366 LOOP
          day := local::date + k;
          CONTINUE WHEN (open_at IS NOT NULL AND business_days) AND NOT tb_is_business_day(day, days_off, working_days);
          SELECT r INTO seg FROM unnest(allowed) r
           WHERE k > 0 OR upper(r) > now_s ORDER BY lower(r) LIMIT 1;
          CONTINUE WHEN seg IS NULL;
          IF k = 0 AND lower(seg) <= now_s THEN
            RETURN t;
          END IF;
          at := day + make_interval(secs => lower(seg));
          found_at := at AT TIME ZONE tz;
          -- PostgreSQL reads an ambiguous wall time as the later instant: take the earlier when it is
          -- the same wall time and not before t.
          FOREACH shifted IN ARRAY ARRAY[found_at - interval '1 hour', found_at - interval '30 minutes'] LOOP
            IF shifted >= t AND (shifted AT TIME ZONE tz) = at THEN
              RETURN shifted;
            END IF;
          END LOOP;
          RETURN found_at;
        END LOOP;
        RETURN NULL;
      END
      $fn$`);

    // The caps that apply to a touch on a channel: the workspace's over all channels (ch NULL), the
    // channel's own, and the client's frequency. caps: { "overall": [...], "perChannel": { "sms": [...] } }
    await q.query(`
      CREATE FUNCTION tb_cap_windows(p_channel text, p_frequency text, p_caps jsonb)
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

    await q.query(`DROP FUNCTION tb_cap_room(uuid, text, timestamptz, text, jsonb, bigint, smallint)`);
    await q.query(`
      CREATE FUNCTION tb_cap_room(p_client uuid, p_channel text, p_at timestamptz, p_frequency text, p_caps jsonb,
                                  p_exclude bigint DEFAULT NULL, p_ignore_below smallint DEFAULT NULL)
      RETURNS boolean LANGUAGE sql STABLE AS $fn$
        SELECT NOT EXISTS (
          SELECT 1
            FROM tb_cap_windows(p_channel, p_frequency, p_caps) cap
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
    await q.query(`DROP FUNCTION tb_cap_room(uuid, text, timestamptz, text, jsonb, bigint, smallint)`);
    await q.query(`DROP FUNCTION tb_cap_windows(text, text, jsonb)`);
    await q.query(`
      CREATE FUNCTION tb_cap_room(p_client uuid, p_channel text, p_at timestamptz, p_frequency text, p_caps jsonb,
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
    await q.query(
      `DROP FUNCTION tb_next_opening(timestamptz, text, time, time, boolean, time, time, date[], date[])`,
    );
    await q.query(`
      CREATE FUNCTION tb_next_opening(t timestamptz, tz text, open_at time, close_at time, business_days boolean)
      RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
        SELECT CASE
          WHEN open_at IS NULL THEN t
          WHEN (CASE WHEN open_at < close_at
                     THEN (t AT TIME ZONE tz)::time >= open_at AND (t AT TIME ZONE tz)::time < close_at
                     ELSE (t AT TIME ZONE tz)::time >= open_at OR (t AT TIME ZONE tz)::time < close_at END)
               AND NOT (business_days AND extract(isodow FROM (t AT TIME ZONE tz)) >= 6)
            THEN t
          ELSE (
            SELECT ((d + CASE WHEN business_days THEN
                            CASE extract(isodow FROM d) WHEN 6 THEN 2 WHEN 7 THEN 1 ELSE 0 END
                          ELSE 0 END) + open_at) AT TIME ZONE tz
              FROM (SELECT CASE WHEN (t AT TIME ZONE tz)::time < open_at
                                 AND NOT (business_days AND extract(isodow FROM (t AT TIME ZONE tz)) >= 6)
                                THEN (t AT TIME ZONE tz)::date
                                ELSE (t AT TIME ZONE tz)::date + 1 END AS d) x)
        END
      $fn$`);
    await q.query(`DROP FUNCTION tb_is_business_day(date, date[], date[])`);
  }
}
