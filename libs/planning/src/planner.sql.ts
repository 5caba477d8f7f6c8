import type { HolidayCalendar } from '@touchbase/campaigns';
import { Channel, CHANNELS } from '@touchbase/core';
import { consentedSql, contactDataSql, notSuppressedSql } from '@touchbase/preferences';
import { DeliveryReason, DeliveryStatus, sqlValue, TOUCH_STATUSES_SQL } from '@touchbase/runs';
import { compileSegmentRule, SegmentRule } from '@touchbase/segments';
import {
  Cap,
  capsJson,
  CLIENT_FREQUENCY_CAPS,
  effectiveFrequencySql,
  engagementJoin,
  FrequencyPolicy,
  maxWindowDays,
} from './frequency-policy';
import { inControlGroupSql, inHoldoutSql } from './holdouts/holdout-rules';

/** What the planning statement needs to know about a run. */
export interface PlanSpec {
  runId: string;
  campaignId: string;
  /** When the occurrence is planned for (never in the past: now at the latest). */
  plannedAt: Date;
  deadlineAt: Date;
  topicKey: string;
  topicDefaultSubscribed: boolean;
  /** The topic is promotional and needs the client's prior consent per channel (not for service campaigns). */
  topicRequiresConsent?: boolean;
  workspaceTimeZone: string;
  channels: Channel[];
  channelRules: { categories: string[]; channels: Channel[] }[];
  priorityRank: number;
  /** service campaigns: exempt from opt-out and caps, and not counted as touches */
  service: boolean;
  /** The segment's rule tree, or null for the whole base. */
  segment: SegmentRule | null;
  /** A system campaign's own audience condition over `c` and `p` (see PlanAudiences). */
  audience?: (params: Params) => string;
  policy: FrequencyPolicy;
  /** The workspace's holiday calendar: business days for windows limited to them (calls). */
  calendar: HolidayCalendar;
  /** Share of the eligible audience held out, by a stable hash (0 or absent: none). */
  holdoutShare?: number;
  /** The workspace's control group when it applies to this campaign (absent: it does not). */
  controlGroup?: { share: number; salt: string } | null;
}

export class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

/**
 * The client's channel lists: the campaign's (id 0) and those of its category rules (1…). `listOf` picks
 * the client's list (the first rule matching `c.category`), `listHas` whether a list id holds a channel,
 * `rank` a channel's place in the client's order: the preferred channel first, then the list's order.
 */
export function channelLists(spec: PlanSpec, p: Params) {
  const lists: Channel[][] = [spec.channels, ...spec.channelRules.map((r) => r.channels)];
  const listOf = spec.channelRules.length
    ? `CASE ${spec.channelRules
        .map((r, i) => `WHEN c.category = ANY(${p.add(r.categories, '::text[]')}) THEN ${i + 1}`)
        .join(' ')} ELSE 0 END`
    : '0';
  const used = CHANNELS.filter((ch) => lists.some((l) => l.includes(ch)));
  const listHas = (channel: Channel, column: string) => {
    const ids = lists.map((l, id) => (l.includes(channel) ? id : -1)).filter((id) => id >= 0);
    return ids.length ? `${column} IN (${ids.join(', ')})` : 'false';
  };
  const rank = (channel: Channel, preferred: string, listId: string) =>
    `CASE WHEN ${preferred} = '${channel}' THEN 0 ELSE CASE ${listId} ${lists
      .map((l, id) => (l.includes(channel) ? `WHEN ${id} THEN ${l.indexOf(channel) + 1}` : ''))
      .join(' ')} END END`;
  return { lists, listOf, used, listHas, rank };
}

/**
 * A channel's next sending time at or after `at` (SQL), for a client in zone `tz` with quiet hours
 * `qs`–`qe`: the channel's window less the client's quiet hours (letters have neither), on business
 * days of the workspace calendar when the window asks for them.
 */
