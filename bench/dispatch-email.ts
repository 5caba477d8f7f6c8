import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import nodemailer from 'nodemailer';
import { validateEnvironment } from '@touchbase/config';
import { Channel, Locale } from '@touchbase/core';
import { DispatchModule } from '@touchbase/dispatch';
import { EmailMessageBuilder, EmailModule, EmailDriverModule } from '@touchbase/email';
import { RuntimeModule } from '@touchbase/runtime';
import {
  MessageContextBuilder,
  RenderedEmail,
  TemplateRenderer,
  TemplatesModule,
  TemplatesService,
} from '@touchbase/templates';
import {
  benchDatabase,
  BenchDatabase,
  emailWorkerSettings,
  result,
  seedEmailCampaign,
  timed,
} from './_support';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5000);
const POOL = Number(process.env.BENCH_POOL ?? 5);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Per-message delay of the sink, as a real relay's latency; 0 measures our own cost hardest. */
const SINK_DELAY_MS = Number(process.env.BENCH_SINK_DELAY_MS ?? 0);
/** Set to a file name: the CPU profile of the engine's last round is written there. */
const PROFILE = process.env.BENCH_PROFILE;
const EDITION = {
  subjectRu: 'Новости ноября: новый склад в Челябинске',
  subjectEn: 'November news: a new warehouse',
  blocks: [
    { type: 'heading', ru: 'Новый склад в Челябинске', en: 'A new warehouse in Chelyabinsk' },
    {
      type: 'paragraph',
      ru: 'Доставка по Уралу теперь за один день.',
      en: 'Next-day delivery across the Urals.',
    },
    { type: 'paragraph', ru: 'Мы расширили ассортимент: 300 новых позиций.', en: '300 new products.' },
    { type: 'link', ru: 'Каталог', en: 'Catalogue', url: 'https://example.com/catalogue' },
  ],
};

/**
 * P2: email dispatch — claim, re-check consent, render, SMTP to a sink in another process, mark sent
 * — against raw nodemailer with the same pool size sending the same messages to the same sink, in
 * the same run. The engine is the real DispatcherService loop with the EmailHandler and the SMTP
 * driver; its clock runs from the moment the queued deliveries fall due until all are marked sent.
 * Rounds alternate raw and engine; the best of each is compared.
 */
