import { reachableSql } from '@touchbase/preferences';
import { DeliveryReason, DeliveryStatus, sqlValue, TOUCH_STATUSES_SQL } from '@touchbase/runs';
import {
  capsJson,
  CLIENT_FREQUENCY_WINDOWS,
  effectiveFrequencySql,
  engagementJoin,
  maxWindowDays,
} from './frequency-policy';
import { channelLists, needsConsent, openingSql, Params, PlanSpec } from './planner.sql';

const QUEUED = sqlValue(DeliveryStatus.Queued);

/** Rows of this run and chunk that the main pass left without room, for a priority that may do more. */
const CAPPED = `d.run_id = $1::uuid AND d.client_id > $2::uuid AND d.client_id <= $3::uuid
  AND d.status = ${sqlValue(DeliveryStatus.Suppressed)} AND d.reason = ${sqlValue(DeliveryReason.FrequencyCap)}`;

/**
 * must-send, step 1: for capped clients that would have room without the queued, unsent, lower-priority
 * touches around them, cancel one such touch each — only from a cap window around the row that is full,
 * the one that sits in the most full windows (then the lowest priority, the latest). Run in rounds until
 * nothing is displaced (each round one statement over the whole chunk): a full window loses no more
 * touches than it has too many, and touches outside every full window are never touched.
 * Params: $1 run, $2 lo, $3 hi, $4 caps, $5 priority rank, $6 planning time.
 */
export const DISPLACE_ROUND_SQL = `
  WITH need AS (
    SELECT d.id, d.client_id, d.channel, d.scheduled_at AS at, ${effectiveFrequencySql('$6::timestamptz', '$4::jsonb')} AS frequency
      FROM deliveries d
      JOIN client_preferences p ON p.client_id = d.client_id
      JOIN clients c ON c.id = d.client_id
      ${engagementJoin('d.client_id')}
     WHERE ${CAPPED}
       AND tb_cap_room(d.client_id, d.channel, d.scheduled_at, ${effectiveFrequencySql('$6::timestamptz', '$4::jsonb')},
                       $4::jsonb, d.id, $5::smallint)
  ),
  full_window AS (
    SELECT n.id, n.client_id, n.at, cap.w, cap.ch
      FROM need n
      CROSS JOIN LATERAL tb_cap_windows(n.channel, n.frequency, $4::jsonb) cap
     WHERE (SELECT count(*) FROM deliveries e
             WHERE e.client_id = n.client_id AND e.counts_as_touch AND e.status IN ${TOUCH_STATUSES_SQL}
               AND e.scheduled_at > n.at - make_interval(days => cap.w)
               AND e.scheduled_at < n.at + make_interval(days => cap.w)
               AND (cap.ch IS NULL OR e.channel = cap.ch) AND e.id <> n.id) >= cap.n
  ),
  victim AS (
    SELECT DISTINCT ON (f.id) e.id
      FROM full_window f
      JOIN deliveries e ON e.client_id = f.client_id
       AND e.scheduled_at > f.at - make_interval(days => f.w)
       AND e.scheduled_at < f.at + make_interval(days => f.w)
       AND (f.ch IS NULL OR e.channel = f.ch)
     WHERE e.status = ${QUEUED} AND e.counts_as_touch AND e.priority < $5::smallint AND e.run_id <> $1::uuid
     GROUP BY f.id, e.id, e.priority, e.scheduled_at
     ORDER BY f.id, count(*) DESC, e.priority, e.scheduled_at DESC, e.id DESC
  )
  UPDATE deliveries v SET status = ${sqlValue(DeliveryStatus.Cancelled)}, reason = ${sqlValue(DeliveryReason.Displaced)}, updated_at = now()
    FROM victim WHERE v.id = victim.id AND v.status = ${QUEUED}
  RETURNING v.id`;

/**
 * Capped rows that now have room at their time become queued.
 * Params: $1 run, $2 lo, $3 hi, $4 caps, $5 planning time.
 */
export const PROMOTE_SQL = `
  UPDATE deliveries d SET status = ${QUEUED}, reason = NULL, updated_at = now()
    FROM client_preferences p
    JOIN clients c ON c.id = p.client_id
    ${engagementJoin('p.client_id')}
   WHERE p.client_id = d.client_id AND ${CAPPED}
     AND tb_cap_room(d.client_id, d.channel, d.scheduled_at, ${effectiveFrequencySql('$5::timestamptz', '$4::jsonb')},
                     $4::jsonb, d.id)`;