export function openingSql(
  spec: Pick<PlanSpec, 'policy' | 'calendar'>,
  p: Params,
  channel: Channel,
  at: string,
  client: { tz: string; qs: string; qe: string },
): string {
  const w = spec.policy.sendingWindows[channel];
  const open = w ? p.add(w.start, '::time') : 'NULL::time';
  const close = w ? p.add(w.end, '::time') : 'NULL::time';
  const business = p.add(w?.businessDaysOnly ?? false, '::boolean');
  const quiet = channel === Channel.Letter ? 'NULL, NULL' : `${client.qs}, ${client.qe}`;
  const daysOff = p.add(spec.calendar.daysOff, '::date[]');
  const workingDays = p.add(spec.calendar.workingDays, '::date[]');
  return `tb_next_opening(${at}, ${client.tz}, ${open}, ${close}, ${business}, ${quiet}, ${daysOff}, ${workingDays})`;
}

// The client's own frequency cap (FREQUENCY_CAPS), as CASEs over its frequency: window and touches.
const frequencyCase = (alias: string, of: (cap: Cap) => number) =>
  `CASE ${alias}.frequency ${Object.entries(CLIENT_FREQUENCY_CAPS)
    .map(([frequency, cap]) => `WHEN '${frequency}' THEN ${of(cap)}`)
    .join(' ')} END`;
