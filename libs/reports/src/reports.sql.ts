import {
  DeliveryReason,
  DeliveryStatus,
  OPEN_STATUSES_SQL,
  REACHED_STATUSES_SQL,
  sqlList,
  sqlValue,
} from '@touchbase/runs';

/**
 * The reports' SQL, in one place. Every statement is set-based over the whole scope; `scope` is a
 * boolean over `clients c` (see clientScopeSql) and the other placeholders are passed in.
 */

/** A touch: a delivery that reached the client (sent, delivered; a call that happened; a letter mailed). */
const REACHED = `d.counts_as_touch AND d.status IN ${REACHED_STATUSES_SQL}`;

/** When a client was last active (touch or purchase); its creation when never. */
export const IDLE_SINCE_SQL = `COALESCE(GREATEST(c.last_touch_at, c.last_purchase_at), c.created_at)`;

/** The campaigns of the playbook's win-back program (or built from its templates). */
const WIN_BACK_CAMPAIGN = `(ca.playbook_key = 'win-back'
  OR 'win-back' IN (ca.templates->>'email', ca.templates->>'sms', ca.templates->>'call', ca.templates->>'letter'))`;

/** The campaigns of contact-verification calls (as call-tasks marks contact data verified). */
const VERIFICATION_CAMPAIGN = `(ca.playbook_key = 'contact-verification' OR ca.templates->>'call' = 'contact-verification-call')`;

const OWNER_JOIN = `LEFT JOIN staff_members o ON o.id = c.owner_id`;

// ── coverage ──────────────────────────────────────────────────────────────────

/** Base and touched clients per category. */
export const coverageByCategorySql = (scope: string, from: string, to: string) => `
  WITH touched AS (
    SELECT DISTINCT d.client_id FROM deliveries d WHERE ${REACHED} AND d.sent_at >= ${from} AND d.sent_at < ${to}
  )
  SELECT COALESCE(c.category, 'none') AS "category", count(*)::int AS "base", count(t.client_id)::int AS "touched"
    FROM clients c LEFT JOIN touched t ON t.client_id = c.id
   WHERE ${scope}
   GROUP BY 1`;

/** Touched clients per channel. */
export const coverageByChannelSql = (scope: string, from: string, to: string) => `
  SELECT d.channel AS "channel", count(DISTINCT d.client_id)::int AS "touched"
    FROM deliveries d JOIN clients c ON c.id = d.client_id
   WHERE ${REACHED} AND d.sent_at >= ${from} AND d.sent_at < ${to} AND ${scope}
   GROUP BY 1`;

/** The CEO-letter runs of a quarter, with their campaign's segment. $1 quarter key */
export const CEO_LETTER_RUNS_SQL = `
  SELECT r.id, ca.name, ca.segment_id
    FROM runs r JOIN campaigns ca ON ca.id = r.campaign_id
   WHERE ca.kind = 'ceo-letter' AND r.period_key = $1
   ORDER BY ca.name, r.id`;

/**
 * Who the quarter's CEO letter reached, and why not the others: the client's best delivery of the
 * quarter's runs decides (reached over pending over the rest); without one, opted out, outside the
 * campaign's segment, or simply no delivery. Returns the base, counts by reason and the missed list.
 */
