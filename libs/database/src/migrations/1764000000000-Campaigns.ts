import { MigrationInterface, QueryRunner } from 'typeorm';

/** Templates, signers, campaigns, editions, runs and deliveries: what the planner and dispatchers work on. */
export class Campaigns1764000000000 implements MigrationInterface {
  name = 'Campaigns1764000000000';

  public async up(q: QueryRunner): Promise<void> {
    // Whether the phone can take SMS; null when unknown (treated as able).
    await q.query(`ALTER TABLE clients ADD COLUMN phone_mobile boolean`);
    // Bumping it revokes every portal and unsubscribe link issued to the client so far.
    await q.query(`ALTER TABLE clients ADD COLUMN link_version integer NOT NULL DEFAULT 0`);
    await q.query(`
      CREATE TABLE templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,99}$'),
        channel text NOT NULL CHECK (channel IN ('email', 'sms', 'call', 'letter')),
        locale text NOT NULL CHECK (locale IN ('ru', 'en')),
        subject text,
        body text NOT NULL,
        description text NOT NULL DEFAULT '',
        builtin boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (channel <> 'email' OR subject IS NOT NULL)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX templates_name_channel_locale_key ON templates (name, channel, locale)`,
    );

    await q.query(`
      CREATE TABLE signers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        title text NOT NULL,
        email text,
        signature_image bytea,
        signature_mime text CHECK (signature_mime IN ('image/png', 'image/jpeg')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE campaigns (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        kind text NOT NULL CHECK (kind IN ('broadcast', 'ceo-letter', 'plan', 'service')),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'paused', 'archived')),
        segment_id uuid REFERENCES segments (id) ON DELETE RESTRICT,
        topic_key text NOT NULL REFERENCES topics (key) ON DELETE RESTRICT ON UPDATE CASCADE,
        channels text[] NOT NULL CHECK (cardinality(channels) > 0
          AND channels <@ ARRAY['email', 'sms', 'call', 'letter']::text[]),
        channel_rules jsonb NOT NULL DEFAULT '[]',
        templates jsonb NOT NULL DEFAULT '{}',
        priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal', 'high', 'must-send')),
        schedule jsonb NOT NULL,
        time_zone text NOT NULL,
        deadline_hours integer NOT NULL DEFAULT 72 CHECK (deadline_hours BETWEEN 1 AND 2160),
        grace_hours integer NOT NULL DEFAULT 24 CHECK (grace_hours BETWEEN 0 AND 720),
        requires_edition boolean NOT NULL DEFAULT false,
        signer_id uuid REFERENCES signers (id) ON DELETE RESTRICT,
        from_address text,
        playbook_key text,
        created_by uuid REFERENCES staff_members (id) ON DELETE SET NULL,
        activated_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX campaigns_name_key ON campaigns (lower(name))`);
    await q.query(
      `CREATE UNIQUE INDEX campaigns_playbook_key ON campaigns (playbook_key) WHERE playbook_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX campaigns_status_idx ON campaigns (status)`);

    await q.query(`
      CREATE TABLE editions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        period_key text NOT NULL,
        subject_ru text,
        subject_en text,
        blocks jsonb NOT NULL DEFAULT '[]',
        created_by uuid REFERENCES staff_members (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX editions_campaign_period_key ON editions (campaign_id, period_key)`);

    await q.query(`
      CREATE TABLE runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        campaign_id uuid NOT NULL REFERENCES campaigns (id) ON DELETE RESTRICT,
        period_key text NOT NULL,
        occurrence_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'planned'
          CHECK (status IN ('planned', 'planning', 'dispatching', 'completed', 'cancelled', 'missed', 'held', 'failed')),
        trigger text NOT NULL DEFAULT 'schedule' CHECK (trigger IN ('schedule', 'manual')),
        audience integer,
        stats jsonb NOT NULL DEFAULT '{}',
        message text,
        planned_at timestamptz,
        completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Exactly one run per occurrence, whatever the number of schedulers.
    await q.query(`CREATE UNIQUE INDEX runs_campaign_period_key ON runs (campaign_id, period_key)`);
    await q.query(`CREATE INDEX runs_status_idx ON runs (status, occurrence_at)`);

    await q.query(`
      CREATE TABLE deliveries (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        campaign_id uuid NOT NULL,
        client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
        channel text CHECK (channel IN ('email', 'sms', 'call', 'letter')),
        status text NOT NULL CHECK (status IN
          ('queued', 'sending', 'sent', 'delivered', 'failed', 'bounced', 'suppressed', 'cancelled')),
        reason text,
        priority smallint NOT NULL DEFAULT 0,
        counts_as_touch boolean NOT NULL DEFAULT true,
        scheduled_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        deadline_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        claim_token uuid,
        provider_id text,
        error text,
        sent_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Idempotent planning: one delivery per client per run.
    await q.query(`CREATE UNIQUE INDEX deliveries_run_client_key ON deliveries (run_id, client_id)`);
    // Frequency caps read a client's touches around a time.
    await q.query(`
      CREATE INDEX deliveries_touches_idx ON deliveries (client_id, scheduled_at) INCLUDE (channel, priority)
      WHERE counts_as_touch AND status IN ('queued', 'sending', 'sent', 'delivered')`);
    // Dispatchers claim due work per channel.
    await q.query(`CREATE INDEX deliveries_due_idx ON deliveries (channel, due_at) WHERE status = 'queued'`);
    await q.query(`CREATE INDEX deliveries_run_status_idx ON deliveries (run_id, status)`);

    // The next moment at or after t inside a daily sending window [open, close) in the client's zone
    // (the window may wrap midnight), on business days (Mon–Fri) when asked. No window: t itself.
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

    // Whether a client has room for one more touch on a channel at time at. A touch needs room in
    // every window that could contain it, so touches within W days either side count: exact when
    // nothing else is planned ahead, and on the side of sending less otherwise.
    // caps: { "overall": [{ "maxTouches", "windowDays" }], "perChannel": { "sms": [...] } }
    // p_exclude: a delivery not to count (the one being decided).
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
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION tb_cap_room(uuid, text, timestamptz, text, jsonb, bigint, smallint)`);
    await q.query(`DROP FUNCTION tb_next_opening(timestamptz, text, time, time, boolean)`);
    await q.query(`DROP TABLE deliveries`);
    await q.query(`DROP TABLE runs`);
    await q.query(`DROP TABLE editions`);
    await q.query(`DROP TABLE campaigns`);
    await q.query(`DROP TABLE signers`);
    await q.query(`DROP TABLE templates`);
    await q.query(`ALTER TABLE clients DROP COLUMN link_version`);
    await q.query(`ALTER TABLE clients DROP COLUMN phone_mobile`);
  }
}
