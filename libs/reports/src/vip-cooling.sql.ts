import { IDLE_SINCE_SQL } from './reports.sql';

/** Serialises VIP cooling passes across workers (pg_advisory_xact_lock). */
export const VIP_COOLING_LOCK = 7_320_001;

/** The campaign the cooling call tasks belong to: never scheduled (archived), found by its key. */
export const VIP_COOLING_CAMPAIGN_KEY = 'vip-cooling-call';

/** $1 workspace time zone */
export const ENSURE_COOLING_CAMPAIGN_SQL = `
  INSERT INTO campaigns (name, description, kind, status, topic_key, channels, templates, priority, schedule,
                         time_zone, playbook_key)
  VALUES ('VIP cooling calls (automatic)',
          'Owner call tasks for VIP and A clients with no touch or purchase for a while (playbook 003), one per ' ||
          'cooling episode. Created by the VIP cooling job; never scheduled.',
          'plan', 'archived', 'news', ARRAY['call'], '{}', 'high', '{"type": "once", "at": "2026-01-01T00:00"}',
          $1, '${VIP_COOLING_CAMPAIGN_KEY}')
  ON CONFLICT DO NOTHING`;

export const FIND_COOLING_CAMPAIGN_SQL = `SELECT id FROM campaigns WHERE playbook_key = '${VIP_COOLING_CAMPAIGN_KEY}'`;

/** The day's run of the cooling campaign, kept dispatching while it has open tasks. $1 campaign, $2 day, $3 now */
export const ENSURE_COOLING_RUN_SQL = `
  INSERT INTO runs (campaign_id, period_key, occurrence_at, status, trigger, planned_at)
  VALUES ($1, $2, $3, 'dispatching', 'schedule', $3)
  ON CONFLICT (campaign_id, period_key) DO UPDATE
    SET status = 'dispatching', completed_at = NULL, updated_at = now()
  RETURNING id`;

/**
 * An episode ends when the client is active again (a touch or a purchase after idle_since), or is
 * no longer VIP or A, or archived. $1 now
 */
export const END_COOLING_EPISODES_SQL = `
  WITH ended AS (
    UPDATE vip_cooling_episodes e SET ended_at = $1
      FROM clients c
     WHERE c.id = e.client_id AND e.ended_at IS NULL
       AND (${IDLE_SINCE_SQL} > e.idle_since OR c.category IS NULL OR c.category NOT IN ('VIP', 'A')
            OR c.archived_at IS NOT NULL OR c.erased_at IS NOT NULL)
    RETURNING e.id
  )
  SELECT count(*)::int AS n FROM ended`;

/**
 * One statement: the VIP and A clients idle for $4 days that may be called and have no episode for
 * this idle stretch get a call delivery (handed over: `sending`, no lease), its call task for their
 * owner (or the queue when the owner is inactive or absent) and the episode.
 * $1 run, $2 campaign, $3 now, $4 days
 */
export const START_COOLING_EPISODES_SQL = `
  WITH cooling AS (
    SELECT c.id, c.locale, ${IDLE_SINCE_SQL} AS idle_since
      FROM clients c
      JOIN client_preferences p ON p.client_id = c.id
     WHERE c.category IN ('VIP', 'A') AND c.archived_at IS NULL AND c.erased_at IS NULL
       AND ${IDLE_SINCE_SQL} < $3::timestamptz - make_interval(days => $4::int)
       AND NOT p.opted_out AND p.call_allowed
       AND c.phone IS NOT NULL AND NOT ('phone-wrong' = ANY(c.contact_flags))
       AND NOT EXISTS (SELECT 1 FROM vip_cooling_episodes e
                        WHERE e.client_id = c.id AND (e.ended_at IS NULL OR e.idle_since = ${IDLE_SINCE_SQL}))
  ), calls AS (
    INSERT INTO deliveries (run_id, campaign_id, client_id, channel, status, priority, counts_as_touch,
                            scheduled_at, due_at, meta)
    SELECT $1, $2, k.id, 'call', 'sending', 1, true, $3, $3,
           jsonb_build_object('vipCooling', jsonb_build_object('idleSince', k.idle_since))
      FROM cooling k
    ON CONFLICT (run_id, client_id) DO NOTHING
    RETURNING id, client_id
  ), tasks AS (
    INSERT INTO call_tasks (delivery_id, client_id, owner_id, campaign_id, due_at, script)
    SELECT d.id, d.client_id, o.id, $2, $3,
           CASE k.locale
             WHEN 'ru' THEN 'Клиент давно без контакта: ни касаний, ни покупок с ' ||
                            to_char(k.idle_since, 'DD.MM.YYYY') || ' (' ||
                            floor(extract(epoch FROM $3::timestamptz - k.idle_since) / 86400)::int ||
                            ' дн.). Позвоните: узнайте, как дела, и чем мы можем помочь.'
             ELSE 'No touch or purchase since ' || to_char(k.idle_since, 'YYYY-MM-DD') || ' (' ||
                  floor(extract(epoch FROM $3::timestamptz - k.idle_since) / 86400)::int ||
                  ' days). Call to ask how things are going and how we can help.'
           END
      FROM calls d
      JOIN cooling k ON k.id = d.client_id
      JOIN clients c ON c.id = d.client_id
      LEFT JOIN staff_members o ON o.id = c.owner_id AND o.active
    RETURNING id, delivery_id, client_id
  )
  INSERT INTO vip_cooling_episodes (client_id, idle_since, started_at, delivery_id, call_task_id)
  SELECT t.client_id, k.idle_since, $3, t.delivery_id, t.id
    FROM tasks t JOIN cooling k ON k.id = t.client_id
  RETURNING client_id, call_task_id`;

/** A day's run with nothing left open is complete (no new episode that day). $1 run */
export const COMPLETE_COOLING_RUN_SQL = `
  UPDATE runs r SET status = 'completed', completed_at = now(), updated_at = now()
   WHERE r.id = $1 AND r.status = 'dispatching'
     AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.run_id = r.id AND d.status IN ('queued', 'sending'))`;
