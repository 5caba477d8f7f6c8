import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import twilio from 'twilio';
import { validateEnvironment } from '@touchbase/config';
import { DispatchModule } from '@touchbase/dispatch';
import { RuntimeModule } from '@touchbase/runtime';
import { SmsModule } from '@touchbase/sms';
import { startTwilioStandInProcess } from '../test/support/twilio-standin-process';
import { BenchDatabase, benchDatabase, result, timed } from './_support';

/**
 * P3: SMS dispatch through the twilio client to the Twilio stand-in (in another process, with a small
 * fixed latency). The engine — the real DispatcherService claiming batches (SKIP LOCKED, lease, claim
 * token), re-checking consent, rendering, counting segments, SmsHandler + TwilioSmsDriver with
 * concurrency C, recording outcomes — against raw twilio client calls with the same concurrency C for
 * the same N messages, in the same run (best of BENCH_ROUNDS turns each). `npm run bench -- dispatch-sms [messages]`.
 */

const ACCOUNT = {
  accountSid: 'AC' + 'b3'.repeat(16),
  authToken: 'bench-auth-token-0123456789abcdef',
  messagingServiceSid: 'MG' + 'c4'.repeat(16),
};
const CONCURRENCY = Number(process.env.BENCH_SMS_CONCURRENCY ?? 8);
const LATENCY_MS = Number(process.env.BENCH_SMS_LATENCY_MS ?? 20);
const BATCH_SIZE = Number(process.env.BENCH_DISPATCH_BATCH_SIZE ?? 200);
/** Engine and raw take turns this many times; the best of each counts (a shared machine is noisy). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = 300;
const TEMPLATE =
  'Здравствуйте, {{client.name}}! Новый прайс-лист и условия на квартал уже в личном кабинете: {{portal.url}}';

export default async function dispatchSmsBench(args: string[]): Promise<void> {
  const messages = Number(args[0] ?? process.env.BENCH_MESSAGES ?? 3000);
  const db = await benchDatabase('dispatch_sms');
  const standIn = await startTwilioStandInProcess({ ...ACCOUNT, latencyMs: LATENCY_MS });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-bench-sms-'));
  let app: INestApplicationContext | undefined;
  try {
    process.stdout.write(
      `${messages} SMS × ${ROUNDS} rounds, concurrency ${CONCURRENCY}, stand-in latency ${LATENCY_MS} ms ` +
        `(pid ${standIn.pid}), dispatch batches of ${BATCH_SIZE}\n`,
    );
    const { warmupRun, engineRuns } = await buildData(db, messages);
    app = await engineContext(db.url, standIn.url, dataDir);

    // Warm both paths up (JIT, connection pools, keep-alive sockets) before measuring.
    await releaseRun(db, warmupRun);
    await raw(standIn.url, WARMUP, sampleBody());
    await standIn.reset();

    const engineTimes: number[] = [];
    const rawTimes: number[] = [];
    for (const [round, runId] of engineRuns.entries()) {
      const engine = await releaseRun(db, runId);
      const engineStats = await standIn.reset();
      const sent = await count(db, runId, `status = 'sent'`);
      if (sent !== messages || engineStats.accepted !== messages) {
        throw new Error(
          `The engine sent ${sent} (stand-in accepted ${engineStats.accepted}), not ${messages}, once each`,
        );
      }
      const baseline = await timed(() => raw(standIn.url, messages, sampleBody()));
      const rawStats = await standIn.reset();
      if (rawStats.accepted !== messages)
        throw new Error(`The raw client sent ${rawStats.accepted}, not ${messages}`);
      engineTimes.push(engine.seconds);
      rawTimes.push(baseline.seconds);
      process.stdout.write(
        `Round ${round + 1}: engine ${engine.seconds.toFixed(2)} s (${(messages / engine.seconds).toFixed(0)} msg/s), ` +
          `raw twilio client ${baseline.seconds.toFixed(2)} s (${(messages / baseline.seconds).toFixed(0)} msg/s)\n`,
      );
    }
    const engineS = Math.min(...engineTimes);
    const rawS = Math.min(...rawTimes);
    result('dispatch-sms', {
      ratio: messages / engineS / (messages / rawS),
      engine_s: engineS,
      raw_s: rawS,
      messages,
      concurrency: CONCURRENCY,
      latency_ms: LATENCY_MS,
    });
  } finally {
    await app?.close();
    await standIn.stop();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Clients with mobile numbers, an SMS campaign with a Russian template, and runs of queued SMS not yet due. */