export const ceoLetterSql = (
  scope: string,
  runs: string,
  singleRun: boolean,
  inSegment: string,
  quarter: string,
  limit: string,
) => `
  WITH best AS (
    -- One run holds one delivery per client (deliveries_run_client_key): nothing to choose, no sort.
    SELECT ${singleRun ? '' : 'DISTINCT ON (d.client_id)'} d.client_id, d.status, d.reason, d.channel
      FROM deliveries d
     WHERE d.run_id = ANY(${runs})
     ${
       singleRun
         ? ''
         : `ORDER BY d.client_id, (d.status IN ${REACHED_STATUSES_SQL}) DESC, (d.status IN ${OPEN_STATUSES_SQL}) DESC,
              d.updated_at DESC, d.id DESC`
     }
  ), cls AS MATERIALIZED (
    SELECT c.id, c.name, c.category, c.owner_id, b.channel, b.reason AS detail,
           CASE WHEN b.status IN ${REACHED_STATUSES_SQL} THEN NULL
                WHEN b.status IN ${sqlList(DeliveryStatus.Suppressed, DeliveryStatus.Cancelled, DeliveryStatus.Failed, DeliveryStatus.Bounced)} THEN b.status
                WHEN b.status IS NOT NULL THEN 'pending'
                WHEN p.opted_out THEN ${sqlValue(DeliveryReason.OptedOut)}
                WHEN NOT (${inSegment}) THEN 'not-in-segment'
                ELSE 'no-delivery' END AS reason
      FROM clients c
      LEFT JOIN best b ON b.client_id = c.id
      LEFT JOIN client_preferences p ON p.client_id = c.id
     WHERE ${scope}
  )
  SELECT (SELECT count(*) FROM cls)::int AS base,
         (SELECT COALESCE(json_object_agg(k, n), '{}')
            FROM (SELECT COALESCE(reason, 'reached') AS k, count(*)::int AS n FROM cls GROUP BY 1) a) AS counts,
         (SELECT COALESCE(json_agg(m), '[]')
            FROM (SELECT ${quarter} AS "quarter", cls.id AS "clientId", cls.name AS "clientName",
                         cls.category AS "category", cls.owner_id AS "ownerId", o.name AS "ownerName",
                         cls.reason AS "reason", cls.detail AS "detail", cls.channel AS "channel"
                    FROM cls LEFT JOIN staff_members o ON o.id = cls.owner_id
                   WHERE cls.reason IS NOT NULL
                   ORDER BY cls.reason, cls.name, cls.id
                   LIMIT ${limit}) m) AS missed`;

// ── suppressions ──────────────────────────────────────────────────────────────

const SUPPRESSED = (scope: string, from: string, to: string) => `
  FROM deliveries d JOIN clients c ON c.id = d.client_id
 WHERE d.status = ${sqlValue(DeliveryStatus.Suppressed)} AND d.scheduled_at >= ${from} AND d.scheduled_at < ${to} AND ${scope}`;

export const suppressionsByReasonSql = (scope: string, from: string, to: string) => `
  SELECT COALESCE(d.reason, 'unknown') AS "reason", count(*)::int AS "deliveries",
         count(DISTINCT d.client_id)::int AS "clients"
  ${SUPPRESSED(scope, from, to)}
   GROUP BY 1 ORDER BY 2 DESC, 1`;

export const suppressionsByCampaignSql = (scope: string, from: string, to: string) => `
  SELECT s.campaign_id AS "campaignId", ca.name AS "campaignName", s.reason AS "reason",
         s.deliveries AS "deliveries", s.clients AS "clients"
    FROM (SELECT d.campaign_id, COALESCE(d.reason, 'unknown') AS reason, count(*)::int AS deliveries,
                 count(DISTINCT d.client_id)::int AS clients
          ${SUPPRESSED(scope, from, to)}
           GROUP BY 1, 2) s
    LEFT JOIN campaigns ca ON ca.id = s.campaign_id
   ORDER BY ca.name, s.deliveries DESC, s.reason`;

/** The clients the frequency caps held back most often. */
export const mostCappedSql = (scope: string, from: string, to: string, limit: string) => `
  SELECT c.id AS "clientId", c.name AS "clientName", c.category AS "category", c.owner_id AS "ownerId",
         o.name AS "ownerName", s.capped AS "capped", s.campaigns AS "campaigns", s.last_at AS "lastCappedAt"
    FROM (SELECT d.client_id, count(*)::int AS capped, count(DISTINCT d.campaign_id)::int AS campaigns,
                 max(d.scheduled_at) AS last_at
          ${SUPPRESSED(scope, from, to)} AND d.reason = ${sqlValue(DeliveryReason.FrequencyCap)}
           GROUP BY 1
           ORDER BY 2 DESC, 1
           LIMIT ${limit}) s
    JOIN clients c ON c.id = s.client_id
    ${OWNER_JOIN}
   ORDER BY s.capped DESC, c.name, c.id`;

// ── deliverability ────────────────────────────────────────────────────────────

