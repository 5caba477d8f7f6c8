import { REACHED_STATUSES_SQL } from '@touchbase/runs';

/**
 * Attribution's SQL. A touch is a delivery that counts as one (not a service campaign's) and reached
 * the client, at its `sent_at`; a purchase at t goes to the client's last touch with
 * t − window < sent_at <= t. `scope` is a boolean over `clients c` (see clientScopeSql).
 */

// The default window is the workspace's (engagement settings); these are their bounds and default.
export { DEFAULT_ATTRIBUTION_WINDOW_DAYS, MAX_ATTRIBUTION_WINDOW_DAYS } from '@touchbase/links';

/** A delivery that can be credited with a purchase (deliveries_client_sent_idx is over exactly these). */
export const ATTRIBUTABLE_TOUCH_SQL = `d.counts_as_touch AND d.status IN ${REACHED_STATUSES_SQL} AND d.sent_at IS NOT NULL`;

/**
 * The touch a purchase `pu` is attributed to: one probe of deliveries_client_sent_idx (index only).
 * Ties at the same instant go to the later delivery (the higher id).
 */
export const lastTouchLateralSql = (windowDays: string) => `
  LEFT JOIN LATERAL (
    SELECT d.id, d.campaign_id, d.channel, d.sent_at
      FROM deliveries d
     WHERE d.client_id = pu.client_id AND ${ATTRIBUTABLE_TOUCH_SQL}
       AND d.sent_at <= pu.purchased_at
       AND d.sent_at > pu.purchased_at - make_interval(days => ${windowDays})
     ORDER BY d.sent_at DESC, d.id DESC
     LIMIT 1
  ) lt ON true`;

/**
 * Per campaign (`grp` campaign) and per channel (`grp` channel) in one statement:
 * - touched: distinct clients touched by it with sent_at in [from − window, to) — every touch that
 *   can be credited with a purchase of the period, so purchasers are always among the touched;
 * - clicked: of those, the clients who clicked a link of one of those touches;
 * - purchasers, purchases, revenue: the period's purchases attributed to its touches (returns — negative
 *   amounts — lower the revenue and are not purchases; revenue counts the workspace currency only).
 */
