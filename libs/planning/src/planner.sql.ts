import { Channel, CHANNELS } from '@touchbase/core';
import { compileSegmentRule, SegmentRule } from '@touchbase/segments';
import { FrequencyPolicy, maxWindowDays } from './frequency-policy';

/** What the planning statement needs to know about a run. */
export interface PlanSpec {
  runId: string;
  campaignId: string;
  /** When the occurrence is planned for (never in the past: now at the latest). */
  plannedAt: Date;
  deadlineAt: Date;
  topicKey: string;
  topicDefaultSubscribed: boolean;
  workspaceTimeZone: string;
  channels: Channel[];
  channelRules: { categories: string[]; channels: Channel[] }[];
  priorityRank: number;
  /** service campaigns: exempt from opt-out and caps, and not counted as touches */
  service: boolean;
  /** The segment's rule tree, or null for the whole base. */
  segment: SegmentRule | null;
  policy: FrequencyPolicy;
}

export class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

const TOUCH = `('queued', 'sending', 'sent', 'delivered')`;

const FREQUENCY_WINDOW = `CASE k.frequency WHEN 'weekly' THEN 7 WHEN 'quarterly' THEN 90 ELSE 30 END`;
const FREQUENCY_MAX = `CASE k.frequency WHEN 'twice-monthly' THEN 2 ELSE 1 END`;

/**
 * The planner: ONE set-based statement per chunk of clients (ids in (lo, hi]) that decides, for every
 * client of the audience, the channel and time of its delivery, or the most specific reason it gets
 * none, and inserts the result. Audience, consent, topic, channel choice, the three cap layers and
 * quiet hours are all evaluated here, inside PostgreSQL.
 */