/** Outcomes per channel (and per ISO week in the workspace zone) of the deliveries scheduled in the period. */
export const deliverabilitySql = (scope: string, from: string, to: string, zone: string) => `
  SELECT GROUPING(week) = 1 AS "total", week AS "week", channel AS "channel",
         count(*)::int AS "planned",
         count(*) FILTER (WHERE status IN ${REACHED_STATUSES_SQL})::int AS "sent",
         count(*) FILTER (WHERE status = ${sqlValue(DeliveryStatus.Delivered)})::int AS "delivered",
         count(*) FILTER (WHERE status = ${sqlValue(DeliveryStatus.Failed)})::int AS "failed",
         count(*) FILTER (WHERE status = ${sqlValue(DeliveryStatus.Bounced)})::int AS "bounced",
         count(*) FILTER (WHERE status = ${sqlValue(DeliveryStatus.Cancelled)})::int AS "cancelled",
         count(*) FILTER (WHERE status IN ${OPEN_STATUSES_SQL})::int AS "pending",
         count(*) FILTER (WHERE returned)::int AS "returned"
    FROM (SELECT d.channel, d.status,
                 to_char(d.scheduled_at AT TIME ZONE ${zone}, 'IYYY-"W"IW') AS week,
                 d.channel = 'letter' AND d.meta ? 'returned' AS returned
            FROM deliveries d JOIN clients c ON c.id = d.client_id
           WHERE d.scheduled_at >= ${from} AND d.scheduled_at < ${to} AND d.status <> ${sqlValue(DeliveryStatus.Suppressed)}
             AND d.channel IS NOT NULL AND ${scope}) x
   GROUP BY GROUPING SETS ((channel), (week, channel))`;

/**
 * STOPs per ISO week: SMS consent switched off from the SMS side — by the client's STOP keyword
 * (actor client) or by the carrier's block, Twilio 21610 (actor system). Written by libs/sms.
 */
export const stopsSql = (scope: string, from: string, to: string, zone: string) => `
  SELECT to_char(l.changed_at AT TIME ZONE ${zone}, 'IYYY-"W"IW') AS "week", l.actor_type AS "actor",
         count(*)::int AS "stops"
    FROM consent_log l JOIN clients c ON c.id = l.client_id
   WHERE l.source = 'sms' AND l.item = 'channel.sms' AND l.new_value = 'false'::jsonb
     AND l.changed_at >= ${from} AND l.changed_at < ${to} AND ${scope}
   GROUP BY 1, 2`;

/** What came of the call tasks of the period's call deliveries: the outcome of done tasks, else the status. */
export const callOutcomesSql = (scope: string, from: string, to: string) => `
  SELECT CASE WHEN t.status = 'done' THEN t.outcome ELSE t.status END AS "outcome", count(*)::int AS "tasks"
    FROM deliveries d
    JOIN call_tasks t ON t.delivery_id = d.id
    JOIN clients c ON c.id = d.client_id
   WHERE d.channel = 'call' AND d.scheduled_at >= ${from} AND d.scheduled_at < ${to} AND ${scope}
   GROUP BY 1`;

// ── funnel ────────────────────────────────────────────────────────────────────

/**
 * Each client's stage at a moment t: its current stage when it has not changed since, else the stage
 * the first change at or after t started from (stage_history_client_idx); none if created after t.
 */
const stageAt = (t: string) => `
  CASE WHEN c.created_at >= ${t} THEN NULL
       WHEN c.stage_changed_at < ${t} THEN c.stage
       ELSE COALESCE((SELECT h.from_stage FROM stage_history h
                       WHERE h.client_id = c.id AND h.changed_at >= ${t}
                       ORDER BY h.changed_at, h.id LIMIT 1), c.stage) END`;

/** The stages a client may go on to from a stage: the next ones in the pyramid; lapsed comes back. */
const LATER_STAGES = `CASE a.at_start
    WHEN 'potential' THEN ARRAY['probable', 'prospect', 'client', 'key']
    WHEN 'probable' THEN ARRAY['prospect', 'client', 'key']
    WHEN 'prospect' THEN ARRAY['client', 'key']
    WHEN 'client' THEN ARRAY['key']
    WHEN 'lapsed' THEN ARRAY['client', 'key'] END`;

/** Clients per stage at the start and the end of the period, and who moved up from their start stage. */
export const funnelStagesSql = (scope: string, from: string, to: string) => `
  WITH a AS MATERIALIZED (
    SELECT c.id, ${stageAt(from)} AS at_start, ${stageAt(to)} AS at_end FROM clients c WHERE ${scope}
  ), moved AS (
    SELECT h.client_id, array_agg(DISTINCT h.to_stage) AS reached
      FROM stage_history h JOIN a ON a.id = h.client_id
     WHERE h.changed_at >= ${from} AND h.changed_at < ${to}
     GROUP BY 1
  )
  SELECT 'start' AS "at", a.at_start AS "stage", count(*)::int AS "clients",
         count(*) FILTER (WHERE m.reached && ${LATER_STAGES})::int AS "converted"
    FROM a LEFT JOIN moved m ON m.client_id = a.id
   WHERE a.at_start IS NOT NULL
   GROUP BY 2
  UNION ALL
  SELECT 'end', a.at_end, count(*)::int, 0 FROM a WHERE a.at_end IS NOT NULL GROUP BY 2`;