export default async function dispatchEmailBench(): Promise<void> {
  const db = await benchDatabase('dispatch_email');
  const sink = await startSink();
  let app: INestApplicationContext | undefined;
  try {
    process.stdout.write(
      `${MESSAGES} messages per round, pool ${POOL}, batch ${BATCH}, sink delay ${SINK_DELAY_MS} ms, ${ROUNDS} rounds\n`,
    );
    const data = await buildData(db);
    app = await engineContext(db.url, sink.port);
    const raw = await rawMessages(app, db);
    const transport = nodemailer.createTransport({
      url: `smtp://127.0.0.1:${sink.port}`,
      pool: true,
      maxConnections: POOL,
      logger: false,
    });
    const sendRaw = (messages: typeof raw) => Promise.all(messages.map((m) => transport.sendMail(m)));

    // Warm both paths (connections, JIT) before measuring.
    await sendRaw(raw.slice(0, 300));
    await runEngine(db, data.warmupRun);

    const engineTimes: number[] = [];
    const rawTimes: number[] = [];
    // CPU time of this process per message, beside the wall time: steadier on a shared machine.
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const u = process.cpuUsage(since);
      return ((u.user + u.system) / 1000 / MESSAGES).toFixed(2);
    };
    for (let round = 0; round < ROUNDS; round++) {
      let cpu = process.cpuUsage();
      const r = await timed(() => sendRaw(raw));
      rawTimes.push(r.seconds);
      process.stdout.write(
        `raw nodemailer: ${r.seconds.toFixed(2)} s, ${(MESSAGES / r.seconds).toFixed(0)} msgs/s, ${cpuMs(cpu)} ms CPU/msg\n`,
      );
      const profiler = PROFILE && round === ROUNDS - 1 ? await startProfile() : null;
      cpu = process.cpuUsage();
      const e = await runEngine(db, data.runs[round]);
      const engineCpu = cpuMs(cpu);
      if (profiler) await profiler.stop(PROFILE!);
      engineTimes.push(e);
      process.stdout.write(
        `engine:         ${e.toFixed(2)} s, ${(MESSAGES / e).toFixed(0)} msgs/s, ${engineCpu} ms CPU/msg\n`,
      );
    }
    transport.close();

    const [counts] = await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*)::int AS total
         FROM deliveries WHERE run_id = ANY($1::uuid[])`,
      [data.runs.slice(0, ROUNDS)],
    );
    const received = await sink.count();
    const expected = 300 + data.warmupSize + ROUNDS * MESSAGES * 2;
    process.stdout.write(
      `deliveries sent ${counts.sent}/${counts.total}; the sink received ${received.count} messages (expected ${expected})\n`,
    );
    if (counts.sent !== counts.total || received.count !== expected)
      throw new Error('Lost or duplicated messages');

    const engineS = Math.min(...engineTimes);
    const rawS = Math.min(...rawTimes);
    result('dispatch-email', {
      ratio: rawS / engineS,
      engine_s: engineS,
      raw_s: rawS,
      engine_msgs_s: Math.round(MESSAGES / engineS),
      raw_msgs_s: Math.round(MESSAGES / rawS),
      messages: MESSAGES,
      pool: POOL,
      batch: BATCH,
      sink_delay_ms: SINK_DELAY_MS,
    });
  } finally {
    await app?.close();
    sink.stop();
    await db.close();
  }
}

interface BenchData {
  runs: string[];
  warmupRun: string;
  warmupSize: number;
}

/** Clients, a campaign with the built-in monthly broadcast, an edition, and the queued deliveries: SQL. */
async function buildData(db: BenchDatabase): Promise<BenchData> {
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  const campaign = { id: await seedEmailCampaign(q, MESSAGES) };
  const runs: string[] = [];
  const warmupSize = Math.min(500, MESSAGES);
  for (let round = 0; round <= ROUNDS; round++) {
    const key = round === ROUNDS ? 'warmup' : `round-${round}`;
    const [run] = await q(
      `INSERT INTO runs (campaign_id, period_key, occurrence_at, status) VALUES ($1, $2, now(), 'dispatching') RETURNING id`,
      [campaign.id, key],
    );
    await q(
      `INSERT INTO editions (campaign_id, period_key, subject_ru, subject_en, blocks) VALUES ($1, $2, $3, $4, $5)`,
      [campaign.id, key, EDITION.subjectRu, EDITION.subjectEn, JSON.stringify(EDITION.blocks)],
    );
    // Queued, but due only when a round starts.
    await q(
      `INSERT INTO deliveries (run_id, campaign_id, client_id, channel, status, priority, counts_as_touch, scheduled_at, due_at)
       SELECT $1, $2, id, 'email', 'queued', 0, true, now(), 'infinity' FROM clients
        ORDER BY external_ref LIMIT $3`,
      [run.id, campaign.id, round === ROUNDS ? warmupSize : MESSAGES],
    );
    if (round === ROUNDS) runs.push(run.id);
    else runs[round] = run.id;
  }
  await q(`VACUUM ANALYZE`);
  return { runs: runs.slice(0, ROUNDS), warmupRun: runs[ROUNDS], warmupSize };
}

/** Makes the run's deliveries due, wakes the dispatcher, and waits until none is queued or sending. */
async function runEngine(db: BenchDatabase, runId: string): Promise<number> {
  const q = (sql: string, params: unknown[] = []) => db.dataSource.query(sql, params);
  const start = process.hrtime.bigint();
  await q(`UPDATE deliveries SET due_at = now() WHERE run_id = $1`, [runId]);
  await q(`SELECT pg_notify('touchbase_dispatch', 'email')`);
  // A cheap look (the first unfinished row ends it), every 50 ms: the clock is not the database's load.
  for (;;) {
    const [left] = await q(
      `SELECT EXISTS (SELECT 1 FROM deliveries WHERE run_id = $1 AND status IN ('queued', 'sending')) AS busy`,
      [runId],
    );
    if (!left.busy) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The worker's dispatch side only: DispatcherService + EmailHandler + SmtpEmailDriver. */
async function engineContext(url: string, sinkPort: number): Promise<INestApplicationContext> {
  @Module({
    imports: [
      RuntimeModule.forRoot({
        env: validateEnvironment({
          LOG_LEVEL: 'warn',
          DATABASE_MIGRATIONS_RUN: 'false',
          DATABASE_POOL_SIZE: '10',
          ...emailWorkerSettings(sinkPort, POOL, BATCH),
          DISPATCH_POLL_MS: '1000',
        }),
        databaseUrl: url,
        applicationName: 'touchbase-bench',
      }),
      DispatchModule,
      EmailModule,
      EmailDriverModule,
      TemplatesModule,
    ],
  })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: ['error', 'warn'] });
  await app.init();
  return app;
}

/** The same messages for raw nodemailer: rendered beforehand (not timed), with the same headers. */
async function rawMessages(app: INestApplicationContext, db: BenchDatabase) {
  const contexts = app.get(MessageContextBuilder);
  const renderer = app.get(TemplateRenderer);
  const templates = app.get(TemplatesService);
  const from = app.get(EmailMessageBuilder).defaultFrom;
  const clients: {
    id: string;
    name: string;
    kind: string;
    email: string;
    locale: Locale;
    owner_name: string | null;
    owner_email: string | null;
  }[] = await db.dataSource.query(
    `SELECT c.id, c.name, c.kind, c.email, c.locale, o.name AS owner_name, o.email AS owner_email
       FROM clients c LEFT JOIN staff_members o ON o.id = c.owner_id ORDER BY c.external_ref LIMIT $1`,
    [MESSAGES],
  );
  const edition = { id: '00000000-0000-4000-8000-000000000001', updatedAt: new Date(), ...EDITION };
  const campaign = { name: 'Bench', kind: 'broadcast', topicKey: 'news' };
  const out = [];
  const byLocale = new Map<Locale, Awaited<ReturnType<TemplatesService['resolve']>>>();
  for (const [i, c] of clients.entries()) {
    let template = byLocale.get(c.locale);
    if (!template) {
      template = await templates.resolve('monthly-broadcast', Channel.Email, c.locale);
      byLocale.set(c.locale, template);
    }
    const context = contexts.build(
      {
        id: c.id,
        name: c.name,
        kind: c.kind,
        email: c.email,
        locale: c.locale,
        linkVersion: 0,
        phone: null,
        addressRecipient: null,
        addressLines: [],
        addressCity: null,
        addressRegion: null,
        addressPostalCode: null,
        addressCountry: null,
        timeZone: 'Europe/Moscow',
        category: null,
        stage: 'client',
        owner: c.owner_name ? { name: c.owner_name, email: c.owner_email ?? '' } : null,
      },
      { campaign, edition, deliveryId: String(i) },
    );
    const r = renderer.render(template, context) as RenderedEmail;
    out.push({
      from,
      to: { name: c.name, address: c.email },
      subject: r.subject,
      html: r.html,
      text: r.text,
      messageId: `<raw-${i}@alfa.example>`,
      headers: {
        'List-Unsubscribe': { prepared: true, value: `<${context.unsubscribe.url}>` },
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
  }
  return out;
}

async function startProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    stop: async (file) => {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      process.stdout.write(`CPU profile of the engine round written to ${file}\n`);
    },
  };
}

interface SinkProcess {
  port: number;
  count(): Promise<{ count: number; maxPerSecond: number }>;
  stop(): void;
}

/** test/support/smtp-sink-process in a process of its own. */
async function startSink(): Promise<SinkProcess> {
  const compiled = __filename.endsWith('.js');
  const script = path.join(__dirname, '..', 'test', 'support', `smtp-sink-process.${compiled ? 'js' : 'ts'}`);
  const child: ChildProcess = spawn(
    process.execPath,
    [...(compiled ? [] : ['-r', 'ts-node/register/transpile-only']), script, `--delay-ms=${SINK_DELAY_MS}`],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = readline.createInterface({ input: child.stdout! });
  const next = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const onLine = (line: string) => {
        const m = pattern.exec(line);
        if (!m) return;
        lines.off('line', onLine);
        resolve(m);
      };
      lines.on('line', onLine);
      child.once('exit', (code) => reject(new Error(`The sink exited (${code})`)));
    });
  const port = Number((await next(/^SMTP_SINK_PORT=(\d+)$/))[1]);
  return {
    port,
    count: async () => {
      const answer = next(/^COUNT (\d+) (\d+)$/);
      child.stdin!.write('count\n');
      const m = await answer;
      return { count: Number(m[1]), maxPerSecond: Number(m[2]) };
    },
    stop: () => {
      child.stdin!.end('exit\n');
    },
  };
}
