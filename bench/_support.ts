import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, EmbeddedDatabase } from '@touchbase/database';

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