export const attributionSql = (
  scope: string,
  from: string,
  to: string,
  windowDays: string,
  currency: string,
) => `
  WITH clicked AS MATERIALIZED (
    SELECT DISTINCT d.client_id, d.campaign_id, d.channel
      FROM delivery_links l JOIN deliveries d ON d.id = l.delivery_id
     WHERE l.clicks > 0 AND ${ATTRIBUTABLE_TOUCH_SQL}
       AND d.sent_at >= ${from}::timestamptz - make_interval(days => ${windowDays}) AND d.sent_at < ${to}
  ), touches AS MATERIALIZED (
    SELECT d.client_id, d.campaign_id, d.channel, k.client_id IS NOT NULL AS clicked
      FROM deliveries d JOIN clients c ON c.id = d.client_id
      LEFT JOIN clicked k ON k.client_id = d.client_id AND k.campaign_id = d.campaign_id AND k.channel = d.channel
     WHERE ${ATTRIBUTABLE_TOUCH_SQL}
       AND d.sent_at >= ${from}::timestamptz - make_interval(days => ${windowDays}) AND d.sent_at < ${to}
       AND ${scope}
  ), reach AS (
    -- Distinct clients in two hashed steps (client per campaign or channel, then a count): no sort.
    SELECT false AS by_channel, x.campaign_id, NULL::text AS channel, count(*)::int AS touched,
           count(*) FILTER (WHERE x.clicked)::int AS clicked
      FROM (SELECT campaign_id, client_id, bool_or(clicked) AS clicked FROM touches GROUP BY 1, 2) x
     GROUP BY x.campaign_id
    UNION ALL
    SELECT true, NULL::uuid, x.channel, count(*)::int, count(*) FILTER (WHERE x.clicked)::int
      FROM (SELECT channel, client_id, bool_or(clicked) AS clicked FROM touches GROUP BY 1, 2) x
     GROUP BY x.channel
  ), credited AS (
    SELECT pu.client_id, pu.amount, pu.currency, lt.campaign_id, lt.channel
      FROM purchases pu JOIN clients c ON c.id = pu.client_id
      ${lastTouchLateralSql(windowDays)}
     WHERE pu.purchased_at >= ${from} AND pu.purchased_at < ${to} AND ${scope} AND lt.id IS NOT NULL
  ), bought AS (
    SELECT GROUPING(campaign_id) = 1 AS by_channel, campaign_id, channel,
           count(DISTINCT client_id) FILTER (WHERE amount > 0)::int AS purchasers,
           count(*) FILTER (WHERE amount > 0)::int AS purchases,
           COALESCE(sum(amount) FILTER (WHERE currency = ${currency}), 0)::float8 AS revenue
      FROM credited
     GROUP BY GROUPING SETS ((campaign_id), (channel))
  )
  SELECT CASE WHEN r.by_channel THEN 'channel' ELSE 'campaign' END AS "grp",
         r.campaign_id AS "campaignId", ca.name AS "campaignName", r.channel AS "channel",
         r.touched AS "touched", r.clicked AS "clicked",
         COALESCE(b.purchasers, 0) AS "purchasers", COALESCE(b.purchases, 0) AS "purchases",
         COALESCE(b.revenue, 0) AS "revenue"
    FROM reach r
    LEFT JOIN bought b ON b.by_channel = r.by_channel
         AND b.campaign_id IS NOT DISTINCT FROM r.campaign_id AND b.channel IS NOT DISTINCT FROM r.channel
    LEFT JOIN campaigns ca ON ca.id = r.campaign_id`;

/** The period's purchases in scope: all, and those attributed to a touch. */
export const attributionTotalsSql = (
  scope: string,
  from: string,
  to: string,
  windowDays: string,
  currency: string,
) => `
  SELECT count(*) FILTER (WHERE pu.amount > 0)::int AS "purchases",
         COALESCE(sum(pu.amount) FILTER (WHERE pu.currency = ${currency}), 0)::float8 AS "revenue",
         count(DISTINCT pu.client_id) FILTER (WHERE pu.amount > 0)::int AS "purchasers",
         count(*) FILTER (WHERE pu.amount > 0 AND lt.id IS NOT NULL)::int AS "attributedPurchases",
         COALESCE(sum(pu.amount) FILTER (WHERE pu.currency = ${currency} AND lt.id IS NOT NULL), 0)::float8
           AS "attributedRevenue",
         count(DISTINCT pu.client_id) FILTER (WHERE pu.amount > 0 AND lt.id IS NOT NULL)::int AS "attributedPurchasers"
    FROM purchases pu JOIN clients c ON c.id = pu.client_id
    ${lastTouchLateralSql(windowDays)}
   WHERE pu.purchased_at >= ${from} AND pu.purchased_at < ${to} AND ${scope}`;

/** One client's purchases, newest first, with the touch each is attributed to. */
export const clientAttributionSql = (client: string, windowDays: string, limit: string) => `
  SELECT pu.id AS "purchaseId", pu.purchased_at AS "purchasedAt", pu.amount::float8 AS "amount",
         pu.currency AS "currency", pu.product AS "product",
         lt.id::text AS "deliveryId", lt.campaign_id AS "campaignId", ca.name AS "campaignName",
         lt.channel AS "channel", lt.sent_at AS "touchedAt"
    FROM purchases pu
    ${lastTouchLateralSql(windowDays)}
    LEFT JOIN campaigns ca ON ca.id = lt.campaign_id
   WHERE pu.client_id = ${client}
   ORDER BY pu.purchased_at DESC, pu.id DESC
   LIMIT ${limit}`;
