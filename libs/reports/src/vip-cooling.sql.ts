import { Channel } from '@touchbase/core';
import { reachableSql } from '@touchbase/preferences';
import { DeliveryStatus, sqlValue, TOUCH_STATUSES_SQL } from '@touchbase/runs';
import { IDLE_SINCE_SQL } from './reports.sql';

/** Serialises VIP cooling passes across workers (pg_advisory_xact_lock). */
export const VIP_COOLING_LOCK = 7_320_001;

/** The campaign the cooling calls belong to: never scheduled (archived), found by its key. */
export const VIP_COOLING_CAMPAIGN_KEY = 'vip-cooling-call';

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
 * The day's audience of the cooling campaign, as the planner evaluates it over `c` and `p`: the VIP
 * and A clients idle for `days` that may be called (the one reachability rule) and have no episode
 * for this idle stretch. `now` and `days` are bound parameters.
 */
export const coolingAudienceSql = (now: string, days: string) => `
  c.category IN ('VIP', 'A') AND c.erased_at IS NULL
  AND ${IDLE_SINCE_SQL} < ${now} - make_interval(days => ${days})
  AND NOT p.opted_out AND ${reachableSql(Channel.Call)}
  AND NOT EXISTS (SELECT 1 FROM vip_cooling_episodes e
                   WHERE e.client_id = c.id AND (e.ended_at IS NULL OR e.idle_since = ${IDLE_SINCE_SQL}))`;

/**
 * The planned run's calls open the episodes: one per client whose call the planner chose (queued, or
 * already taken by a dispatcher); a client capped today is tried again on a later day. $1 run, $2 now
 */
export const START_COOLING_EPISODES_SQL = `
  INSERT INTO vip_cooling_episodes (client_id, idle_since, started_at, delivery_id)
  SELECT d.client_id, ${IDLE_SINCE_SQL}, $2, d.id
    FROM deliveries d JOIN clients c ON c.id = d.client_id
   WHERE d.run_id = $1 AND d.status IN ${TOUCH_STATUSES_SQL}
  ON CONFLICT DO NOTHING
  RETURNING client_id, delivery_id::text AS delivery_id`;

/** The run's clients whose call could not be planned (caps, sending windows). $1 run */
export const COOLING_SUPPRESSED_SQL = `
  SELECT count(*)::int AS n FROM deliveries WHERE run_id = $1 AND status = ${sqlValue(DeliveryStatus.Suppressed)}`;
