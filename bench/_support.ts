import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DynamicModule, INestApplication, INestApplicationContext, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { validateEnvironment } from '@touchbase/config';
import { Channel } from '@touchbase/core';
import { buildDataSourceOptions, EmbeddedDatabase } from '@touchbase/database';
import { configureHttpApp } from '@touchbase/http';
import { ApiModule } from '../apps/api/src/api.module';
import { RuntimeModule } from '@touchbase/runtime';
import { readTemplateFiles } from '@touchbase/templates';

export interface BenchDatabase {
  url: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database for one benchmark: on DATABASE_URL's server when set, otherwise on an
 * embedded PostgreSQL started for the run. Dropped at the end.
 */
export async function benchDatabase(name: string): Promise<BenchDatabase> {
  let server = process.env.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  if (!server) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-bench-pg-'));
    fs.chmodSync(dir, 0o755);
    embedded = await EmbeddedDatabase.start({
      dataDir: path.join(dir, 'pg'),
      port: 56000 + (process.pid % 4000),
      ephemeral: true,
    });
    server = embedded.url;
  }
  const database = `tb_bench_${name.replace(/\W/g, '_')}_${process.pid}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const u = new URL(server);
  u.pathname = `/${database}`;
  const url = u.toString();
  const dataSource = await new DataSource(buildDataSourceOptions({ url, poolSize: 4 })).initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    url,
    dataSource,
    close: async () => {
      await dataSource.destroy();
      if (process.env.BENCH_KEEP) {
        process.stdout.write(`Kept database ${url.replace(/:[^:@/]*@/, ':***@')} (BENCH_KEEP)\n`);
        return;
      }
      const c = new Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await c.end();
      await embedded?.stop();
    },
  };
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

/** Samples this process' RSS until stopped; returns the peak in MB. */
export function rssSampler(intervalMs = 50): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024);
    },
  };
}

export function result(name: string, values: Record<string, number | string>): void {
  const fields = Object.entries(values)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toFixed(3) : v}`)
    .join(' ');
  process.stdout.write(`RESULT ${name} ${fields}\n`);
}

/**
 * `count` clients built set-based inside PostgreSQL (50 owners, most with email and phone, half with a
 * postal address, five time zones), then varied preferences: opt-outs, SMS refusals, preferred SMS,
 * every frequency, quiet hours, and a tenth unsubscribed from `news`.
 */
export async function insertBenchClients(
  q: (sql: string, params?: unknown[]) => Promise<unknown>,
  count: number,
): Promise<void> {
  await q(
    `INSERT INTO staff_members (name, email, role)
     SELECT 'Manager ' || g, 'm' || g || '@example.com', 'sales-ops' FROM generate_series(1, 50) g`,
  );
  await q(
    `INSERT INTO clients (external_ref, name, email, phone, address_lines, address_city, address_postal_code,
                          address_country, time_zone, owner_id, stage)
     SELECT 'B' || g, 'Клиент ' || g,
            CASE WHEN g % 10 <> 0 THEN 'c' || g || '@example.com' END,
            CASE WHEN g % 5 <> 0 THEN '+7912' || lpad((g % 10000000)::text, 7, '0') END,
            CASE WHEN g % 2 = 0 THEN ARRAY['ул. Ленина, ' || g] ELSE '{}' END,
            CASE WHEN g % 2 = 0 THEN 'Екатеринбург' END, CASE WHEN g % 2 = 0 THEN '620014' END,
            CASE WHEN g % 2 = 0 THEN 'RU' END,
            (ARRAY['Europe/Moscow', 'Asia/Vladivostok', 'Europe/Kaliningrad', 'Asia/Yekaterinburg', NULL])[1 + g % 5],
            CASE WHEN g % 3 = 0 THEN (SELECT id FROM staff_members ORDER BY id LIMIT 1) END,
            'client'
       FROM generate_series(1, $1) g`,
    [count],
  );
  await q(`UPDATE client_preferences SET
             opted_out = (hashtext(client_id::text) % 20 = 0),
             sms_allowed = (hashtext(client_id::text) % 5 <> 1),
             preferred_channel = CASE WHEN hashtext(client_id::text) % 7 = 0 THEN 'sms' END,
             frequency = (ARRAY['unlimited', 'weekly', 'twice-monthly', 'monthly', 'unlimited', 'quarterly'])[1 + abs(hashtext(client_id::text)) % 6],
             quiet_hours_start = CASE WHEN hashtext(client_id::text) % 11 = 0 THEN '21:00'::time END,
             quiet_hours_end = CASE WHEN hashtext(client_id::text) % 11 = 0 THEN '09:00'::time END`);
  await q(`INSERT INTO client_topic_subscriptions (client_id, topic_key, subscribed)
           SELECT id, 'news', false FROM clients WHERE hashtext(id::text) % 10 = 3`);
}

/**
 * For the email benchmarks: the built-in monthly-broadcast email templates, 20 owners, `count` clients
 * with an email (a fifth in English, a third persons), and a paused broadcast campaign over email
 * using the template. Returns the campaign's id.
 */