const frequencyWindow = (alias: string) => frequencyCase(alias, (cap) => cap.windowDays);
const FREQUENCY_MAX = frequencyCase('b', (cap) => cap.maxTouches);

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
  // lists are few and known here, so choosing a channel is a CASE over them evaluated on the client's
  // own row: no row per candidate channel, no sort to pick the best one.
  const { lists, listOf, used, listHas: inList } = channelLists(spec, p);
  const listHas = (channel: Channel, column = 'a.list_id') => inList(channel, column);
  // The first channel, in the client's order (the preferred one first, then the list's), whose
  // column `<prefix>_<channel>` is true; NULL when none is.
  const first = (prefix: string) =>
    `CASE ${[
      ...used.map((ch) => `WHEN b.preferred = '${ch}' AND b.${prefix}_${ch} THEN '${ch}'`),
      ...lists.flatMap((l, id) => l.map((ch) => `WHEN b.list_id = ${id} AND b.${prefix}_${ch} THEN '${ch}'`)),
    ].join(' ')} END`;
  const atOf = (channel: string) =>
    `CASE ${channel} ${used.map((ch) => `WHEN '${ch}' THEN b.at_${ch}`).join(' ')} END`;

  // Sending time per channel: the next opening of the channel's window in the client's zone, less the
  // client's own quiet hours. Computed once per distinct (zone, quiet hours) — a handful — not once per
  // client.
  const openings = used
    .map((c) => `${openingSql(spec, p, c, t0, { tz: 'o.tz', qs: 'o.qs', qe: 'o.qe' })} AS at_${c}`)
    .join(',\n             ');

  let segmentSql = 'true';
  if (spec.segment) {
    const compiled = compileSegmentRule(spec.segment, p.values.length);
    segmentSql = compiled.sql;
    p.values.push(...compiled.params);
  }
  const audienceSql = spec.audience ? spec.audience(p) : 'true';
  // With a sunset policy, clients who stopped engaging are capped at its frequency: their engagement
  // row is read only then.
  const sunset = !spec.service && spec.policy.sunset !== null;
  const frequency = sunset
    ? effectiveFrequencySql(t0, p.add(capsJson(spec.policy), '::jsonb'))
    : 'p.frequency';
  const withheld = withheldSql(spec, p, campaign);
  // A promotional topic that needs prior consent: each channel also needs the client's recorded consent
  // (column k_<channel>). Without it, the statement is unchanged.
  const consent = needsConsent(spec);
  const consentOk = (ch: Channel) => (consent ? ` AND a.k_${ch}` : '');

  const caps = spec.service ? null : capCounts(spec.policy, used, p);
  const maxWindow = caps ? p.add(maxWindowDays(spec.policy), '::int') : '';
  const inRange = (column: string) => `${column} > ${loP} AND ${column} <= ${hiP}`;

  // Room under the caps. The chunk's touches are read once and counted per client for every cap at
  // once, over the span of the client's candidate times widened by each window: a superset of any
  // candidate's own window, so never fewer touches than there are. Clients without a candidate
  // (opted out, unsubscribed, no contact data) are not counted.
  const counts = caps
    ? `counts AS (
        SELECT b.id, ${caps.columns}
          FROM base b
          JOIN deliveries t ON t.client_id = b.id
         WHERE b.lo_at IS NOT NULL AND ${inRange('t.client_id')}${withheld ? ' AND b.withheld IS NULL' : ''}
           AND t.counts_as_touch AND t.status IN ${TOUCH_STATUSES_SQL}
           AND t.scheduled_at > ${t0} - make_interval(days => ${maxWindow})
           AND t.scheduled_at < ${deadline} + make_interval(days => ${maxWindow})
         GROUP BY b.id
      ),`
    : '';
  const roomOf = (ch: Channel) => (caps ? `(${caps.ok(ch)})` : 'true');

  const sql = `
    WITH ins AS (
    INSERT INTO deliveries (run_id, campaign_id, client_id, channel, status, reason, priority, counts_as_touch,
                            scheduled_at, due_at, deadline_at)
    -- The chunk's few subscriptions to the topic, read once by range (hashed, not probed per client).
    WITH subscriptions AS MATERIALIZED (
      SELECT s.client_id, s.subscribed FROM client_topic_subscriptions s
       WHERE s.topic_key = ${topic} AND ${inRange('s.client_id')}
    ),
    aud AS MATERIALIZED (
      SELECT c.id, COALESCE(c.time_zone, ${tz}) AS tz, p.preferred_channel AS preferred, ${frequency} AS frequency,
             p.quiet_hours_start AS qs, p.quiet_hours_end AS qe,
             COALESCE(c.time_zone, ${tz}) || '|' || COALESCE(p.quiet_hours_start::text, '') || '|'
               || COALESCE(p.quiet_hours_end::text, '') AS zone_key,
             p.opted_out AND ${respectOptOut} AS opted_out,
             COALESCE(s.subscribed, ${topicDefault}) AS subscribed,
             ${listOf} AS list_id,
             p.email_allowed AS a_email, p.sms_allowed AS a_sms, p.call_allowed AS a_call, p.letter_allowed AS a_letter,
             ${CHANNELS.map((ch) => `${contactDataSql(ch)} AS d_${ch}`).join(',\n             ')},
             ${used.map((ch) => `${notSuppressedSql(ch)} AS u_${ch}`).join(',\n             ')}${
               consent
                 ? `,\n             ${used.map((ch) => `${consentedSql(ch)} AS k_${ch}`).join(',\n             ')}`
                 : ''
             }${withheld ? `,\n             ${withheld} AS withheld` : ''}
        FROM clients c
        JOIN client_preferences p ON p.client_id = c.id AND ${inRange('p.client_id')}
        LEFT JOIN subscriptions s ON s.client_id = c.id${
          sunset
            ? `
        ${engagementJoin('c.id')}`
            : ''
        }
       WHERE ${inRange('c.id')} AND c.archived_at IS NULL AND (${segmentSql}) AND (${audienceSql})${
         // Taking over a run a crashed worker left half-planned: skip the clients it already did.
         options.resume
           ? `\n         AND NOT EXISTS (SELECT 1 FROM deliveries x WHERE x.run_id = ${run} AND x.client_id = c.id)`
           : ''
       }
    ),
    zones AS MATERIALIZED (
      SELECT o.zone_key, ${openings}
        FROM (SELECT DISTINCT zone_key, tz, qs, qe FROM aud) o
    ),
    -- One row per client: per channel, whether it is a candidate (in the client's list, allowed,
    -- contact data present) and when it would go out.
    base AS MATERIALIZED (
      SELECT x.*${caps ? `,\n             ${caps.bounds}` : ''}
        FROM (
      SELECT a.id, a.frequency, a.preferred, a.list_id, a.opted_out, a.subscribed,
             a.a_email, a.a_sms, a.a_call, a.a_letter,${withheld ? ' a.withheld,' : ''}
             ${used
               .map(
                 (ch) =>
                   `NOT a.opted_out AND a.subscribed AND a.a_${ch} AND a.d_${ch} AND a.u_${ch}${consentOk(ch)} AND ${listHas(ch)} AS e_${ch}`,
               )
               .join(',\n             ')},
             (${used.map((ch) => `(a.a_${ch} AND a.d_${ch} AND ${listHas(ch)})`).join(' OR ') || 'false'}) AS has_data,${
               consent
                 ? `\n             (${used.map((ch) => `(a.a_${ch} AND a.d_${ch} AND a.u_${ch} AND ${listHas(ch)})`).join(' OR ') || 'false'}) AS has_reach,`
                 : ''
             }
             ${used.map((ch) => `z.at_${ch}`).join(', ')},
             least(${used.map((ch) => `CASE WHEN a.a_${ch} AND a.d_${ch} AND ${listHas(ch)} THEN z.at_${ch} END`).join(', ')}) AS lo_at,
             greatest(${used.map((ch) => `CASE WHEN a.a_${ch} AND a.d_${ch} AND ${listHas(ch)} THEN z.at_${ch} END`).join(', ')}) AS hi_at
        FROM aud a
        JOIN zones z ON z.zone_key = a.zone_key
        ) x
    ),
    ${counts}
    -- Per channel: in time (before the deadline) and, on top, with room under every cap.
    decided AS (
      SELECT b.*,
             ${used.map((ch) => `b.e_${ch} AND b.at_${ch} <= ${deadline} AS t_${ch}`).join(',\n             ')},
             ${used.map((ch) => `b.e_${ch} AND b.at_${ch} <= ${deadline} AND ${roomOf(ch)} AS g_${ch}`).join(',\n             ')}
        FROM base b
        ${caps ? 'LEFT JOIN counts c ON c.id = b.id' : ''}
    ),
    chosen AS (
      SELECT b.*, ${first('g')} AS go_ch, ${first('t')} AS in_time_ch, ${first('e')} AS any_ch
        FROM decided b
    )
    SELECT ${run}, ${campaign}, b.id,
           COALESCE(b.go_ch, b.in_time_ch),
           CASE WHEN b.go_ch IS NOT NULL${withheld ? ' AND b.withheld IS NULL' : ''} THEN ${sqlValue(DeliveryStatus.Queued)} ELSE ${sqlValue(DeliveryStatus.Suppressed)} END,
           CASE
             WHEN b.opted_out THEN ${sqlValue(DeliveryReason.OptedOut)}
             WHEN NOT b.subscribed THEN ${sqlValue(DeliveryReason.TopicUnsubscribed)}
             WHEN NOT (${used.map((ch) => `(b.a_${ch} AND ${listHas(ch, 'b.list_id')})`).join(' OR ') || 'false'})
               THEN ${sqlValue(DeliveryReason.ChannelNotAllowed)}
             ${
               // Reachable on a channel but with no consent recorded for any: no-consent.
               consent
                 ? `WHEN b.any_ch IS NULL AND b.has_reach THEN ${sqlValue(DeliveryReason.NoConsent)}\n             `
                 : ''
             }WHEN b.any_ch IS NULL AND b.has_data THEN ${sqlValue(DeliveryReason.SuppressionList)}
             WHEN b.any_ch IS NULL THEN ${sqlValue(DeliveryReason.NoContactData)}${
               // Held out or in the control group: decided before the caps, so it takes no room.
               withheld ? '\n             WHEN b.withheld IS NOT NULL THEN b.withheld' : ''
             }
             WHEN b.go_ch IS NOT NULL THEN NULL
             WHEN b.in_time_ch IS NOT NULL THEN ${sqlValue(DeliveryReason.FrequencyCap)}
             ELSE ${sqlValue(DeliveryReason.QuietHoursExpired)}
           END,
           ${priority}, ${countsAsTouch},
           COALESCE(${atOf('COALESCE(b.go_ch, b.in_time_ch, b.any_ch)')}, ${t0}),
           COALESCE(${atOf('COALESCE(b.go_ch, b.in_time_ch, b.any_ch)')}, ${t0}),
           ${deadline}
      FROM chosen b
    RETURNING status, channel, reason
    )
    -- The chunk's counts come back with it: no second pass over the run's deliveries.
    SELECT status, channel, reason, count(*)::int AS n FROM ins GROUP BY 1, 2, 3`;
  return { sql, params: p.values };
}

