import { DataSource } from 'typeorm';
import {
  ReportOptions,
  ReportResult,
  ReportsModule,
  ReportsService,
  VipCoolingService,
} from '@touchbase/reports';
import { benchContext, benchDatabase, result, timed } from './_support';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1_000_000);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 10_000_000);
/** Prints EXPLAIN (ANALYZE, BUFFERS) of every report statement. */
const EXPLAIN = process.env.BENCH_EXPLAIN === '1';
const PERIOD = '2026-10';
/** The 24 months the history covers end with November 2026. */
const FIRST_MONTH = '2024-12-01';

/**
 * Every report on a large base (BENCH_CLIENTS clients, about BENCH_DELIVERIES deliveries over two
 * years, built set-based with generate_series): one CEO letter to everyone in 2026-Q4, then rounds
 * of newsletters, promotions, win-back and verification calls spread over 24 months, with outcomes,
 * call tasks, stage history, STOPs and purchases. Prints one `RESULT reports` line with the seconds
 * each report took (and the VIP cooling pass).
 */
export default async function reportsBench(): Promise<void> {
  const db = await benchDatabase('reports');
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  try {
    process.stdout.write(
      `Building ${CLIENTS.toLocaleString('en')} clients and about ${DELIVERIES.toLocaleString('en')} deliveries…\n`,
    );
    // Each build step that takes a while is named with its time.
    const step = async (sql: string, params: unknown[] = []) => {
      const { result: rows, seconds } = await timed(() => q(sql, params));
      if (seconds > 1)
        process.stdout.write(`  ${seconds.toFixed(1).padStart(6)} s  ${sql.trim().slice(0, 70)}\n`);
      return rows;
    };
    const build = await timed(() => buildBase(step));
    const [{ deliveries, tasks }] = await q(
      `SELECT (SELECT count(*) FROM deliveries)::bigint AS deliveries, (SELECT count(*) FROM call_tasks)::bigint AS tasks`,
    );
    process.stdout.write(
      `Data built in ${build.seconds.toFixed(1)} s: ${Number(deliveries).toLocaleString('en')} deliveries, ` +
        `${Number(tasks).toLocaleString('en')} call tasks\n`,
    );

    const app = await benchContext(db.url, [ReportsModule]);
    const reports = app.get(ReportsService);
    const cooling = app.get(VipCoolingService);
    if (EXPLAIN) explainEveryQuery(app.get(DataSource));
    const [{ id: segment }] = await q(
      `INSERT INTO segments (name, rules) VALUES ('Bench: A clients bought within a year', $1) RETURNING id`,
      [
        JSON.stringify({
          all: [
            { field: 'category', op: 'eq', value: 'A' },
            { field: 'lastPurchase', op: 'withinDays', value: 365 },
          ],
        }),
      ],
    );
    // Warm the caches every report reads.
    await q(`SELECT count(*) FROM clients`);
    await q(`SELECT count(*) FROM deliveries WHERE scheduled_at >= '2026-09-01'`);

    const figures: Record<string, number> = {};
    const measure = async (name: string, run: () => Promise<ReportResult | unknown>) => {
      const { seconds, result: out } = await timed(run);
      figures[`${name}_s`] = seconds;
      const { callTaskIds: _ids, ...summary } = ((out as ReportResult).summary ?? out) as Record<
        string,
        unknown
      >;
      process.stdout.write(
        `${name.padEnd(22)} ${seconds.toFixed(2).padStart(7)} s  ${JSON.stringify(summary)}\n`,
      );
    };
    const base: ReportOptions = { period: PERIOD, limit: 1000 };
    await measure('coverage', () => reports.coverage(base));
    await measure('coverage_segment', () => reports.coverage({ ...base, segment }));
    await measure('suppressions', () => reports.suppressions(base));
    await measure('deliverability', () => reports.deliverability(base));
    await measure('deliverability_quarter', () => reports.deliverability({ ...base, period: '2026-Q4' }));
    await measure('funnel', () => reports.funnel(base));
    await measure('vip_cooling', () => reports.vipCooling({ limit: 1000 }));
    await measure('win_back', () => reports.winBack(base));
    await measure('verification', () => reports.verification(base));
    await measure('attribution', () => reports.attribution(base));
    await measure('attribution_quarter', () => reports.attribution({ ...base, period: '2026-Q4' }));
    await measure('attribution_segment', () => reports.attribution({ ...base, segment }));
    await measure('cooling_pass', () => cooling.run());
    await measure('cooling_pass_again', () => cooling.run());
    await app.close();

    result('reports', {
      clients: CLIENTS,
      deliveries: Number(deliveries),
      total_s: Object.values(figures).reduce((a, b) => a + b, 0),
      ...figures,
    });
  } finally {
    await db.close();
  }
}