/**
 * high and must-send, step 2: defer each capped row to the earliest time with room inside its deadline,
 * on the first channel of the client's order with room then (the main pass's rule, moved forward in
 * time). Room can only open when a touch leaves a window, so the candidates per channel are its own next
 * opening and "a touch + a cap window", moved to the next opening of the channel's sending window.
 */
export function buildDeferSql(spec: PlanSpec, lo: string, hi: string): { sql: string; params: unknown[] } {
  const p = new Params();
  p.add(spec.runId, '::uuid');
  p.add(lo, '::uuid');
  p.add(hi, '::uuid');
  const t0 = p.add(spec.plannedAt.toISOString(), '::timestamptz');
  const caps = p.add(capsJson(spec.policy), '::jsonb');
  const maxWindow = p.add(maxWindowDays(spec.policy), '::int');
  const policy = spec.policy;
  const windows = p.add(
    Array.from(
      new Set(
        [...policy.overall, ...Object.values(policy.perChannel).flat()]
          .map((c) => c.windowDays)
          .concat(CLIENT_FREQUENCY_WINDOWS),
      ),
    ),
    '::int[]',
  );
  const tz = p.add(spec.workspaceTimeZone, '::text');
  const { listOf, used, listHas, rank } = channelLists(spec, p);
  const client = { tz: 'o.tz', qs: 'o.qs', qe: 'o.qe' };
  const opening = (at: string) =>
    `CASE o.channel ${used.map((c) => `WHEN '${c}' THEN ${openingSql(spec, p, c, at, client)}`).join(' ')} END`;
  const sql = `
    WITH need AS (
      SELECT d.id, d.client_id, d.deadline_at, ${effectiveFrequencySql(t0, caps)} AS frequency,
             p.quiet_hours_start AS qs, p.quiet_hours_end AS qe, COALESCE(c.time_zone, ${tz}) AS tz,
             ${used
               .map(
                 (ch) =>
                   `CASE WHEN ${reachableSql(ch, 'c', 'p', needsConsent(spec))} AND ${listHas(ch, listOf)}
               THEN ${rank(ch, 'p.preferred_channel', listOf)} END AS r_${ch}`,
               )
               .join(',\n             ')}
        FROM deliveries d
        JOIN client_preferences p ON p.client_id = d.client_id
        JOIN clients c ON c.id = d.client_id
        ${engagementJoin('d.client_id')}
       WHERE ${CAPPED}
    ),
    -- One row per candidate channel of a capped row, with its place in the client's order.
    options AS (
      SELECT n.*, o.channel, o.rank
        FROM need n
        CROSS JOIN LATERAL (VALUES ${used.map((ch) => `('${ch}', n.r_${ch})`).join(', ')}) o(channel, rank)
       WHERE o.rank IS NOT NULL
    ),
    slot AS (
      SELECT DISTINCT ON (o.id) o.id, o.channel, x.at
        FROM options o
        CROSS JOIN LATERAL (
          SELECT ${opening(t0)} AS at
          UNION ALL
          SELECT ${opening(`e.scheduled_at + make_interval(days => w) + interval '1 second'`)}
            FROM deliveries e
            CROSS JOIN unnest(${windows}) AS w
           WHERE e.client_id = o.client_id AND e.counts_as_touch AND e.status IN ${TOUCH_STATUSES_SQL}
             AND e.scheduled_at > ${t0} - make_interval(days => ${maxWindow})
             AND e.scheduled_at < o.deadline_at + make_interval(days => ${maxWindow})
        ) x
       WHERE x.at >= ${t0} AND x.at <= o.deadline_at
         AND tb_cap_room(o.client_id, o.channel, x.at, o.frequency, ${caps}, o.id)
       ORDER BY o.id, x.at, o.rank
    )
    UPDATE deliveries d
       SET status = ${QUEUED}, reason = NULL, channel = slot.channel, scheduled_at = slot.at, due_at = slot.at,
           updated_at = now()
      FROM slot WHERE d.id = slot.id`;
  return { sql, params: p.values };
}
