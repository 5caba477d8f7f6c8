import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { ENVIRONMENT_VARIABLES } from '@touchbase/config';

/**
 * Runs a touchbase entry point as a real process, compiled (`dist/apps/<app>/src/main.js`, built by
 * the jest global setup) as `npm start` and `npm run cli` run it. Output is captured; helpers wait for
 * a line or the exit.
 * Every process started here is killed (with its process group) by `killSpawnedProcesses()`.
 */

export type EntryPoint = 'api' | 'worker' | 'cli';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedProcess {
  readonly pid: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Null while running. */
  readonly exit: ExitResult | null;
  /** Resolves with the first stdout or stderr line matching `pattern`; rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited; rejects after `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<ExitResult>;
  /** Sends `signal` to the node process only (not to the embedded PostgreSQL it started). */
  kill(signal: NodeJS.Signals): void;
}

const spawned = new Set<ChildProcess>();

/**
 * The child's environment: the parent's, minus every variable touchbase reads (a developer's shell
 * must not leak in, nor jest's NODE_ENV=test: the child runs as `npm start` would) and minus
 * TEST_DATABASE_URL, with TOUCHBASE_ENV_FILE pointing nowhere so no `.env` is read, plus `env` (an
 * undefined value removes the variable).
 */
export function childEnvironment(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...ENVIRONMENT_VARIABLES, 'DATABASE_URL', 'TEST_DATABASE_URL']) delete result[name];
  result.TOUCHBASE_ENV_FILE = '/nonexistent';
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}

export function spawnEntryPoint(
  app: EntryPoint,
  args: string[],
  env: Record<string, string | undefined>,
): SpawnedProcess {
  const child = spawn(process.execPath, [`dist/apps/${app}/src/main.js`, ...args], {
    cwd: REPO_ROOT,
    env: childEnvironment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that cleanup can kill it together with anything it started.
    detached: true,
  });
  spawned.add(child);
  let stdout = '';
  let stderr = '';
  let exit: ExitResult | null = null;
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    notify();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    notify();
  });
  // Output written just before the exit may still be in the pipes when 'exit' fires: the exit is
  // published once both pipes have ended — or after 2 s, as an orphaned grandchild (an embedded
  // PostgreSQL) could hold them open, which is why this is not 'close'.
  const drained = Promise.all(
    [child.stdout!, child.stderr!].map((s) => new Promise<void>((resolve) => s.once('close', resolve))),
  );
  child.on('exit', (code, signal) => {
    spawned.delete(child);
    let timer: NodeJS.Timeout | undefined;
    void Promise.race([drained, new Promise((r) => (timer = setTimeout(r, 2_000)))]).then(() => {
      clearTimeout(timer);
      exit = { code, signal };
      notify();
    });
  });

  const describe = () =>
    `${app} ${args.join(' ')} (pid ${child.pid})\n--- stdout ---\n${tail(stdout)}\n--- stderr ---\n${tail(stderr)}`;

  const waitFor = <T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const done = (fn: () => void) => {
        clearTimeout(timer);
        listeners.delete(listener);
        fn();
      };
      const listener = () => {
        let value: T | undefined;
        try {
          value = check();
        } catch (e) {
          done(() => reject(e));
          return;
        }
        if (value !== undefined) done(() => resolve(value));
      };
      const timer = setTimeout(
        () =>
          done(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}: ${describe()}`))),
        timeoutMs,
      );
      listeners.add(listener);
      listener();
    });

  return {
    pid: child.pid!,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    get exit() {
      return exit;
    },
    waitForLine: (pattern, timeoutMs = 60_000) =>
      waitFor(
        () => {
          const line = `${stdout}\n${stderr}`.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) return line;
          if (exit)
            throw new Error(`Exited (${JSON.stringify(exit)}) before printing ${pattern}: ${describe()}`);
          return undefined;
        },
        String(pattern),
        timeoutMs,
      ),
    waitForExit: (timeoutMs = 60_000) => waitFor(() => exit ?? undefined, 'the exit', timeoutMs),
    kill: (signal) => {
      child.kill(signal);
    },
  };
}

export interface RunResult extends ExitResult {
  stdout: string;
  stderr: string;
}

/** Runs an entry point to its end (killed, and the promise rejected, after `timeoutMs`). */
export async function runEntryPoint(
  app: EntryPoint,
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
): Promise<RunResult> {
  const p = spawnEntryPoint(app, args, env);
  const exit = await p.waitForExit(timeoutMs).catch((e: unknown) => {
    p.kill('SIGKILL');
    throw e;
  });
  return { ...exit, stdout: p.stdout, stderr: p.stderr };
}

/** Kills every process started here that is still running, with its process group. For afterAll. */
export async function killSpawnedProcesses(): Promise<void> {
  const running = [...spawned];
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        }),
    ),
  );
  for (const child of running) {
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
  spawned.clear();
}

/** `count` distinct TCP ports that were free a moment ago (all held open until each is known). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer();
          server.on('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

/** PostgreSQL server processes (postmasters) whose command line names `dataDir`. */
export function postgresProcessesFor(dataDir: string): { pid: number; args: string }[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out
    .split('\n')
    .slice(1)
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), args: m[2] }))
    .filter((p) => /\bpostgres\b/.test(p.args) && p.args.includes(dataDir));
}

/**
 * Waits until no PostgreSQL of `dataDir` runs (a server asked to stop may finish after the process
 * that asked has exited); resolves with the ones still running after `timeoutMs`.
 */
export async function postgresGoneFor(
  dataDir: string,
  timeoutMs = 10_000,
): Promise<{ pid: number; args: string }[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = postgresProcessesFor(dataDir);
    if (running.length === 0 || Date.now() > deadline) return running;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Cleanup for afterAll: stops (fast shutdown, then SIGKILL) any PostgreSQL a failed test left behind. */
export async function stopPostgresFor(dataDir: string): Promise<void> {
  const signal = (sig: NodeJS.Signals) =>
    postgresProcessesFor(dataDir).forEach(({ pid }) => {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    });
  signal('SIGINT');
  if ((await postgresGoneFor(dataDir, 20_000)).length > 0) signal('SIGKILL');
}

function tail(text: string, lines = 40): string {
  return text.split('\n').slice(-lines).join('\n');
}
