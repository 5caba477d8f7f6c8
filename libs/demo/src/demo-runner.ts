import * as fs from 'node:fs';
import * as path from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SingleBar } from 'cli-progress';
import { DateTime } from 'luxon';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppConfig, validateEnvironment } from '@touchbase/config';
import { DatabaseHandle, loadEnvironmentOrExit, startDatabase, stopOnSignals } from '@touchbase/runtime';
import { DemoDatabaseInUseError, markDemoDatabase, prepareDemoDatabase } from './demo-database';
import { DEMO_SEED, DemoLoaderService } from './demo-loader.service';
import { DemoMonthService } from './demo-month.service';
import { formatDemoReport } from './demo-report';
import { DemoSummaryService } from './demo-summary.service';
import { DemoModule } from './demo.module';

export interface DemoOptions {
  /** Everything the demo writes: the embedded database, outboxes, letters, sample files, admin key. */
  dataDir: string;
  /** Port of the demo's embedded PostgreSQL (not the one `npm start` uses by default). */
  pgPort: number;
  clients: number;
  verbose: boolean;
}

const SAMPLE_COMPANY_DETAILS = {
  COMPANY_NAME: 'ООО «Северный ветер»',
  COMPANY_NAME_EN: 'Severny Veter LLC',
  COMPANY_ADDRESS: 'ул. Ленина, д. 1, Москва, 101000',
  COMPANY_PHONE: '+7 495 000-00-00',
  COMPANY_WEBSITE: 'https://example.com',
  EMAIL_FROM: 'Северный ветер <hello@example.com>',
};

export const DEMO_DEFAULTS = { dataDir: '.touchbase-demo', pgPort: 54330, clients: 2000 };

/**
 * The demo's process: the environment forced to the development drivers and the demo's own data
 * folder, the database (embedded unless DATABASE_URL) made ready (empty, or the previous demo reset),
 * then load, one month, and the summary. Exit code 0 on success, 1 with the reason otherwise.
 */
export async function runDemo(options: DemoOptions): Promise<void> {
  const say = (m: string) => process.stdout.write(`${m}\n`);
  const dataDir = path.resolve(options.dataDir);
  setDemoEnvironment(dataDir, options);
  loadEnvironmentOrExit();
  // The sample company's own details, unless the environment or `.env` (now loaded) has the workspace's.
  for (const [name, value] of Object.entries(SAMPLE_COMPANY_DETAILS)) process.env[name] ??= value;
  const env = validateEnvironment(process.env);
  let database: DatabaseHandle | undefined;
  let app: INestApplicationContext | undefined;
  const step = timedSteps(say);
  try {
    step('Starting the database');
    database = await startDatabase(env);
    say(`        ${database.location}; files in ${dataDir}`);
    const state = await prepareDemoDatabase(database.url);
    if (state === 'reset') say('        The previous demo was reset.');
    clearOutputs(dataDir);
    step('Starting touchbase (migrations, default templates, playbook programs)');
    app = await NestFactory.createApplicationContext(
      DemoModule.register({ env, databaseUrl: database.url }),
      {
        bufferLogs: true,
      },
    );
    app.useLogger(app.get(Logger));
    stopOnSignals(app, database, say);
    await app.init();
    const dataSource = app.get(DataSource);
    await markDemoDatabase((sql, params) => dataSource.query(sql, params), {
      seed: DEMO_SEED,
      clients: options.clients,
      at: new Date().toISOString(),
    });

    const config = app.get(AppConfig);
    const to = new Date();
    const from = DateTime.fromJSDate(to, { zone: config.workspace.timeZone }).minus({ months: 1 }).toJSDate();
    const loaded = await app.get(DemoLoaderService).load(options.clients, from, (what) => step(what));
    step('Activating the playbook programs and running one month');
    const month = await app.get(DemoMonthService).run(from, to, monthProgress(config.workspace.timeZone));
    step('Reading back what happened');
    const figures = await app.get(DemoSummaryService).collect(month.period);
    step(null);
    const pgPort = env.DATABASE_URL ? '' : ` EMBEDDED_PG_PORT=${options.pgPort}`;
    const dataDirShown = path.relative(process.cwd(), dataDir).startsWith('..')
      ? dataDir
      : path.relative(process.cwd(), dataDir) || '.';
    say(
      formatDemoReport({
        figures,
        month,
        admin: loaded.admin,
        publicUrl: config.http.publicUrl,
        sampleDir: loaded.sampleDir,
        dataLocation: database.location,
        startCommand: `${env.DATABASE_URL ? 'DATABASE_URL=<the same URL> ' : ''}DATA_DIR=${dataDirShown}${pgPort} npm start`,
      }),
    );
  } catch (e) {
    // A refused database is a plain answer; anything else is a fault, with its stack.
    const why =
      e instanceof DemoDatabaseInUseError || !(e instanceof Error) ? String(e) : (e.stack ?? e.message);
    process.stderr.write(`The demo failed. ${why.replace(/^Error: /, '')}\n`);
    await app?.close().catch(() => undefined);
    await database?.embedded?.stop().catch(() => undefined);
    process.exit(1);
  }
  await app?.close();
  await database?.embedded?.stop();
  process.exit(0);
}

/**
 * The demo always uses the development drivers (nothing leaves the machine) and its own folder, so a
 * `.env` meant for a real deployment cannot make it send or overwrite anything.
 */
function setDemoEnvironment(dataDir: string, options: DemoOptions): void {
  Object.assign(process.env, {
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    EMBEDDED_PG_DIR: path.join(dataDir, 'pg'),
    EMBEDDED_PG_PORT: String(options.pgPort),
    EMAIL_DRIVER: 'file',
    EMAIL_FILE_DIR: path.join(dataDir, 'outbox', 'email'),
    SMS_DRIVER: 'log',
    SMS_LOG_FILE: path.join(dataDir, 'outbox', 'sms.log'),
    LETTERS_DIR: path.join(dataDir, 'letters'),
    DISPATCH_CHANNELS: 'email,sms,call,letter',
    DISPATCH_BATCH_SIZE: '200',
    LOG_LEVEL: options.verbose ? 'info' : 'error',
  });
}

/** What a previous run wrote (the database is reset separately); only inside the demo's folder. */
function clearOutputs(dataDir: string): void {
  for (const p of ['outbox', 'letters', 'sample', 'admin-key']) {
    fs.rmSync(path.join(dataDir, p), { recursive: true, force: true });
  }
}

/** Prints each step as it starts, with the time since the demo started. */
function timedSteps(say: (m: string) => void): (what: string | null) => void {
  const started = Date.now();
  return (what) => {
    const at = `[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s]`;
    say(what ? `${at} ${what}` : `${at} done`);
  };
}

/** A progress bar over the month's occurrences on a terminal; a line per occurrence otherwise. */
function monthProgress(zone: string) {
  let bar: SingleBar | null = null;
  return (e: { at: Date; campaign: string; periodKey: string }, index: number, total: number) => {
    const when = DateTime.fromJSDate(e.at, { zone }).toFormat('yyyy-MM-dd HH:mm');
    if (!process.stdout.isTTY) {
      process.stdout.write(`    ${when} ${e.campaign} ${e.periodKey}\n`);
      return;
    }
    if (!bar) {
      bar = new SingleBar({
        format: '    [{bar}] {value}/{total} {when} {what}',
        hideCursor: true,
        clearOnComplete: true,
      });
      bar.start(total, 0, { when, what: '' });
    }
    bar.update(index + 1, { when, what: `${e.campaign} ${e.periodKey}` });
    if (index + 1 === total) bar.stop();
  };
}