/** Stage changes in the period: per pair, and who entered and left each stage. */
export const funnelMovesSql = (scope: string, from: string, to: string) => `
  SELECT h.from_stage AS "fromStage", h.to_stage AS "toStage",
         GROUPING(h.from_stage) AS "anyFrom", GROUPING(h.to_stage) AS "anyTo",
         count(DISTINCT h.client_id)::int AS "clients", count(*)::int AS "changes"
    FROM stage_history h JOIN clients c ON c.id = h.client_id
   WHERE h.changed_at >= ${from} AND h.changed_at < ${to} AND ${scope}
   GROUP BY GROUPING SETS ((h.from_stage, h.to_stage), (h.to_stage), (h.from_stage))`;

// ── VIP cooling ───────────────────────────────────────────────────────────────

/** VIP and A clients idle for $days, longest idle first, with their open episode's call task. */
export const vipCoolingSql = (scope: string, now: string, days: string, limit: string) => `
  SELECT c.id AS "clientId", c.name AS "clientName", c.category AS "category", c.owner_id AS "ownerId",
         o.name AS "ownerName", o.email AS "ownerEmail", c.last_touch_at AS "lastTouchAt",
         c.last_purchase_at AS "lastPurchaseAt", ${IDLE_SINCE_SQL} AS "idleSince",
         floor(extract(epoch FROM ${now} - ${IDLE_SINCE_SQL}) / 86400)::int AS "idleDays",
         t.id AS "callTaskId", t.status AS "callTaskStatus", count(*) OVER ()::int AS total
    FROM clients c
    ${OWNER_JOIN}
    LEFT JOIN vip_cooling_episodes e ON e.client_id = c.id AND e.ended_at IS NULL
    LEFT JOIN call_tasks t ON t.delivery_id = e.delivery_id
   WHERE ${scope} AND c.category IN ('VIP', 'A')
     AND ${IDLE_SINCE_SQL} < ${now} - make_interval(days => ${days})
   ORDER BY ${IDLE_SINCE_SQL}, c.name, c.id
   LIMIT ${limit}`;

export const vipCoolingByOwnerSql = (scope: string, now: string, days: string) => `
  SELECT c.owner_id AS "ownerId", o.name AS "ownerName", count(*)::int AS "clients"
    FROM clients c ${OWNER_JOIN}
   WHERE ${scope} AND c.category IN ('VIP', 'A')
     AND ${IDLE_SINCE_SQL} < ${now} - make_interval(days => ${days})
   GROUP BY 1, 2 ORDER BY 3 DESC, 2`;

// ── lapsed and win-back ───────────────────────────────────────────────────────

/** Lapsed now, lapsed in the period, back from lapsed in the period. */
export const lapsedSummarySql = (scope: string, from: string, to: string) => `
  SELECT (SELECT count(*) FROM clients c WHERE ${scope} AND c.stage = 'lapsed')::int AS "lapsedNow",
         count(DISTINCT h.client_id) FILTER (WHERE h.to_stage = 'lapsed')::int AS "becameLapsed",
         count(DISTINCT h.client_id) FILTER (WHERE h.from_stage = 'lapsed')::int AS "cameBackFromLapsed"
    FROM stage_history h JOIN clients c ON c.id = h.client_id
   WHERE h.changed_at >= ${from} AND h.changed_at < ${to} AND ${scope}`;

/** The lapsed clients, longest lapsed first, with their last win-back touch. */
export const lapsedListSql = (scope: string, limit: string) => `
  SELECT l.id AS "clientId", l.name AS "clientName", l.category AS "category", l.owner_id AS "ownerId",
         o.name AS "ownerName", l.last_purchase_at AS "lastPurchaseAt", l.stage_changed_at AS "lapsedSince",
         (SELECT max(d.sent_at) FROM deliveries d JOIN campaigns ca ON ca.id = d.campaign_id
           WHERE d.client_id = l.id AND ${REACHED} AND ${WIN_BACK_CAMPAIGN}) AS "lastWinBackAt"
    FROM (SELECT c.* FROM clients c WHERE ${scope} AND c.stage = 'lapsed'
           ORDER BY c.stage_changed_at, c.name, c.id LIMIT ${limit}) l
    LEFT JOIN staff_members o ON o.id = l.owner_id
   ORDER BY l.stage_changed_at, l.name, l.id`;