/** Whether the run's topic needs prior consent: promotional topics only, never service campaigns. */
export function needsConsent(spec: Pick<PlanSpec, 'topicRequiresConsent' | 'service'>): boolean {
  return !spec.service && spec.topicRequiresConsent === true;
}

/**
 * The reason a client of the audience is withheld on purpose (the control group, else the campaign's
 * holdout), as SQL over `c`; null when neither applies, and the statement is then unchanged.
 */
function withheldSql(spec: PlanSpec, p: Params, campaign: string): string | null {
  const branches: string[] = [];
  if (spec.controlGroup && spec.controlGroup.share > 0) {
    const member = inControlGroupSql(
      'c.id',
      p.add(spec.controlGroup.salt, '::text'),
      p.add(spec.controlGroup.share, '::float8'),
    );
    branches.push(`WHEN ${member} THEN ${sqlValue(DeliveryReason.ControlGroup)}`);
  }
  if (spec.holdoutShare && spec.holdoutShare > 0) {
    const held = inHoldoutSql('c.id', campaign, p.add(spec.holdoutShare, '::float8'));
    branches.push(`WHEN ${held} THEN ${sqlValue(DeliveryReason.Holdout)}`);
  }
  return branches.length ? `CASE ${branches.join(' ')} END` : null;
}

