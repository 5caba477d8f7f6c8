import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  freePorts,
  killSpawnedProcesses,
  postgresProcessesFor,
  spawnEntryPoint,
  stopPostgresFor,
  SpawnedProcess,
} from '../support/spawn-process';

jest.setTimeout(180_000);

const KEY_PATTERN = /\btb_[A-Za-z0-9_-]{43}\b/g;

/**
 * `npm start` as a user runs it: API and worker in one process on the embedded PostgreSQL, with no
 * DATABASE_URL. Started, stopped with SIGINT, restarted, killed with SIGKILL (a crash) and restarted
 * on the same data directory.
 */
describe('All-in-one process on the embedded PostgreSQL', () => {
  let dataDir: string;
  let pgDir: string;
  /** What the process prints (PUBLIC_URL defaults to localhost). */
  let baseUrl: string;
  /** Where the tests reach it: the loopback address it listens on. */
  let apiUrl: string;
  let env: Record<string, string | undefined>;
  let adminKey: string;
  let current: SpawnedProcess | undefined;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-lifecycle-'));
    // When the tests run as root, PostgreSQL runs as the "postgres" user and must reach its folder.
    fs.chmodSync(dataDir, 0o755);
    pgDir = path.join(dataDir, 'pg');
    const [httpPort, pgPort] = await freePorts(2);
    baseUrl = `http://localhost:${httpPort}`;
    apiUrl = `http://127.0.0.1:${httpPort}`;
    env = {
      DATABASE_URL: undefined,
      TEST_DATABASE_URL: undefined,
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      PORT: String(httpPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
  });

  afterAll(async () => {
    await killSpawnedProcesses();
    // A failed test may leave the orphan of a killed process.
    await stopPostgresFor(pgDir);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function start(extraEnv: Record<string, string> = {}): SpawnedProcess {
    current = spawnEntryPoint('api', ['--all-in-one'], { ...env, ...extraEnv });
    return current;
  }

  /** Waits (90 s at most) for the ready line, then polls GET /health until 200 (database and worker up). */
  async function waitHealthy(p: SpawnedProcess): Promise<void> {
    const deadline = Date.now() + 90_000;
    await p.waitForLine(/^\[touchbase\] API and worker ready at /, 90_000);
    for (;;) {
      const status = await fetch(`${apiUrl}/health`).then(
        (res) => res.status,
        () => 0,
      );
      if (status === 200) return;
      if (p.exit || Date.now() > deadline) {
        throw new Error(
          `/health answered ${status}; process ${JSON.stringify(p.exit)}\n--- stdout ---\n${p.stdout}\n--- stderr ---\n${p.stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  function me(key: string): Promise<Response> {
    return fetch(`${apiUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${key}` } });
  }

  /** The postmaster pid PostgreSQL records in its data directory. */
  function postmasterPid(): number {
    return Number(fs.readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  }

  it('first start: serves, prints where everything is and a generated admin key saved with mode 0600', async () => {
    const p = start();
    await waitHealthy(p);

    expect(p.stdout).toContain(`[touchbase] API and worker ready at ${baseUrl}\n`);
    expect(p.stdout).toContain(`API docs at ${baseUrl}/docs (OpenAPI JSON at ${baseUrl}/docs-json)`);
    expect(p.stdout).toContain(`Data: embedded PostgreSQL in ${pgDir} (127.0.0.1:${env.EMBEDDED_PG_PORT}`);

    const printed: string[] = p.stdout.match(KEY_PATTERN) ?? [];
    expect(printed).toHaveLength(1);
    adminKey = printed[0];
    const keyFile = path.join(dataDir, 'admin-key');
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(`${adminKey}\n`);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(p.stdout).toContain(`It is also in ${keyFile} (mode 0600)`);
    expect(p.stderr).not.toContain(adminKey);

    const res = await me(adminKey);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ email: 'admin@touchbase.local', role: 'admin', active: true });
    expect((await me(`tb_${'x'.repeat(43)}`)).status).toBe(401);

    // The one PostgreSQL of this data directory is the one this process started.
    expect(postgresProcessesFor(pgDir).map((x) => x.pid)).toEqual([postmasterPid()]);
  });

  it('SIGINT: exits 0 and stops its PostgreSQL', async () => {
    const p = current!;
    p.kill('SIGINT');
    expect(await p.waitForExit(30_000)).toEqual({ code: 0, signal: null });
    expect(p.stdout).toContain('SIGINT received: shutting down');
    expect(postgresProcessesFor(pgDir)).toEqual([]);
    // A clean PostgreSQL shutdown removes its pid file.
    expect(fs.existsSync(path.join(pgDir, 'postmaster.pid'))).toBe(false);
  });

  it('restart on the same data: no new key, the first key still works', async () => {
    const p = start();
    await waitHealthy(p);
    expect(`${p.stdout}${p.stderr}`.match(KEY_PATTERN)).toBeNull();
    expect(p.stdout).not.toContain('First start');
    expect(fs.readFileSync(path.join(dataDir, 'admin-key'), 'utf8')).toBe(`${adminKey}\n`);
    expect((await me(adminKey)).status).toBe(200);
  });

  it('SIGKILL (a crash) leaves PostgreSQL running; the next start stops that orphan and starts cleanly', async () => {
    const crashed = current!;
    const orphan = postmasterPid();
    crashed.kill('SIGKILL');
    expect(await crashed.waitForExit(10_000)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(postgresProcessesFor(pgDir).map((x) => x.pid)).toEqual([orphan]);

    const p = start({ LOG_LEVEL: 'debug' });
    await waitHealthy(p);
    expect(p.stdout).toContain(`Stopping an embedded PostgreSQL left behind by process ${crashed.pid}`);
    const servers = postgresProcessesFor(pgDir).map((x) => x.pid);
    expect(servers).toHaveLength(1);
    expect(servers[0]).not.toBe(orphan);
    expect(servers[0]).toBe(postmasterPid());
    expect((await me(adminKey)).status).toBe(200);
  });

  it('SIGTERM: exits 0 and leaves no PostgreSQL behind', async () => {
    const p = current!;
    p.kill('SIGTERM');
    expect(await p.waitForExit(30_000)).toEqual({ code: 0, signal: null });
    expect(p.stdout).toContain('SIGTERM received: shutting down');
    expect(postgresProcessesFor(pgDir)).toEqual([]);
    expect(fs.existsSync(path.join(pgDir, 'postmaster.pid'))).toBe(false);
  });
});
