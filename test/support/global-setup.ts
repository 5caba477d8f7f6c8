import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { register } from 'tsconfig-paths';
import { DataSource } from 'typeorm';

// The global setup runs outside jest's module mapper: resolve @touchbase/* ourselves.
register({ baseUrl: path.resolve(__dirname, '../..'), paths: { '@touchbase/*': ['libs/*/src'] } });

const STATE_FILE = path.join(os.tmpdir(), `touchbase-jest-${process.pid}.json`);

/**
 * Test PostgreSQL: TEST_DATABASE_URL when set (CI points it at the local service), otherwise an
 * embedded PostgreSQL started for this run. Migrations are applied once, into a template database.
 */
export default async function globalSetup(): Promise<void> {
  buildApps();
  buildConsole();
  const { buildDataSourceOptions, EmbeddedDatabase } = await import('@touchbase/database');
  const { SERVER_ENV, TEMPLATE_ENV, urlForDatabase, withAdminClient } = await import('./test-database');

  let server = process.env.TEST_DATABASE_URL;
  let embeddedDir: string | undefined;
  if (!server) {
    embeddedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-test-pg-'));
    fs.chmodSync(embeddedDir, 0o755);
    const port = 55000 + (process.pid % 5000);
    const embedded = await EmbeddedDatabase.start({
      dataDir: path.join(embeddedDir, 'pg'),
      port,
      ephemeral: true,
    });
    (globalThis as Record<string, unknown>).__touchbaseEmbedded = embedded;
    server = embedded.url;
  }
  process.env[SERVER_ENV] = server;

  const template = `tb_template_${process.pid}`;
  await withAdminClient(async (c) => {
    // Leftovers of earlier runs that were killed before their teardown.
    const stale = await c.query(
      `SELECT datname FROM pg_database WHERE datname LIKE 'tb\\_test\\_%' OR datname LIKE 'tb\\_template\\_%'`,
    );
    for (const { datname } of stale.rows as { datname: string }[]) {
      const owner = Number(/^tb_template_(\d+)$/.exec(datname)?.[1]);
      if (owner && isAlive(owner)) continue;
      if (datname.startsWith('tb_test_') && (await otherRunAlive(c))) continue;
      await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await c.query(`CREATE DATABASE "${template}"`);
  });
  const dataSource = new DataSource(buildDataSourceOptions({ url: urlForDatabase(server, template) }));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  process.env[TEMPLATE_ENV] = template;
  fs.writeFileSync(STATE_FILE, JSON.stringify({ template, embeddedDir }));
}

/**
 * Process-level suites run the compiled apps, as `npm start` does: build them once per run
 * (incremental: quick when nothing changed).
 */
function buildApps(): void {
  const root = path.resolve(__dirname, '../..');
  const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
  try {
    execFileSync(bin('tsc'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  } catch {
    // Type errors are the type check's business (npm run lint); tsc still emitted the JavaScript.
    process.stderr.write(
      '\n[touchbase tests] the build reported type errors; process tests run what it emitted\n',
    );
  }
  execFileSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

/**
 * The browser suites load the console the API serves from dist/console: build it when its sources
 * changed since the last build (a hash of apps/console beside the build; a build takes seconds).
 */
function buildConsole(): void {
  const root = path.resolve(__dirname, '../..');
  const out = path.join(root, 'dist', 'console');
  const stamp = path.join(out, '.source-hash');
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(path.relative(root, full)).update(fs.readFileSync(full));
    }
  };
  walk(path.join(root, 'apps', 'console'));
  const digest = hash.digest('hex');
  if (
    fs.existsSync(path.join(out, 'index.html')) &&
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, 'utf8') === digest
  ) {
    return;
  }
  execFileSync(process.execPath, [path.join(root, 'apps', 'console', 'build.mjs'), out], {
    cwd: root,
    stdio: 'inherit',
  });
  fs.writeFileSync(stamp, digest);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Another jest run against the same server is alive when its template's pid is alive.
async function otherRunAlive(c: { query: (q: string) => Promise<{ rows: unknown[] }> }): Promise<boolean> {
  const rows = (await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'tb\\_template\\_%'`))
    .rows as {
    datname: string;
  }[];
  return rows.some((r) => {
    const pid = Number(r.datname.slice('tb_template_'.length));
    return pid !== process.pid && isAlive(pid);
  });
}

export { STATE_FILE };