/**
 * Per win-back campaign: the clients its touches reached in the period, and how many of them bought
 * within $window days after their first touch of the period.
 */
export const winBackSql = (scope: string, from: string, to: string, windowDays: string) => `
  WITH wb AS (SELECT ca.id, ca.name FROM campaigns ca WHERE ${WIN_BACK_CAMPAIGN}),
  touched AS (
    SELECT d.campaign_id, d.client_id, min(d.sent_at) AS first_at
      FROM deliveries d JOIN clients c ON c.id = d.client_id
     WHERE d.campaign_id IN (SELECT id FROM wb) AND ${REACHED}
       AND d.sent_at >= ${from} AND d.sent_at < ${to} AND ${scope}
     GROUP BY 1, 2
  )
  SELECT wb.id AS "campaignId", wb.name AS "campaignName", count(t.client_id)::int AS "touched",
         count(t.client_id) FILTER (WHERE p.n > 0)::int AS "cameBack", COALESCE(sum(p.n), 0)::int AS "purchases"
    FROM wb
    LEFT JOIN touched t ON t.campaign_id = wb.id
    LEFT JOIN LATERAL (
      SELECT count(*) AS n FROM purchases pu
       WHERE pu.client_id = t.client_id AND pu.purchased_at > t.first_at
         AND pu.purchased_at <= t.first_at + make_interval(days => ${windowDays})
    ) p ON true
   GROUP BY wb.id, wb.name
   ORDER BY wb.name, wb.id`;

// ── verification ──────────────────────────────────────────────────────────────

/** The contact-data problems of a client, as flags of the backlog. */
const problems = (now: string) => `array_remove(ARRAY[
    CASE WHEN 'email-invalid' = ANY(c.contact_flags) THEN 'email-invalid' END,
    CASE WHEN c.email_hard_bounces > 0 AND NOT ('email-invalid' = ANY(c.contact_flags)) THEN 'email-bounced' END,
    CASE WHEN 'sms-blocked' = ANY(c.contact_flags) THEN 'sms-blocked' END,
    CASE WHEN 'address-returned' = ANY(c.contact_flags) THEN 'address-returned' END,
    CASE WHEN 'phone-wrong' = ANY(c.contact_flags) THEN 'phone-wrong' END,
    CASE WHEN c.contact_verified_at IS NULL OR c.contact_verified_at < ${now} - interval '365 days'
         THEN 'not-verified' END], NULL)`;

export const verificationByProblemSql = (scope: string, now: string) => `
  SELECT COALESCE(p.problem, 'any') AS "problem", count(DISTINCT x.id)::int AS "clients"
    FROM (SELECT c.id, ${problems(now)} AS problems FROM clients c WHERE ${scope}) x
    CROSS JOIN LATERAL (SELECT unnest(x.problems) AS problem) p
   WHERE cardinality(x.problems) > 0
   GROUP BY ROLLUP (p.problem)`;

export const verificationBacklogSql = (scope: string, now: string, limit: string) => `
  SELECT x.id AS "clientId", x.name AS "clientName", x.category AS "category", x.owner_id AS "ownerId",
         o.name AS "ownerName", array_to_string(x.problems, ';') AS "problems",
         x.email_hard_bounces AS "emailHardBounces", x.contact_verified_at AS "contactVerifiedAt"
    FROM (SELECT c.id, c.name, c.category, c.owner_id, c.email_hard_bounces, c.contact_verified_at,
                 ${problems(now)} AS problems
            FROM clients c WHERE ${scope}) x
    LEFT JOIN staff_members o ON o.id = x.owner_id
   WHERE cardinality(x.problems) > 0
   ORDER BY array_position(ARRAY['VIP', 'A', 'B', 'C'], x.category), cardinality(x.problems) DESC, x.name, x.id
   LIMIT ${limit}`;

/** What the contact-verification calls created in the period came to. */
export const verificationCallsSql = (scope: string, from: string, to: string) => `
  SELECT CASE WHEN t.status = 'done' THEN t.outcome ELSE t.status END AS "result",
         count(*)::int AS "tasks", count(DISTINCT t.client_id)::int AS "clients"
    FROM call_tasks t
    JOIN campaigns ca ON ca.id = t.campaign_id
    JOIN clients c ON c.id = t.client_id
   WHERE ${VERIFICATION_CAMPAIGN} AND t.created_at >= ${from} AND t.created_at < ${to} AND ${scope}
   GROUP BY 1 ORDER BY 2 DESC, 1`;
