import { AppConfig } from '@touchbase/config';
import { PlannerService, PlanningModule } from '@touchbase/planning';
import { SettingsModule } from '@touchbase/settings';
import { benchContext, benchDatabase, insertBenchClients, result, rssSampler, timed } from './_support';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1_000_000);
const TOUCHES_PER_CLIENT = 2;
/** BENCH_CONSENT=1: the topic needs prior consent (38-FZ), recorded for 9 clients in 10 (email and SMS). */
const CONSENT = process.env.BENCH_CONSENT === '1';

/**
 * P1 / P6: plan a whole-base broadcast for 1M clients (mixed preferences, 2M prior touches in the last
 * 30 days, caps, quiet hours) and compare with a plain INSERT … SELECT of the same 1M rows into the
 * same deliveries table, in the same run. Also reports the peak RSS of this (planning) process, and
 * the ratio of the same plan made one chunk at a time (`serial_ratio`), and the ratio of the parallel
 * plan to the same plain INSERT … SELECT split into the same chunks on as many connections
 * (`parallel_baseline_ratio`): both isolate what deciding costs beyond writing the rows.
 */
export default async function planBench(): Promise<void> {
  const db = await benchDatabase('plan_1m');
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  try {
    process.stdout.write(
      `Building ${CLIENTS.toLocaleString('en')} clients and ${(CLIENTS * TOUCHES_PER_CLIENT).toLocaleString('en')} prior touches…\n`,
    );
    const build = await timed(async () => {
      await insertBenchClients(q, CLIENTS);
      await q(`INSERT INTO campaigns (name, kind, status, topic_key, channels, schedule, time_zone)
               VALUES ('History', 'broadcast', 'archived', 'news', '{email}', '{"type":"once","at":"2026-01-01T00:00:00Z"}', 'Europe/Moscow'),
                      ('Bench', 'broadcast', 'active', 'news', '{email,sms,letter}', '{"type":"once","at":"2026-01-01T00:00:00Z"}', 'Europe/Moscow')`);
      // One history run per prior touch: a run holds one delivery per client.
      await q(
        `INSERT INTO runs (campaign_id, period_key, occurrence_at, status)
         SELECT id, 'h' || k, now(), 'completed' FROM campaigns CROSS JOIN generate_series(1, $1) k WHERE name = 'History'`,
        [TOUCHES_PER_CLIENT],
      );
      await q(
        `INSERT INTO deliveries (run_id, campaign_id, client_id, channel, status, scheduled_at, due_at)
         SELECT r.id, r.campaign_id, c.id, CASE WHEN k = 1 THEN 'email' ELSE 'sms' END, 'sent',
                now() - make_interval(secs => (abs(hashtext(c.id::text || k)) % (30 * 86400))),
                now() - make_interval(secs => (abs(hashtext(c.id::text || k)) % (30 * 86400)))
           FROM clients c CROSS JOIN generate_series(1, $1) k
           JOIN runs r ON r.period_key = 'h' || k`,
        [TOUCHES_PER_CLIENT],
      );
      if (CONSENT) {
        await q(`UPDATE topics SET requires_consent = true WHERE key = 'news'`);
        await q(
          `INSERT INTO consent_log (client_id, actor_type, source, item, old_value, new_value, wording_version)
           SELECT c.id, 'staff', 'import', 'consent.' || ch, 'null', 'true', 'bench/1'
             FROM clients c CROSS JOIN unnest(ARRAY['email', 'sms']) ch
            WHERE abs(hashtext(c.id::text)) % 10 <> 0`,
        );
      }
      await q(`VACUUM ANALYZE`);
    });
    process.stdout.write(`Data built in ${build.seconds.toFixed(1)} s\n`);

    const app = await benchContext(db.url, [SettingsModule, PlanningModule]);
    const planner = app.get(PlannerService);
    const config = app.get(AppConfig);
    const concurrency = config.planner.concurrency;
    const [campaign] = await q(`SELECT id FROM campaigns WHERE name = 'Bench'`);
    const newRun = async (key: string): Promise<string> =>
      (
        (await q(
          `INSERT INTO runs (campaign_id, period_key, occurrence_at) VALUES ($1, $2, now()) RETURNING id`,
          [campaign.id, key],
        )) as { id: string }[]
      )[0].id;
    // Every measurement starts from the same table: only the 2M prior touches, compact (a plain
    // VACUUM would leave the removed rows' pages, which the next plan's scan of touches reads again).
    const reset = async (runId: string) => {
      await q(`DELETE FROM deliveries WHERE run_id = $1`, [runId]);
      await q(`VACUUM (FULL, ANALYZE) deliveries`);
      await q(`SELECT count(*) FROM deliveries`);
    };
    // Warm the caches both sides use.
    await q(`SELECT count(*) FROM clients`);
    await q(`SELECT count(*) FROM client_preferences`);
    await q(`SELECT count(*) FROM deliveries`);

    const engineRun = await newRun('engine');
    const rss = rssSampler();
    const engine = await timed(() => planner.plan(engineRun));
    const rssMb = rss.stop();
    process.stdout.write(
      `Engine (PLANNER_CONCURRENCY=${concurrency}): ${engine.seconds.toFixed(2)} s — ${JSON.stringify(engine.result.stats)}\n`,
    );
    await reset(engineRun);

    const baselineSql = `INSERT INTO deliveries (run_id, campaign_id, client_id, channel, status, priority, counts_as_touch,
                                 scheduled_at, due_at, deadline_at)
         SELECT $1, $2, c.id, 'email', 'queued', 0, true, now(), now(), now() + interval '3 days'
           FROM clients c WHERE c.archived_at IS NULL`;
    const baselineRun = await newRun('baseline');
    const baseline = await timed(() => q(baselineSql, [baselineRun, campaign.id]));
    process.stdout.write(`Baseline INSERT … SELECT of the same rows: ${baseline.seconds.toFixed(2)} s\n`);
    await reset(baselineRun);

    // The same plain INSERT … SELECT split into the planner's own chunks, each in its own
    // transaction, on as many connections as the planner uses: what the parallel plan costs beyond
    // writing the rows the same way.
    const chunks = await planner.chunks();
    const parallelRun = await newRun('parallel-baseline');
    const parallelBaseline = await timed(async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, chunks.length) }, async () => {
          while (next < chunks.length) {
            const { lo, hi } = chunks[next++];
            await q(`${baselineSql} AND c.id > $3 AND c.id <= $4`, [parallelRun, campaign.id, lo, hi]);
          }
        }),
      );
    });
    process.stdout.write(
      `The same INSERT … SELECT in the planner's ${chunks.length} chunks on ${concurrency} connections: ${parallelBaseline.seconds.toFixed(2)} s\n`,
    );
    await reset(parallelRun);

    // The same plan on one connection, chunk after chunk, against the one-statement baseline.
    const serialRun = await newRun('serial');
    const serial = await timed(() => planner.plan(serialRun, { concurrency: 1 }));
    process.stdout.write(`Engine, one chunk at a time: ${serial.seconds.toFixed(2)} s\n`);
    await app.close();
    result(CONSENT ? 'plan-1m-consent' : 'plan-1m', {
      ratio: engine.seconds / baseline.seconds,
      engine_s: engine.seconds,
      baseline_s: baseline.seconds,
      rss_mb: rssMb,
      clients: CLIENTS,
      concurrency,
      serial_ratio: serial.seconds / baseline.seconds,
      parallel_baseline_s: parallelBaseline.seconds,
      parallel_baseline_ratio: engine.seconds / parallelBaseline.seconds,
    });
  } finally {
    await db.close();
  }
}