/**
 * Per-client touch counts for every cap (columns of `counts`) and the room test of each channel. The
 * bounds of each window around the client's span are computed once per client (`bounds`, columns of
 * `base`): calendar-day arithmetic on timestamptz is costly, and touches outnumber clients.
 */
function capCounts(
  policy: FrequencyPolicy,
  channels: Channel[],
  p: Params,
): { bounds: string; columns: string; ok: (channel: Channel) => string } {
  const windows = new Set<number>();
  const inSpan = (days: number) => {
    windows.add(days);
    return `t.scheduled_at > b.lo_${days} AND t.scheduled_at < b.hi_${days}`;
  };
  const columns: string[] = [];
  const common: string[] = [];
  const perChannel = new Map<Channel, string[]>();
  policy.overall.forEach((cap, i) => {
    columns.push(`count(*) FILTER (WHERE ${inSpan(cap.windowDays)}) AS o${i}`);
    common.push(`COALESCE(c.o${i}, 0) < ${p.add(cap.maxTouches, '::int')}`);
  });
  for (const channel of channels) {
    const tests: string[] = [];
    (policy.perChannel[channel] ?? []).forEach((cap, i) => {
      const column = `c_${channel}_${i}`;
      columns.push(
        `count(*) FILTER (WHERE t.channel = '${channel}' AND ${inSpan(cap.windowDays)}) AS ${column}`,
      );
      tests.push(`COALESCE(c.${column}, 0) < ${p.add(cap.maxTouches, '::int')}`);
    });
    perChannel.set(channel, tests);
  }
  columns.push(`count(*) FILTER (WHERE t.scheduled_at > b.lo_f AND t.scheduled_at < b.hi_f) AS f`);
  common.push(`(b.frequency = 'unlimited' OR COALESCE(c.f, 0) < ${FREQUENCY_MAX})`);
  const bounds = [...windows].map((days) => {
    const w = p.add(days, '::int');
    return `x.lo_at - make_interval(days => ${w}) AS lo_${days}, x.hi_at + make_interval(days => ${w}) AS hi_${days}`;
  });
  bounds.push(
    `x.lo_at - make_interval(days => ${frequencyWindow('x')}) AS lo_f, x.hi_at + make_interval(days => ${frequencyWindow('x')}) AS hi_f`,
  );
  return {
    bounds: bounds.join(',\n             '),
    columns: columns.join(',\n               '),
    ok: (channel) => [...common, ...(perChannel.get(channel) ?? [])].join(' AND '),
  };
}
