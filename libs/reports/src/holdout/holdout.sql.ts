import { DeliveryReason, REACHED_STATUSES_SQL } from '@touchbase/runs';

/**
 * The runs a holdout report compares over, with their touched and held-out deliveries. Params: $1 the
 * campaign (null: any), $2 the campaign kinds, $3–$4 the occurrence range (each null: open), $5 reasons.
 */
export const HOLDOUT_RUNS_SQL = `
  SELECT r.id AS "runId", r.campaign_id AS "campaignId", ca.name AS "campaignName", r.period_key AS "periodKey",
         r.occurrence_at AS "occurrenceAt",
         count(d.id) FILTER (WHERE d.status IN ${REACHED_STATUSES_SQL})::int AS "touched",
         count(d.id) FILTER (WHERE d.reason = ANY($5::text[]))::int AS "heldOut"
    FROM runs r
    JOIN campaigns ca ON ca.id = r.campaign_id
    LEFT JOIN deliveries d ON d.run_id = r.id
   WHERE ($1::uuid IS NULL OR r.campaign_id = $1::uuid) AND ca.kind = ANY($2::text[])
     AND ($3::timestamptz IS NULL OR r.occurrence_at >= $3::timestamptz)
     AND ($4::timestamptz IS NULL OR r.occurrence_at < $4::timestamptz)
   GROUP BY r.id, ca.name
   ORDER BY r.occurrence_at, r.id`;

/**
 * Revenue per client of the touched (reached by a delivery of the runs) and the held-out clients (a
 * delivery withheld for `held` reasons), over each client's window: from the occurrence of its first run
 * to `days` after that of its last. A client in both groups (the share changed between runs) counts in
 * neither. One row per group: clients, purchasers, revenue, mean and sample variance per client.
 */
export const holdoutGroupsSql = (scope: string, runIds: string, held: string, days: string) => `
  WITH per AS (
    SELECT d.client_id,
           COALESCE(bool_or(d.status IN ${REACHED_STATUSES_SQL}), false) AS touched,
           COALESCE(bool_or(d.reason = ANY(${held})), false) AS held,
           min(r.occurrence_at) AS since,
           max(r.occurrence_at) + make_interval(days => ${days}) AS until
      FROM deliveries d JOIN runs r ON r.id = d.run_id
     WHERE d.run_id = ANY(${runIds})
     GROUP BY d.client_id
  ),
  members AS (
    SELECT per.client_id, CASE WHEN per.touched THEN 'touched' ELSE 'held-out' END AS grp, per.since, per.until
      FROM per JOIN clients c ON c.id = per.client_id
     WHERE per.touched <> per.held AND ${scope}
  ),
  revenue AS (
    SELECT m.client_id, m.grp, COALESCE(sum(p.amount), 0)::float8 AS revenue
      FROM members m
      LEFT JOIN purchases p ON p.client_id = m.client_id AND p.purchased_at >= m.since AND p.purchased_at < m.until
     GROUP BY m.client_id, m.grp
  )
  SELECT grp AS "group", count(*)::int AS "clients", count(*) FILTER (WHERE revenue > 0)::int AS "purchasers",
         sum(revenue)::float8 AS "revenue", avg(revenue)::float8 AS "meanRevenue",
         COALESCE(var_samp(revenue), 0)::float8 AS "variance"
    FROM revenue GROUP BY grp`;

/** What a holdout report counts as held out: the campaign's holdout, or the workspace's control group. */
export const HELD_OUT_REASONS = {
  campaign: [DeliveryReason.Holdout],
  control: [DeliveryReason.ControlGroup],
} as const;
