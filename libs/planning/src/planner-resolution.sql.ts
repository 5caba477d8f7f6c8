import { Channel, CHANNELS } from '@touchbase/core';
import { DeliveryReason, DeliveryStatus, sqlValue, TOUCH_STATUSES_SQL } from '@touchbase/runs';
import { CLIENT_FREQUENCY_WINDOWS, capsJson, FrequencyPolicy, maxWindowDays } from './frequency-policy';

const QUEUED = sqlValue(DeliveryStatus.Queued);

/** Rows of this run and chunk that the main pass left without room, for a priority that may do more. */
const CAPPED = `d.run_id = $1::uuid AND d.client_id > $2::uuid AND d.client_id <= $3::uuid
  AND d.status = ${sqlValue(DeliveryStatus.Suppressed)} AND d.reason = ${sqlValue(DeliveryReason.FrequencyCap)}`;

/**
 * must-send, step 1: for capped clients that would have room without the queued, unsent, lower-priority
 * touches around them, cancel one such touch each (lowest priority, latest first). Run in rounds until
 * nothing is displaced; each round is one statement over the whole chunk.
 * Params: $1 run, $2 lo, $3 hi, $4 caps, $5 priority rank, $6 max window days.
 */
export const DISPLACE_ROUND_SQL = `
  WITH need AS (
    SELECT d.id, d.client_id, d.scheduled_at AS at
      FROM deliveries d
      JOIN client_preferences p ON p.client_id = d.client_id
     WHERE ${CAPPED}
       AND tb_cap_room(d.client_id, d.channel, d.scheduled_at, p.frequency, $4::jsonb, d.id, $5::smallint)
  ),
  victim AS (
    SELECT DISTINCT ON (n.id) e.id
      FROM need n
      JOIN deliveries e ON e.client_id = n.client_id
     WHERE e.status = ${QUEUED} AND e.counts_as_touch AND e.priority < $5::smallint AND e.run_id <> $1::uuid
       AND e.scheduled_at > n.at - make_interval(days => $6::int)
       AND e.scheduled_at < n.at + make_interval(days => $6::int)
     ORDER BY n.id, e.priority, e.scheduled_at DESC, e.id DESC
  )
  UPDATE deliveries v SET status = ${sqlValue(DeliveryStatus.Cancelled)}, reason = ${sqlValue(DeliveryReason.Displaced)}, updated_at = now()
    FROM victim WHERE v.id = victim.id AND v.status = ${QUEUED}
  RETURNING v.id`;

/** Capped rows that now have room at their time become queued. Params: $1 run, $2 lo, $3 hi, $4 caps. */
export const PROMOTE_SQL = `
  UPDATE deliveries d SET status = ${QUEUED}, reason = NULL, updated_at = now()
    FROM client_preferences p
   WHERE p.client_id = d.client_id AND ${CAPPED}
     AND tb_cap_room(d.client_id, d.channel, d.scheduled_at, p.frequency, $4::jsonb, d.id)`;

/**
 * high and must-send, step 2: defer each capped row to the earliest time with room inside its deadline.
 * Room can only open when a touch leaves a window, so the candidates are "a touch + a cap window",
 * moved to the next opening of the channel's sending window.
 */
export function buildDeferSql(
  policy: FrequencyPolicy,
  workspaceTimeZone: string,
): { sql: string; params: (extra: { runId: string; lo: string; hi: string }) => unknown[] } {
  const values: unknown[] = [];
  const add = (v: unknown, cast: string) => {
    values.push(v);
    return `$${values.length + 3}${cast}`;
  };
  const caps = add(capsJson(policy), '::jsonb');
  const maxWindow = add(maxWindowDays(policy), '::int');
  const windows = add(
    Array.from(
      new Set(
        [...policy.overall, ...Object.values(policy.perChannel).flat()]
          .map((c) => c.windowDays)
          .concat(CLIENT_FREQUENCY_WINDOWS),
      ),
    ),
    '::int[]',
  );
  const tz = add(workspaceTimeZone, '::text');
  const opening = (at: string) =>
    `CASE n.channel ${CHANNELS.map((c: Channel) => {
      const w = policy.sendingWindows[c];
      const open = w ? add(w.start, '::time') : 'NULL::time';
      const close = w ? add(w.end, '::time') : 'NULL::time';
      const business = add(w?.businessDaysOnly ?? false, '::boolean');
      return c === Channel.Letter
        ? `WHEN '${c}' THEN tb_next_opening(${at}, n.tz, ${open}, ${close}, ${business})`
        : `WHEN '${c}' THEN tb_next_opening(${at}, n.tz, COALESCE(n.qe, ${open}), COALESCE(n.qs, ${close}), ${business})`;
    }).join(' ')} END`;
  const sql = `
    WITH need AS (
      SELECT d.id, d.client_id, d.channel, d.scheduled_at AS at, d.deadline_at, p.frequency,
             p.quiet_hours_start AS qs, p.quiet_hours_end AS qe, COALESCE(c.time_zone, ${tz}) AS tz
        FROM deliveries d
        JOIN client_preferences p ON p.client_id = d.client_id
        JOIN clients c ON c.id = d.client_id
       WHERE ${CAPPED}
    ),
    slot AS (
      SELECT n.id, min(x.at) AS at
        FROM need n
        CROSS JOIN LATERAL (
          SELECT ${opening(`e.scheduled_at + make_interval(days => w) + interval '1 second'`)} AS at
            FROM deliveries e
            CROSS JOIN unnest(${windows}) AS w
           WHERE e.client_id = n.client_id AND e.counts_as_touch AND e.status IN ${TOUCH_STATUSES_SQL}
             AND e.scheduled_at > n.at - make_interval(days => ${maxWindow})
             AND e.scheduled_at < n.deadline_at + make_interval(days => ${maxWindow})
        ) x
       WHERE x.at > n.at AND x.at <= n.deadline_at
         AND tb_cap_room(n.client_id, n.channel, x.at, n.frequency, ${caps}, n.id)
       GROUP BY n.id
    )
    UPDATE deliveries d
       SET status = ${QUEUED}, reason = NULL, scheduled_at = slot.at, due_at = slot.at, updated_at = now()
      FROM slot WHERE d.id = slot.id`;
  return { sql, params: ({ runId, lo, hi }) => [runId, lo, hi, ...values] };
}