export async function seedEmailCampaign(
  q: (sql: string, params?: unknown[]) => Promise<{ id: string }[]>,
  count: number,
): Promise<string> {
  const { files } = await readTemplateFiles(path.resolve('templates'));
  for (const f of files.filter((f) => f.name === 'monthly-broadcast' && f.channel === Channel.Email)) {
    await q(
      `INSERT INTO templates (name, channel, locale, subject, body, description, builtin) VALUES ($1, $2, $3, $4, $5, '', true)`,
      [f.name, f.channel, f.locale, f.subject, f.body],
    );
  }
  await q(
    `INSERT INTO staff_members (name, email, role) SELECT 'Менеджер ' || g, 'm' || g || '@bench.example', 'sales-ops' FROM generate_series(1, 20) g`,
  );
  await q(
    `INSERT INTO clients (external_ref, name, kind, email, locale, time_zone, owner_id, stage)
     SELECT 'E' || g, CASE WHEN g % 3 = 0 THEN 'Иван Петров ' || g ELSE 'ООО «Клиент ' || g || '»' END,
            CASE WHEN g % 3 = 0 THEN 'person' ELSE 'company' END,
            'c' || g || '@bench.example', CASE WHEN g % 5 = 0 THEN 'en' ELSE 'ru' END, 'Europe/Moscow',
            CASE WHEN g % 2 = 0 THEN (SELECT id FROM staff_members ORDER BY email LIMIT 1) END, 'client'
       FROM generate_series(1, $1) g`,
    [count],
  );
  const [campaign] = await q(
    `INSERT INTO campaigns (name, kind, status, topic_key, channels, templates, schedule, time_zone)
     VALUES ('Bench', 'broadcast', 'paused', 'news', '{email}', '{"email":"monthly-broadcast"}',
             '{"type":"once","at":"2026-01-01T00:00:00Z"}', 'Europe/Moscow') RETURNING id`,
  );
  return campaign.id;
}

/** A Nest application context on `url` (migrations already applied) with the runtime and `modules`. */
export async function benchContext(
  url: string,
  modules: (Type | DynamicModule)[],
): Promise<INestApplicationContext> {
  @Module({
    imports: [
      RuntimeModule.forRoot({
        env: validateEnvironment({
          LOG_LEVEL: 'warn',
          DATABASE_MIGRATIONS_RUN: 'false',
          // plan-1m can be asked to plan with another concurrency.
          ...(process.env.PLANNER_CONCURRENCY
            ? { PLANNER_CONCURRENCY: process.env.PLANNER_CONCURRENCY }
            : {}),
        }),
        databaseUrl: url,
        applicationName: 'touchbase-bench',
      }),
      ...modules,
    ],
  })
  class BenchModule {}
  return NestFactory.createApplicationContext(BenchModule, { logger: ['error', 'warn'] });
}

const BENCH_PUBLIC_URL = 'https://bench.example';

/** The settings of a worker sending email to the benchmark's SMTP sink. */
export function emailWorkerSettings(sinkPort: number, pool: number, batch: number): Record<string, string> {
  return {
    PUBLIC_URL: BENCH_PUBLIC_URL,
    PORTAL_LINK_SECRET: 'p'.repeat(40),
    UNSUBSCRIBE_LINK_SECRET: 'u'.repeat(40),
    COMPANY_NAME: 'Альфа',
    EMAIL_DRIVER: 'smtp',
    EMAIL_FROM: 'Альфа <news@alfa.example>',
    SMTP_URL: `smtp://127.0.0.1:${sinkPort}`,
    SMTP_MAX_CONNECTIONS: String(pool),
    DISPATCH_CHANNELS: 'email',
    DISPATCH_BATCH_SIZE: String(batch),
  };
}

/** The admin API key every API benchmark signs its requests with. */
export const BENCH_ADMIN_KEY = 'tb_bench_admin_key_00000000000000000000000';

/**
 * The whole API app (guards, validation, throttling, logging at `warn`) on `url`, listening on a free
 * port of 127.0.0.1, with the benchmark's own baseline routes (`controllers`) in the same app.
 */
export async function benchApi(url: string, dataDir: string, controllers: Type[]): Promise<INestApplication> {
  const env = validateEnvironment({
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    DATA_DIR: dataDir,
    PORT: '0',
    PUBLIC_URL: BENCH_PUBLIC_URL,
    PORTAL_LINK_SECRET: 'b'.repeat(48),
    UNSUBSCRIBE_LINK_SECRET: 'u'.repeat(48),
    BOOTSTRAP_ADMIN_KEY: BENCH_ADMIN_KEY,
    // Throttling stays on (its cost is part of every public request), with a limit no run reaches.
    THROTTLE_PUBLIC_PER_MINUTE: '100000000',
    DATABASE_MIGRATIONS_RUN: 'false',
  });
  @Module({ imports: [ApiModule.register({ env, databaseUrl: url })], controllers })
  class BenchApiModule {}
  const app = await NestFactory.create(BenchApiModule, { logger: ['error', 'warn'] });
  configureHttpApp(app);
  await app.listen(0, '127.0.0.1');
  return app;
}

/** Common Russian surnames (the first 20 are the import benchmark's, so its file stays the same). */
export const BENCH_SURNAMES: readonly string[] = [
  'Иванов',
  'Смирнов',
  'Кузнецов',
  'Попов',
  'Васильев',
  'Петров',
  'Соколов',
  'Михайлов',
  'Новиков',
  'Фёдоров',
  'Морозов',
  'Волков',
  'Алексеев',
  'Лебедев',
  'Семёнов',
  'Егоров',
  'Павлов',
  'Козлов',
  'Степанов',
  'Николаев',
  'Орлов',
  'Андреев',
  'Макаров',
  'Никитин',
  'Захаров',
  'Зайцев',
  'Соловьёв',
  'Борисов',
  'Яковлев',
  'Григорьев',
  'Романов',
  'Воробьёв',
  'Сергеев',
  'Кузьмин',
  'Фролов',
  'Александров',
  'Дмитриев',
  'Королёв',
  'Гусев',
  'Киселёв',
];