type Query = (sql: string, params?: unknown[]) => Promise<{ [key: string]: unknown }[]>;

async function buildBase(q: Query): Promise<void> {
  // A non-negative hash (abs of the int4 minimum would overflow). Plain tables and functions, not
  // temporary ones: the pool may run each statement on another connection.
  await q(
    `CREATE FUNCTION bench_h(text) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT abs(hashtext($1)::bigint)'`,
  );
  await q(
    `INSERT INTO staff_members (name, email, role) SELECT 'Manager ' || g, 'm' || g || '@example.com', 'sales-ops' FROM generate_series(1, 50) g`,
  );
  // Clients: 1% VIP, then A/B/C by hash; created over three years; some contact problems.
  await q(
    `INSERT INTO clients (external_ref, name, email, phone, address_lines, address_city, address_postal_code,
                          address_country, time_zone, owner_id, vip_flag, computed_category, created_at,
                          contact_verified_at, contact_flags, email_hard_bounces)
     SELECT 'R' || g, 'Клиент ' || g, 'c' || g || '@example.com',
            '+7912' || lpad((g % 10000000)::text, 7, '0'),
            ARRAY['ул. Ленина, ' || g], 'Екатеринбург', '620014', 'RU',
            (ARRAY['Europe/Moscow', 'Asia/Vladivostok', 'Europe/Kaliningrad', 'Asia/Yekaterinburg'])[1 + g % 4],
            (SELECT array_agg(id ORDER BY id) FROM staff_members)[1 + g % 50],
            g % 100 = 0,
            (ARRAY['A', 'B', 'B', 'C', 'C', 'C', 'C', 'C', 'C', 'C'])[1 + (g / 7) % 10],
            timestamptz '2023-11-01' + make_interval(secs => (bench_h('c' || g) % (3 * 365 * 86400))),
            CASE WHEN g % 3 <> 0 THEN timestamptz '2026-11-01' - make_interval(days => (bench_h('v' || g) % 700)::int) END,
            CASE g % 97 WHEN 1 THEN '{email-invalid}'::text[] WHEN 2 THEN '{sms-blocked}' WHEN 3 THEN '{phone-wrong}'
                        WHEN 4 THEN '{address-returned}' ELSE '{}' END,
            CASE WHEN g % 97 = 1 THEN 3 WHEN g % 89 = 0 THEN 1 ELSE 0 END
       FROM generate_series(1, $1) g`,
    [CLIENTS],
  );
  await q(`UPDATE client_preferences SET opted_out = (hashtext(client_id::text) % 40 = 0)`);
  await q(
    `CREATE TABLE bench_clients AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, id FROM clients`,
  );
  await q(`CREATE UNIQUE INDEX ON bench_clients (n)`);

  await q(
    `INSERT INTO campaigns (name, kind, status, topic_key, channels, templates, schedule, time_zone, playbook_key)
     VALUES ('News', 'broadcast', 'active', 'news', '{email,sms}', '{}', '{"type":"once","at":"2026-01-01T00:00"}', 'Europe/Moscow', NULL),
            ('Promo', 'broadcast', 'active', 'promotions', '{email}', '{}', '{"type":"once","at":"2026-01-01T00:00"}', 'Europe/Moscow', NULL),
            ('Win-back', 'plan', 'active', 'promotions', '{email,sms}', '{"email":"win-back"}', '{"type":"once","at":"2026-01-01T00:00"}', 'Europe/Moscow', 'win-back'),
            ('Verification', 'service', 'active', 'service', '{call}', '{"call":"contact-verification-call"}', '{"type":"once","at":"2026-01-01T00:00"}', 'Europe/Moscow', 'contact-verification'),
            ('CEO letter', 'ceo-letter', 'active', 'company-letters', '{email,letter}', '{}', '{"type":"once","at":"2026-01-01T00:00"}', 'Europe/Moscow', NULL)`,
  );
  // Round 0: the CEO letter of 2026-Q4 to everyone. Rounds 1…: a campaign per round, each client in
  // one of the 24 months (so a client never has two deliveries in one run).
  const rounds = Math.max(2, Math.ceil(DELIVERIES / CLIENTS));
  await q(
    `CREATE TABLE bench_runs AS
     SELECT 0 AS round, 0 AS month, 'CEO letter' AS campaign, '2026-Q4' AS period_key,
            timestamptz '2026-10-05 07:00+00' AS at
     UNION ALL
     SELECT r, m, (ARRAY['News', 'Promo', 'Win-back', 'Verification'])[1 + (r - 1) % 4],
            'r' || r || '-m' || m, timestamptz '${FIRST_MONTH} 07:00+00' + make_interval(months => m)
       FROM generate_series(1, $1 - 1) r CROSS JOIN generate_series(0, 23) m`,
    [rounds],
  );
  await q(
    `INSERT INTO runs (campaign_id, period_key, occurrence_at, status)
     SELECT ca.id, b.period_key, b.at, 'completed' FROM bench_runs b JOIN campaigns ca ON ca.name = b.campaign`,
  );
  await q(`ALTER TABLE bench_runs ADD COLUMN run_id uuid, ADD COLUMN campaign_id uuid`);
  await q(
    `UPDATE bench_runs b SET run_id = r.id, campaign_id = r.campaign_id FROM runs r WHERE r.period_key = b.period_key`,
  );
  await q(`CREATE UNIQUE INDEX ON bench_runs (round, month)`);
  await q(`ANALYZE bench_runs`);
  await q(`ANALYZE bench_clients`);

  // Deliveries: i → client i % N, round i / N, month by hash; outcomes by hash. Verification calls
  // go to a fifth of the clients only.
  await q(
    `INSERT INTO deliveries (run_id, campaign_id, client_id, channel, status, reason, counts_as_touch, scheduled_at,
                             due_at, sent_at, meta)
     SELECT b.run_id, b.campaign_id, c.id, x.channel, x.status,
            CASE x.status WHEN 'suppressed' THEN (ARRAY['frequency-cap', 'frequency-cap', 'opted-out', 'topic-unsubscribed', 'no-contact-data'])[1 + x.h % 5]
                          WHEN 'failed' THEN 'provider-error' END,
            b.campaign <> 'Verification', x.at, x.at,
            CASE WHEN x.status IN ('sent', 'delivered', 'bounced') THEN x.at END,
            CASE WHEN x.channel = 'letter' AND x.h % 50 = 0 THEN '{"returned": {"at": "2026-10-20T00:00:00Z"}}'::jsonb ELSE '{}'::jsonb END
       FROM (SELECT i, (i % $2)::int AS cn, (i / $2)::int AS round,
                    CASE WHEN i / $2 = 0 THEN 0 ELSE (bench_h('m' || i) % 24)::int END AS month
               FROM generate_series(0, $1::bigint - 1) i) g
       JOIN bench_clients c ON c.n = g.cn
       JOIN bench_runs b ON b.round = g.round AND b.month = g.month
       CROSS JOIN LATERAL (
         SELECT bench_h('d' || g.i) AS h,
                b.at + make_interval(secs => bench_h('t' || g.i) % (27 * 86400)) AS at
       ) y
       CROSS JOIN LATERAL (
         SELECT y.h, y.at,
                CASE WHEN b.campaign = 'Verification' THEN 'call'
                     WHEN b.campaign = 'CEO letter' AND c.n % 10 < 2 THEN 'letter'
                     WHEN b.campaign IN ('News', 'Win-back') AND y.h % 3 = 0 THEN 'sms'
                     ELSE 'email' END AS channel,
                CASE WHEN y.h % 100 < 70 THEN 'sent' WHEN y.h % 100 < 80 THEN 'delivered'
                     WHEN y.h % 100 < 85 THEN 'failed' WHEN y.h % 100 < 88 THEN 'bounced'
                     WHEN y.h % 100 < 96 THEN 'suppressed' WHEN y.h % 100 < 98 THEN 'cancelled'
                     ELSE 'queued' END AS status
       ) x
      WHERE b.campaign <> 'Verification' OR c.n % 5 = 0`,
    [DELIVERIES, CLIENTS],
  );
  await q(
    `INSERT INTO call_tasks (delivery_id, client_id, campaign_id, due_at, status, outcome, script, created_at)
     SELECT d.id, d.client_id, d.campaign_id, d.due_at,
            CASE WHEN d.status IN ('queued', 'sending') THEN 'open' WHEN d.status = 'cancelled' THEN 'cancelled' ELSE 'done' END,
            CASE WHEN d.status IN ('sent', 'delivered') THEN (ARRAY['reached', 'reached', 'declined'])[1 + d.id % 3]
                 WHEN d.status IN ('failed', 'bounced') THEN (ARRAY['wrong-number', 'no-answer'])[1 + d.id % 2] END,
            'Позвонить', d.scheduled_at
       FROM deliveries d WHERE d.channel = 'call' AND d.status <> 'suppressed'`,
  );

  // Stage history: created, then one move for most clients.
  await q(
    `INSERT INTO stage_history (client_id, from_stage, to_stage, cause, changed_at)
     SELECT id, NULL, 'potential', 'created', created_at FROM clients`,
  );
  await q(
    `INSERT INTO stage_history (client_id, from_stage, to_stage, cause, changed_at)
     SELECT c.id, 'potential', (ARRAY['probable', 'prospect', 'client', 'client', 'key', 'lapsed'])[1 + bench_h('s' || c.id) % 6],
            'classification', GREATEST(c.created_at, timestamptz '2024-12-01') + make_interval(secs => bench_h('h' || c.id) % (600 * 86400))
       FROM clients c WHERE bench_h('x' || c.id) % 10 < 7`,
  );
  await q(
    `UPDATE clients c SET stage = h.to_stage, stage_changed_at = h.changed_at
       FROM (SELECT DISTINCT ON (client_id) client_id, to_stage, changed_at FROM stage_history
              ORDER BY client_id, changed_at DESC, id DESC) h
      WHERE h.client_id = c.id`,
  );
  // STOPs.
  await q(
    `INSERT INTO consent_log (client_id, changed_at, actor_type, source, item, old_value, new_value)
     SELECT id, timestamptz '2025-01-01' + make_interval(secs => bench_h('stop' || id) % (690 * 86400)),
            CASE WHEN (n / 50) % 2 = 0 THEN 'client' ELSE 'system' END, 'sms', 'channel.sms', 'true', 'false'
       FROM bench_clients WHERE n % 50 = 7`,
  );
  // Purchases: two per client.
  await q(
    `INSERT INTO purchases (client_id, purchased_at, amount, currency)
     SELECT c.id, timestamptz '2024-12-01' + make_interval(secs => bench_h(k || 'p' || c.id) % (720 * 86400)),
            100 + bench_h(k || 'a' || c.id) % 10000, 'RUB'
       FROM clients c CROSS JOIN generate_series(1, 2) k`,
  );
  await q(
    `UPDATE clients c SET last_purchase_at = p.at FROM (SELECT client_id, max(purchased_at) AS at FROM purchases GROUP BY 1) p
      WHERE p.client_id = c.id`,
  );
  await q(
    `UPDATE clients c SET last_touch_at = d.at
       FROM (SELECT client_id, max(sent_at) AS at FROM deliveries
              WHERE counts_as_touch AND status IN ('sent', 'delivered') GROUP BY 1) d
      WHERE d.client_id = c.id`,
  );
  await q(`VACUUM ANALYZE`);
}

/** Wraps the DataSource so that every report statement is explained (ANALYZE, BUFFERS) before it runs. */
function explainEveryQuery(dataSource: DataSource): void {
  const query = dataSource.query.bind(dataSource);
  dataSource.query = (async (sql: string, params?: unknown[]) => {
    if (/^\s*(SELECT|WITH)\b/i.test(sql) && !/\b(INSERT|UPDATE|DELETE)\b|pg_advisory/i.test(sql)) {
      const plan: { 'QUERY PLAN': string }[] = await query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      process.stdout.write(
        `\n--- ${sql.trim().split('\n')[0].slice(0, 100)}\n${plan.map((p) => p['QUERY PLAN']).join('\n')}\n`,
      );
    }
    return query(sql, params);
  }) as DataSource['query'];
}