export function buildPlanStatement(
  spec: PlanSpec,
  lo: string,
  hi: string,
  options: { resume?: boolean } = {},
): { sql: string; params: unknown[] } {
  const p = new Params();
  const run = p.add(spec.runId, '::uuid');
  const campaign = p.add(spec.campaignId, '::uuid');
  const t0 = p.add(spec.plannedAt.toISOString(), '::timestamptz');
  const deadline = p.add(spec.deadlineAt.toISOString(), '::timestamptz');
  const loP = p.add(lo, '::uuid');
  const hiP = p.add(hi, '::uuid');
  const topic = p.add(spec.topicKey, '::text');
  const topicDefault = p.add(spec.topicDefaultSubscribed, '::boolean');
  const tz = p.add(spec.workspaceTimeZone, '::text');
  const priority = p.add(spec.priorityRank, '::smallint');
  const countsAsTouch = p.add(!spec.service, '::boolean');
  const respectOptOut = p.add(!spec.service, '::boolean');

  // The client's channel list: the first matching category rule, else the campaign's channels. The
  // lists are few, so they are a small constant table joined by number, not an array unnested per client.
  const lists: Channel[][] = [spec.channels, ...spec.channelRules.map((r) => r.channels)];
  const listRows = lists.flatMap((channels, id) =>
    channels.map((ch, i) => `(${id}, ${p.add(ch, '::text')}, ${i + 1})`),
  );
  const listOf = spec.channelRules.length
    ? `CASE ${spec.channelRules
        .map((r, i) => `WHEN c.category = ANY(${p.add(r.categories, '::text[]')}) THEN ${i + 1}`)
        .join(' ')} ELSE 0 END`
    : '0';
  const listHas = (channel: Channel) => {
    const ids = lists.map((l, id) => (l.includes(channel) ? id : -1)).filter((id) => id >= 0);
    return ids.length ? `a.list_id IN (${ids.join(', ')})` : 'false';
  };

  // Sending time per channel: the next opening of the channel's window in the client's zone; the
  // client's own quiet hours replace the window of the real-time channels. Computed once per distinct
  // (zone, quiet hours) — a handful — not once per client.
  const openingOf = (channel: Channel): string => {
    const w = spec.policy.sendingWindows[channel];
    const open = w ? p.add(w.start, '::time') : 'NULL::time';
    const close = w ? p.add(w.end, '::time') : 'NULL::time';
    const business = p.add(w?.businessDaysOnly ?? false, '::boolean');
    if (channel === Channel.Letter) return `tb_next_opening(${t0}, o.tz, ${open}, ${close}, ${business})`;
    return `tb_next_opening(${t0}, o.tz, COALESCE(o.qe, ${open}), COALESCE(o.qs, ${close}), ${business})`;
  };
  const openings = CHANNELS.map((c) => `${openingOf(c)} AS at_${c}`).join(',\n             ');

  let segmentSql = 'true';
  if (spec.segment) {
    const compiled = compileSegmentRule(spec.segment, p.values.length);
    segmentSql = compiled.sql;
    p.values.push(...compiled.params);
  }

  const caps = spec.service ? null : capCounts(spec.policy, p);
  const maxWindow = caps ? p.add(maxWindowDays(spec.policy), '::int') : '';

  // Room under the caps. The chunk's touches are read once (an index range scan) and counted per
  // client for every cap at once, over the span of the client's candidate times widened by each
  // window: a superset of any candidate's own window, so never fewer touches than there are.
  const room = caps
    ? `touches AS (
        SELECT d.client_id, d.scheduled_at AS at, d.channel
          FROM deliveries d
         WHERE d.client_id > ${loP} AND d.client_id <= ${hiP}
           AND d.counts_as_touch AND d.status IN ${TOUCH}
           AND d.scheduled_at > ${t0} - make_interval(days => ${maxWindow})
           AND d.scheduled_at < ${deadline} + make_interval(days => ${maxWindow})
      ),
      span AS (
        SELECT k.id, k.frequency, min(k.at) AS lo_at, max(k.at) AS hi_at FROM timed k GROUP BY k.id, k.frequency
      ),
      counts AS (
        SELECT sp.id, ${caps.columns}
          FROM span sp
          JOIN touches t ON t.client_id = sp.id
         GROUP BY sp.id
      ),
      room AS (
        SELECT k.id, k.ch, k.ord, k.at, (${caps.ok}) AS ok
          FROM timed k
          LEFT JOIN counts c ON c.id = k.id
      ),`
    : `room AS (SELECT k.id, k.ch, k.ord, k.at, true AS ok FROM timed k),`;

  const sql = `
    WITH ins AS (
    INSERT INTO deliveries (run_id, campaign_id, client_id, channel, status, reason, priority, counts_as_touch,
                            scheduled_at, due_at, deadline_at)
    WITH aud AS (
      SELECT c.id, COALESCE(c.time_zone, ${tz}) AS tz, p.preferred_channel AS preferred, p.frequency,
             p.quiet_hours_start AS qs, p.quiet_hours_end AS qe,
             COALESCE(c.time_zone, ${tz}) || '|' || COALESCE(p.quiet_hours_start::text, '') || '|'
               || COALESCE(p.quiet_hours_end::text, '') AS zone_key,
             p.opted_out AND ${respectOptOut} AS opted_out,
             COALESCE(s.subscribed, ${topicDefault}) AS subscribed,
             ${listOf} AS list_id,
             p.email_allowed AS a_email, p.sms_allowed AS a_sms, p.call_allowed AS a_call, p.letter_allowed AS a_letter,
             c.email IS NOT NULL AND NOT ('email-invalid' = ANY(c.contact_flags)) AS d_email,
             c.phone IS NOT NULL AND COALESCE(c.phone_mobile, true) AND NOT ('sms-blocked' = ANY(c.contact_flags)) AS d_sms,
             c.phone IS NOT NULL AND c.owner_id IS NOT NULL AND NOT ('phone-wrong' = ANY(c.contact_flags)) AS d_call,
             cardinality(c.address_lines) > 0 AND c.address_city IS NOT NULL AND c.address_postal_code IS NOT NULL
               AND c.address_country IS NOT NULL AND NOT ('address-returned' = ANY(c.contact_flags)) AS d_letter
        FROM clients c
        JOIN client_preferences p ON p.client_id = c.id
        LEFT JOIN client_topic_subscriptions s ON s.client_id = c.id AND s.topic_key = ${topic}
       WHERE c.id > ${loP} AND c.id <= ${hiP} AND c.archived_at IS NULL AND (${segmentSql})${
         // Taking over a run a crashed worker left half-planned: skip the clients it already did.
         options.resume
           ? `\n         AND NOT EXISTS (SELECT 1 FROM deliveries x WHERE x.run_id = ${run} AND x.client_id = c.id)`
           : ''
       }
    ),
    lists (list_id, ch, ord) AS (VALUES ${listRows.join(', ')}),
    zones AS MATERIALIZED (
      SELECT o.zone_key, ${openings}
        FROM (SELECT DISTINCT zone_key, tz, qs, qe FROM aud) o
    ),
    timed AS (
      SELECT a.id AS id, a.frequency, x.ch,
             CASE WHEN x.ch = a.preferred THEN 0 ELSE x.ord END AS ord,
             CASE x.ch WHEN 'email' THEN z.at_email WHEN 'sms' THEN z.at_sms
                       WHEN 'call' THEN z.at_call ELSE z.at_letter END AS at
        FROM aud a
        JOIN zones z ON z.zone_key = a.zone_key
        JOIN lists x ON x.list_id = a.list_id
       WHERE NOT a.opted_out AND a.subscribed
         AND CASE x.ch WHEN 'email' THEN a.a_email AND a.d_email WHEN 'sms' THEN a.a_sms AND a.d_sms
                       WHEN 'call' THEN a.a_call AND a.d_call ELSE a.a_letter AND a.d_letter END
    ),
    ${room}
    best AS (
      SELECT DISTINCT ON (r.id) r.id, r.ch, r.at, r.ok AND r.at <= ${deadline} AS go,
             bool_or(r.at <= ${deadline}) OVER (PARTITION BY r.id) AS any_in_time
        FROM room r
       ORDER BY r.id, (r.ok AND r.at <= ${deadline}) DESC, (r.at <= ${deadline}) DESC, r.ord
    )
    SELECT ${run}, ${campaign}, a.id,
           CASE WHEN b.go OR b.any_in_time THEN b.ch END,
           CASE WHEN b.go THEN 'queued' ELSE 'suppressed' END,
           CASE
             WHEN a.opted_out THEN 'opted-out'
             WHEN NOT a.subscribed THEN 'topic-unsubscribed'
             WHEN NOT ((a.a_email AND ${listHas(Channel.Email)}) OR (a.a_sms AND ${listHas(Channel.Sms)})
                    OR (a.a_call AND ${listHas(Channel.Call)}) OR (a.a_letter AND ${listHas(Channel.Letter)}))
               THEN 'channel-not-allowed'
             WHEN b.id IS NULL THEN 'no-contact-data'
             WHEN b.go THEN NULL
             WHEN b.any_in_time THEN 'frequency-cap'
             ELSE 'quiet-hours-expired'
           END,
           ${priority}, ${countsAsTouch},
           COALESCE(b.at, ${t0}), COALESCE(b.at, ${t0}), ${deadline}
      FROM aud a
      LEFT JOIN best b ON b.id = a.id
    RETURNING status, channel, reason
    )
    -- The chunk's counts come back with it: no second pass over the run's deliveries.
    SELECT status, channel, reason, count(*)::int AS n FROM ins GROUP BY 1, 2, 3`;
  return { sql, params: p.values };
}

