import { Channel } from '@touchbase/core';
import { DEFAULT_FREQUENCY_POLICY, FrequencyPolicy } from './frequency-policy';
import { buildPlanStatement, channelLists, Params, PlanSpec } from './planner.sql';

const RUN = '11111111-1111-4111-8111-111111111111';
const CAMPAIGN = '22222222-2222-4222-8222-222222222222';
const LO = '00000000-0000-0000-0000-000000000000';
const HI = '0fffffff-ffff-ffff-ffff-ffffffffffff';

const spec = (overrides: Partial<PlanSpec> = {}): PlanSpec => ({
  runId: RUN,
  campaignId: CAMPAIGN,
  plannedAt: new Date('2026-11-02T07:00:00Z'),
  deadlineAt: new Date('2026-11-05T07:00:00Z'),
  topicKey: 'news',
  topicDefaultSubscribed: true,
  workspaceTimeZone: 'Europe/Moscow',
  channels: [Channel.Email],
  channelRules: [],
  priorityRank: 0,
  service: false,
  segment: null,
  policy: DEFAULT_FREQUENCY_POLICY,
  calendar: { daysOff: ['2026-11-04'], workingDays: ['2026-11-01'] },
  ...overrides,
});

/** The placeholders the statement uses, as numbers, each once. */
function placeholders(sql: string): number[] {
  return [...new Set([...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
}

/** The parameter a placeholder with this cast binds, e.g. `::text[]` → the categories of a rule. */
function paramsCast(statement: { sql: string; params: unknown[] }, cast: string): unknown[] {
  const escaped = cast.replace(/[[\]]/g, '\\$&');
  return [...statement.sql.matchAll(new RegExp(`\\$(\\d+)${escaped}(?![\\w\\[])`, 'g'))].map(
    (m) => statement.params[Number(m[1]) - 1],
  );
}

/** The text of one CTE, `name AS (…` up to the next CTE at the same indentation. */
function cte(sql: string, name: string): string {
  const start = sql.search(new RegExp(`\\n {4}${name} AS (MATERIALIZED )?\\(`));
  if (start < 0) return '';
  const next = sql.slice(start + 1).search(/\n {4}(\w+ AS (MATERIALIZED )?\(|-- |SELECT )/);
  return next < 0 ? sql.slice(start) : sql.slice(start, start + 1 + next);
}

describe('Params', () => {
  it('numbers placeholders in the order values are added, with their cast', () => {
    const p = new Params();
    expect(p.add('a')).toBe('$1');
    expect(p.add(2, '::int')).toBe('$2::int');
    expect(p.add(['x'], '::text[]')).toBe('$3::text[]');
    expect(p.values).toEqual(['a', 2, ['x']]);
  });
});

describe('channelLists', () => {
  const lists = () =>
    channelLists(
      spec({
        channels: [Channel.Email, Channel.Sms],
        channelRules: [{ categories: ['VIP'], channels: [Channel.Sms, Channel.Call] }],
      }),
      new Params(),
    );

  it('knows which lists hold a channel, and only the channels some list holds', () => {
    const { used, listHas, listOf } = lists();
    expect(used).toEqual([Channel.Email, Channel.Sms, Channel.Call]);
    expect(listHas(Channel.Sms, 'x')).toBe('x IN (0, 1)');
    expect(listHas(Channel.Call, 'x')).toBe('x IN (1)');
    expect(listHas(Channel.Letter, 'x')).toBe('false');
    expect(listOf).toBe('CASE WHEN c.category = ANY($1::text[]) THEN 1 ELSE 0 END');
  });

  it('ranks the preferred channel first, then by its place in the client’s list', () => {
    const { rank } = lists();
    expect(rank(Channel.Sms, 'b.preferred', 'b.list_id')).toBe(
      "CASE WHEN b.preferred = 'sms' THEN 0 ELSE CASE b.list_id WHEN 0 THEN 2 WHEN 1 THEN 1 END END",
    );
    // A list without the channel adds no case.
    expect(rank(Channel.Call, 'p', 'l').replace(/\s+/g, ' ')).toBe(
      "CASE WHEN p = 'call' THEN 0 ELSE CASE l WHEN 1 THEN 2 END END",
    );
  });
});

describe('buildPlanStatement', () => {
  it('binds the run, the chunk and the campaign settings as parameters, first and in order', () => {
    const { params } = buildPlanStatement(spec({ priorityRank: 2 }), LO, HI);
    expect(params.slice(0, 12)).toEqual([
      RUN,
      CAMPAIGN,
      '2026-11-02T07:00:00.000Z',
      '2026-11-05T07:00:00.000Z',
      LO,
      HI,
      'news',
      true,
      'Europe/Moscow',
      2,
      true, // counts as a touch
      true, // respects opt-outs
    ]);
  });

  it('uses every parameter it binds and no other: the numbering holds with a segment appended', () => {
    for (const s of [
      spec(),
      spec({ service: true }),
      spec({
        channels: [Channel.Email, Channel.Sms, Channel.Call, Channel.Letter],
        channelRules: [{ categories: ['VIP'], channels: [Channel.Call, Channel.Letter] }],
        segment: {
          all: [
            { field: 'category', op: 'in', value: ['A', 'VIP'] },
            { not: { field: 'tags', op: 'contains', value: 'dealer' } },
          ],
        },
      }),
    ]) {
      const statement = buildPlanStatement(s, LO, HI);
      expect(placeholders(statement.sql)).toEqual(statement.params.map((_, i) => i + 1));
    }
  });

  it('puts no value into the SQL text: topics, zones and segment values are parameters', () => {
    const hostile = "x'); DROP TABLE clients; --";
    const { sql, params } = buildPlanStatement(
      spec({
        topicKey: hostile,
        workspaceTimeZone: hostile,
        channelRules: [{ categories: [hostile], channels: [Channel.Email] }],
        segment: { field: 'city', op: 'eq', value: hostile },
      }),
      LO,
      HI,
    );
    expect(sql).not.toContain('DROP TABLE');
    expect(params.filter((v) => v === hostile)).toHaveLength(3);
    expect(params).toContainEqual([hostile]);
  });

  it('takes the clients of the chunk: ids in (lo, hi], for clients, preferences, subscriptions and touches', () => {
    const { sql } = buildPlanStatement(spec(), LO, HI);
    for (const column of ['c.id', 'p.client_id', 's.client_id', 't.client_id']) {
      expect(sql).toContain(`${column} > $5::uuid AND ${column} <= $6::uuid`);
    }
    expect(cte(sql, 'aud')).toContain('c.archived_at IS NULL');
  });

  it('writes only the channels the campaign can use', () => {
    const { sql } = buildPlanStatement(spec({ channels: [Channel.Email] }), LO, HI);
    expect(sql).toContain('e_email');
    for (const ch of ['sms', 'call', 'letter']) {
      expect(sql).not.toMatch(new RegExp(`\\b(e|t|g|at)_${ch}\\b`));
    }
    const both = buildPlanStatement(spec({ channels: [Channel.Sms, Channel.Letter] }), LO, HI).sql;
    expect(both).toMatch(/\be_sms\b/);
    expect(both).toMatch(/\be_letter\b/);
    expect(both).not.toMatch(/\be_email\b/);
  });

  it('chooses the preferred channel first, then the client’s list in its order', () => {
    const { sql } = buildPlanStatement(spec({ channels: [Channel.Sms, Channel.Email] }), LO, HI);
    const chosen = cte(sql, 'chosen');
    const order = [...chosen.matchAll(/WHEN (b\.\w+ = '?\w+'?) AND b\.g_(\w+) THEN/g)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    expect(order).toEqual([
      "b.preferred = 'email':email",
      "b.preferred = 'sms':sms",
      'b.list_id = 0:sms',
      'b.list_id = 0:email',
    ]);
  });

  it('picks a client’s channel list by the first category rule that matches, else the campaign’s', () => {
    const statement = buildPlanStatement(
      spec({
        channels: [Channel.Email],
        channelRules: [
          { categories: ['VIP'], channels: [Channel.Call] },
          { categories: ['A', 'B'], channels: [Channel.Letter, Channel.Email] },
        ],
      }),
      LO,
      HI,
    );
    expect(statement.sql).toMatch(
      /CASE WHEN c\.category = ANY\(\$\d+::text\[\]\) THEN 1 WHEN c\.category = ANY\(\$\d+::text\[\]\) THEN 2 ELSE 0 END AS list_id/,
    );
    expect(paramsCast(statement, '::text[]')).toEqual([['VIP'], ['A', 'B']]);
    // A channel is a candidate only in the lists that hold it.
    expect(statement.sql).toContain(
      'a.a_email AND a.d_email AND a.u_email AND a.list_id IN (0, 2) AS e_email',
    );
    expect(statement.sql).toContain('a.a_call AND a.d_call AND a.u_call AND a.list_id IN (1) AS e_call');
    expect(statement.sql).toContain(
      'a.a_letter AND a.d_letter AND a.u_letter AND a.list_id IN (2) AS e_letter',
    );
  });

  it('counts touches once per client for every cap layer, each cap bound as a parameter', () => {
    const policy: FrequencyPolicy = {
      ...DEFAULT_FREQUENCY_POLICY,
      overall: [
        { maxTouches: 2, windowDays: 7 },
        { maxTouches: 5, windowDays: 30 },
      ],
      perChannel: { ...DEFAULT_FREQUENCY_POLICY.perChannel, sms: [{ maxTouches: 3, windowDays: 30 }] },
    };
    const statement = buildPlanStatement(spec({ channels: [Channel.Email, Channel.Sms], policy }), LO, HI);
    const counts = cte(statement.sql, 'counts');
    expect(counts).toContain('JOIN deliveries t ON t.client_id = b.id');
    expect(counts).toContain("t.counts_as_touch AND t.status IN ('queued', 'sending', 'sent', 'delivered')");
    expect(counts).toMatch(/AS o0,/);
    expect(counts).toMatch(/AS o1,/);
    expect(counts).toContain("count(*) FILTER (WHERE t.channel = 'sms' AND t.scheduled_at > b.lo_30");
    expect(counts).toMatch(/AS f\n/);
    expect(counts).toContain('GROUP BY b.id');
    // One pair of window bounds per distinct window length (7 and 30 days), and the client's frequency.
    expect(statement.sql).toMatch(/AS lo_7, .* AS hi_7/);
    expect(statement.sql).toMatch(/AS lo_30, .* AS hi_30/);
    expect(statement.sql).not.toMatch(/AS lo_30, [^\n]*\n[^\n]*AS lo_30/);
    expect(paramsCast(statement, '::int')).toEqual(expect.arrayContaining([2, 5, 3, 7, 30, 90]));
    // Room: every overall cap and the frequency for every channel; the SMS cap for SMS only.
    const decided = cte(statement.sql, 'decided');
    const room = (ch: string) =>
      new RegExp(`b\\.e_${ch} AND b\\.at_${ch} <= \\$4::timestamptz AND \\(([^\\n]*)\\) AS g_${ch}`);
    const emailRoom = room('email').exec(decided)![1];
    const smsRoom = room('sms').exec(decided)![1];
    expect(emailRoom).toMatch(/COALESCE\(c\.o0, 0\) < \$\d+::int AND COALESCE\(c\.o1, 0\) < \$\d+::int/);
    expect(emailRoom).toContain("b.frequency = 'unlimited' OR COALESCE(c.f, 0) <");
    expect(emailRoom).not.toContain('c_sms_0');
    expect(smsRoom).toMatch(/COALESCE\(c\.c_sms_0, 0\) < \$\d+::int/);
  });

  it('leaves caps, opt-outs and touch counting out of a service campaign', () => {
    const { sql, params } = buildPlanStatement(spec({ service: true }), LO, HI);
    expect(sql).not.toContain('counts AS (');
    expect(sql).not.toContain('JOIN deliveries t');
    expect(sql).toMatch(/AND true AS g_email/);
    expect(sql).toContain('p.opted_out AND $12::boolean AS opted_out');
    expect(params[10]).toBe(false); // counts_as_touch
    expect(params[11]).toBe(false); // opt-outs not respected
  });

  it('opens each channel’s window in the client’s zone less the client’s quiet hours (not for letters), on the calendar’s business days', () => {
    const statement = buildPlanStatement(
      spec({ channels: [Channel.Email, Channel.Sms, Channel.Call, Channel.Letter] }),
      LO,
      HI,
    );
    const zones = cte(statement.sql, 'zones');
    expect(zones).toContain('FROM (SELECT DISTINCT zone_key, tz, qs, qe FROM aud) o');
    const opening = (ch: string) => {
      const m = new RegExp(`tb_next_opening\\(([^)]*)\\) AS at_${ch}`).exec(zones);
      expect(m).not.toBeNull();
      return m![1].split(', ').map((arg) => {
        const n = /^\$(\d+)::/.exec(arg);
        return n ? statement.params[Number(n[1]) - 1] : arg;
      });
    };
    const calendar = [['2026-11-04'], ['2026-11-01']];
    // From the planned time, in the client's zone: window, business days only, quiet hours, calendar.
    // Email and letters have no window in the default policy; SMS 09–21 every day; calls 09–21 on business days.
    expect(opening('email')).toEqual([
      '2026-11-02T07:00:00.000Z',
      'o.tz',
      'NULL::time',
      'NULL::time',
      false,
      'o.qs',
      'o.qe',
      ...calendar,
    ]);
    expect(opening('sms')).toEqual([
      '2026-11-02T07:00:00.000Z',
      'o.tz',
      '09:00',
      '21:00',
      false,
      'o.qs',
      'o.qe',
      ...calendar,
    ]);
    expect(opening('call')).toEqual([
      '2026-11-02T07:00:00.000Z',
      'o.tz',
      '09:00',
      '21:00',
      true,
      'o.qs',
      'o.qe',
      ...calendar,
    ]);
    expect(opening('letter')).toEqual([
      '2026-11-02T07:00:00.000Z',
      'o.tz',
      'NULL::time',
      'NULL::time',
      false,
      'NULL',
      'NULL',
      ...calendar,
    ]);
  });

  it('skips the clients a crashed planner already did only when resuming', () => {
    const fresh = buildPlanStatement(spec(), LO, HI).sql;
    const resumed = buildPlanStatement(spec(), LO, HI, { resume: true }).sql;
    expect(fresh).not.toContain('NOT EXISTS (SELECT 1 FROM deliveries x');
    expect(cte(resumed, 'aud')).toContain(
      'AND NOT EXISTS (SELECT 1 FROM deliveries x WHERE x.run_id = $1::uuid AND x.client_id = c.id)',
    );
  });

  it('inserts every client of the audience, queued or suppressed with the most specific reason', () => {
    const { sql } = buildPlanStatement(spec(), LO, HI);
    expect(sql).toContain('INSERT INTO deliveries (run_id, campaign_id, client_id, channel, status, reason');
    expect(sql).toContain("CASE WHEN b.go_ch IS NOT NULL THEN 'queued' ELSE 'suppressed' END");
    const reasons = [...sql.matchAll(/THEN '([a-z-]+)'\n/g)].map((m) => m[1]);
    expect(reasons).toEqual([
      'opted-out',
      'topic-unsubscribed',
      'channel-not-allowed',
      'suppression-list',
      'no-contact-data',
      'frequency-cap',
    ]);
    expect(sql).toContain("ELSE 'quiet-hours-expired'");
    // The chunk's counts come back with the statement.
    expect(sql).toMatch(/SELECT status, channel, reason, count\(\*\)::int AS n FROM ins GROUP BY 1, 2, 3$/);
  });
});

describe('buildPlanStatement: holdout and control group', () => {
  it('leaves the statement as it was when no share is set', () => {
    const plain = buildPlanStatement(spec(), LO, HI);
    expect(buildPlanStatement(spec({ holdoutShare: 0, controlGroup: null }), LO, HI)).toEqual(plain);
    expect(buildPlanStatement(spec({ controlGroup: { share: 0, salt: 'abc' } }), LO, HI)).toEqual(plain);
    expect(plain.sql).not.toContain('tb_hash_fraction');
    expect(plain.sql).not.toContain('withheld');
  });

  it('decides the holdout by the hash of client and campaign, per client in the audience, before the caps', () => {
    const statement = buildPlanStatement(spec({ holdoutShare: 0.1 }), LO, HI);
    const aud = cte(statement.sql, 'aud');
    expect(aud).toMatch(
      /tb_hash_fraction\(c\.id::text \|\| \$2::uuid::text\) < \$\d+::float8 THEN 'holdout'/,
    );
    expect(paramsCast(statement, '::float8')).toEqual([0.1]);
    expect(statement.sql.match(/tb_hash_fraction/g)).toHaveLength(1);
    // Withheld clients count no touches and are never queued.
    expect(cte(statement.sql, 'counts')).toContain('b.withheld IS NULL');
    expect(statement.sql).toContain("b.go_ch IS NOT NULL AND b.withheld IS NULL THEN 'queued'");
    expect(statement.sql).toMatch(
      /WHEN b\.any_ch IS NULL THEN 'no-contact-data'\s+WHEN b\.withheld IS NOT NULL THEN b\.withheld/,
    );
  });

  it('puts control-group members first, by the hash of client and the salt', () => {
    const statement = buildPlanStatement(
      spec({ holdoutShare: 0.25, controlGroup: { share: 0.05, salt: 'pepper' } }),
      LO,
      HI,
    );
    const aud = cte(statement.sql, 'aud');
    expect(aud.indexOf("'control-group'")).toBeLessThan(aud.indexOf("'holdout'"));
    expect(paramsCast(statement, '::float8')).toEqual([0.05, 0.25]);
    expect(paramsCast(statement, '::text')).toContain('pepper');
  });
});

describe('buildPlanStatement: topics that need prior consent', () => {
  it('leaves the statement as it was when the topic needs no consent', () => {
    expect(buildPlanStatement(spec({ topicRequiresConsent: false }), LO, HI)).toEqual(
      buildPlanStatement(spec(), LO, HI),
    );
    expect(buildPlanStatement(spec(), LO, HI).sql).not.toContain('consent_log');
  });

  it('needs the recorded consent of each channel, and says no-consent before suppression-list', () => {
    const { sql } = buildPlanStatement(
      spec({ topicRequiresConsent: true, channels: [Channel.Email, Channel.Sms] }),
      LO,
      HI,
    );
    expect(sql).toContain("l.item = 'consent.email'");
    expect(sql).toContain("l.item = 'consent.sms'");
    expect(sql).toContain('AND a.k_email AND');
    const reasons = [...sql.matchAll(/THEN '([a-z-]+)'\n/g)].map((m) => m[1]);
    expect(reasons.indexOf('no-consent')).toBeGreaterThan(reasons.indexOf('channel-not-allowed'));
    expect(reasons.indexOf('no-consent')).toBeLessThan(reasons.indexOf('suppression-list'));
  });

  it('exempts service campaigns', () => {
    const { sql } = buildPlanStatement(spec({ topicRequiresConsent: true, service: true }), LO, HI);
    expect(sql).not.toContain('consent_log');
  });
});