async function buildData(db: BenchDatabase, messages: number) {
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  await q(
    `INSERT INTO templates (name, channel, locale, subject, body) VALUES ('bench-sms', 'sms', 'ru', NULL, $1)`,
    [TEMPLATE],
  );
  const [campaign] = await q(
    `INSERT INTO campaigns (name, kind, status, topic_key, channels, templates, schedule, time_zone)
     VALUES ('Bench SMS', 'broadcast', 'paused', 'news', '{sms}', '{"sms": "bench-sms"}',
             '{"type":"once","at":"2026-01-01T00:00:00Z"}', 'Europe/Moscow')
     RETURNING id`,
  );
  await q(
    `INSERT INTO clients (external_ref, name, phone, time_zone, stage)
     SELECT 'S' || g, 'ООО «Клиент ' || g || '»', '+7912' || lpad(g::text, 7, '0'), 'Europe/Moscow', 'client'
       FROM generate_series(1, $1) g`,
    [messages + WARMUP],
  );
  const run = async (key: string, from: number, to: number): Promise<string> => {
    const [r] = await q(
      `INSERT INTO runs (campaign_id, period_key, occurrence_at, status) VALUES ($1, $2, now(), 'dispatching') RETURNING id`,
      [campaign.id, key],
    );
    // Queued but due tomorrow: released when measuring starts.
    await q(
      `INSERT INTO deliveries (run_id, campaign_id, client_id, channel, status, priority, counts_as_touch, scheduled_at, due_at)
       SELECT $1, $2, c.id, 'sms', 'queued', 0, true, now(), now() + interval '1 day'
         FROM clients c WHERE substring(c.external_ref from 2)::int BETWEEN $3 AND $4`,
      [r.id, campaign.id, from, to],
    );
    return r.id;
  };
  const warmupRun = await run('warmup', 1, WARMUP);
  const engineRuns: string[] = [];
  // One run per round, over the same clients (a run holds one delivery per client).
  for (let r = 1; r <= ROUNDS; r++) engineRuns.push(await run(`engine-${r}`, WARMUP + 1, WARMUP + messages));
  await q(`VACUUM ANALYZE`);
  return { warmupRun, engineRuns };
}

/**
 * Makes a run's deliveries due and wakes the dispatcher; resolves when none is queued or sending.
 * Timed in the database: from the release to the last outcome recorded.
 */
async function releaseRun(db: BenchDatabase, runId: string): Promise<{ seconds: number }> {
  const [start]: { at: Date }[] = await db.dataSource.query(
    `WITH r AS (UPDATE deliveries SET due_at = now() WHERE run_id = $1 RETURNING 1)
     SELECT clock_timestamp() AS at, (SELECT count(*) FROM r)::int AS n, pg_notify('touchbase_dispatch', 'sms')`,
    [runId],
  );
  for (;;) {
    if ((await count(db, runId, `status IN ('queued', 'sending')`)) === 0) break;
    // Only to notice the end: the time itself comes from the database.
    await new Promise((r) => setTimeout(r, 200));
  }
  const [{ last }] = await db.dataSource.query(
    `SELECT max(updated_at) AS last FROM deliveries WHERE run_id = $1`,
    [runId],
  );
  return { seconds: ((last as Date).getTime() - start.at.getTime()) / 1000 };
}

async function count(db: BenchDatabase, runId: string, where: string): Promise<number> {
  const [{ n }] = await db.dataSource.query(
    `SELECT count(*)::int AS n FROM deliveries WHERE run_id = $1 AND ${where}`,
    [runId],
  );
  return n;
}

/** The baseline: the twilio client as its documentation shows, C calls in flight, nothing else. */
async function raw(url: string, messages: number, body: (i: number) => string): Promise<void> {
  const client = twilio(ACCOUNT.accountSid, ACCOUNT.authToken);
  client.api.baseUrl = url; // the stand-in instead of api.twilio.com
  let next = 0;
  const worker = async () => {
    while (next < messages) {
      const i = next++;
      await client.messages.create({
        to: `+7913${String(i).padStart(7, '0')}`,
        body: body(i),
        messagingServiceSid: ACCOUNT.messagingServiceSid,
        statusCallback: `https://touchbase.example.com/webhooks/twilio/status?d=${i}`,
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** A message like the engine's: the same template text with a name and a portal link. */
function sampleBody(): (i: number) => string {
  const link = 'https://touchbase.example.com/p/' + 'x'.repeat(120);
  return (i) => TEMPLATE.replace('{{client.name}}', `ООО «Клиент ${i}»`).replace('{{portal.url}}', link);
}

async function engineContext(
  url: string,
  standInUrl: string,
  dataDir: string,
): Promise<INestApplicationContext> {
  const env = validateEnvironment({
    LOG_LEVEL: 'warn',
    DATABASE_MIGRATIONS_RUN: 'false',
    DATA_DIR: dataDir,
    PUBLIC_URL: 'https://touchbase.example.com',
    DISPATCH_CHANNELS: 'sms',
    DISPATCH_BATCH_SIZE: String(BATCH_SIZE),
    DISPATCH_POLL_MS: '1000',
    SMS_DRIVER: 'twilio',
    TWILIO_ACCOUNT_SID: ACCOUNT.accountSid,
    TWILIO_AUTH_TOKEN: ACCOUNT.authToken,
    TWILIO_MESSAGING_SERVICE_SID: ACCOUNT.messagingServiceSid,
    TWILIO_API_BASE_URL: standInUrl,
    SMS_CONCURRENCY: String(CONCURRENCY),
  });
  @Module({
    imports: [
      RuntimeModule.forRoot({ env, databaseUrl: url, applicationName: 'touchbase-bench-sms' }),
      DispatchModule,
      SmsModule,
    ],
  })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error', 'warn'] });
  await app.init();
  return app;
}