/** Per-client touch counts for every cap (columns of `counts`) and the per-candidate room test. */
function capCounts(policy: FrequencyPolicy, p: Params): { columns: string; ok: string } {
  const inSpan = (days: string) =>
    `t.at > sp.lo_at - make_interval(days => ${days}) AND t.at < sp.hi_at + make_interval(days => ${days})`;
  const columns: string[] = [];
  const ok: string[] = [];
  policy.overall.forEach((cap, i) => {
    columns.push(`count(*) FILTER (WHERE ${inSpan(p.add(cap.windowDays, '::int'))}) AS o${i}`);
    ok.push(`COALESCE(c.o${i}, 0) < ${p.add(cap.maxTouches, '::int')}`);
  });
  for (const channel of CHANNELS) {
    (policy.perChannel[channel] ?? []).forEach((cap, i) => {
      const column = `c_${channel}_${i}`;
      columns.push(
        `count(*) FILTER (WHERE t.channel = '${channel}' AND ${inSpan(p.add(cap.windowDays, '::int'))}) AS ${column}`,
      );
      ok.push(`(k.ch <> '${channel}' OR COALESCE(c.${column}, 0) < ${p.add(cap.maxTouches, '::int')})`);
    });
  }
  columns.push(`count(*) FILTER (WHERE ${inSpan(FREQUENCY_WINDOW.replace(/k\./g, 'sp.'))}) AS f`);
  ok.push(`(k.frequency = 'unlimited' OR COALESCE(c.f, 0) < ${FREQUENCY_MAX})`);
  return { columns: columns.join(',\n               '), ok: ok.join('\n AND ') };
}
