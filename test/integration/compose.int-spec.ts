import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { Environment, ENVIRONMENT_VARIABLES, validateEnvironment } from '@touchbase/config';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * Keeps the production files honest: docker-compose.yml, Dockerfile, .dockerignore and the README's
 * configuration table are checked against the validated Environment, the build's outputs, and a
 * running API (the healthcheck commands are executed for real).
 */

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

// ── docker-compose.yml ────────────────────────────────────────────────────────

interface ComposeHealthcheck {
  test?: string | string[];
  disable?: boolean;
}
interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number })[];
  healthcheck?: ComposeHealthcheck;
  depends_on?: string[] | Record<string, { condition?: string }>;
  deploy?: { replicas?: number };
  container_name?: string;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const APP_SERVICES = ['api', 'worker'] as const;

/** What a shell (or `.env` beside the compose file) may hold, for compose's `${…}` interpolation. */
type Shell = Record<string, string | undefined>;

/** Values an operator would realistically set; a bare `${X}` with no entry here gets `placeholder-x`. */
const SAMPLE_SHELL: Shell = {
  POSTGRES_PASSWORD: 'S4mple-passw0rd',
  PUBLIC_URL: 'https://touchbase.example.com',
  LOG_LEVEL: 'debug',
  BOOTSTRAP_ADMIN_KEY: 'tb_sample_bootstrap_key_0123456789abcdef',
  PORTAL_LINK_SECRET: '5f0c1e2d3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d',
  UNSUBSCRIBE_LINK_SECRET: '0a9b8c7d6e5f40312a3b4c5d6e7f8091a2b3c4d5e6f70819',
};
const placeholder = (name: string) =>
  SAMPLE_SHELL[name] ?? `placeholder-${name.toLowerCase().replace(/_/g, '-')}`;

/**
 * Compose's interpolation: `$$`, `$X`, `${X}`, `${X:-default}`, `${X-default}`, `${X:?err}`, `${X?err}`,
 * `${X:+alt}`, `${X+alt}`. A variable the shell lacks and that has no default (bare or required) is
 * given a constructed placeholder, as an operator would have to set it.
 */
function interpolate(value: string, shell: Shell): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      const current = shell[name];
      const set = current !== undefined;
      const nonEmpty = set && current !== '';
      if (arg?.includes('$')) throw new Error(`nested interpolation is not supported here: ${match}`);
      switch (op) {
        case ':-':
          return nonEmpty ? current! : arg!;
        case '-':
          return set ? current! : arg!;
        case ':+':
          return nonEmpty ? arg! : '';
        case '+':
          return set ? arg! : '';
        default: // bare, `:?` and `?`: the value must come from the shell
          return set ? current! : placeholder(name);
      }
    },
  );
}

/** A service's `environment` as written (mapping or `KEY=value` list; null = passed through from the shell). */
function environmentEntries(service: ComposeService): [string, string | null][] {
  const env = service.environment ?? {};
  return Array.isArray(env)
    ? env.map((line) => {
        const eq = line.indexOf('=');
        return eq < 0 ? [line, null] : [line.slice(0, eq), line.slice(eq + 1)];
      })
    : Object.entries(env).map(([k, v]) => [k, v === null ? null : String(v)]);
}

/** The variables a service's container gets, after interpolation (undefined = not set). */
function environmentOf(service: ComposeService, shell: Shell): Record<string, string | undefined> {
  return Object.fromEntries(
    environmentEntries(service).map(([k, v]) => [k, v === null ? shell[k] : interpolate(v, shell)]),
  );
}

function commandOf(service: ComposeService): string[] {
  const c = service.command;
  return Array.isArray(c) ? c : (c ?? '').split(/\s+/).filter(Boolean);
}

/** [host port, container port] of each published port (long and short syntax). */
function portsOf(service: ComposeService): { published?: number; target: number }[] {
  return (service.ports ?? []).map((p) => {
    if (typeof p === 'object')
      return { target: p.target, published: p.published ? Number(p.published) : undefined };
    const parts = String(p)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const target = Number(parts.at(-1));
    return { target, published: parts.length > 1 ? Number(parts.at(-2)) : undefined };
  });
}

/** A healthcheck's `test` as the argv Docker runs (CMD-SHELL and the string form go through `sh -c`). */
function healthcheckArgv(test: string | string[], shell: Shell): string[] {
  const resolved = Array.isArray(test) ? test.map((t) => interpolate(t, shell)) : interpolate(test, shell);
  if (typeof resolved === 'string') return ['sh', '-c', resolved];
  const [kind, ...rest] = resolved;
  if (kind === 'CMD-SHELL') return ['sh', '-c', rest.join(' ')];
  if (kind === 'CMD') return rest;
  throw new Error(`not a runnable healthcheck: ${JSON.stringify(test)}`);
}

// ── Dockerfile ──────────────────────────────────────────────────────────────

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword, rest] = /^(\S+)\s*(.*)$/.exec(line)!;
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [, image, name] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest)!;
      const resolved = image.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, n: string) => args[n] ?? '');
      stages.push({ image: resolved, name, instructions: [] });
    } else if (upper === 'ARG' && stages.length === 0) {
      const [n, v] = rest.split('=');
      if (v !== undefined) args[n] = v.replace(/^"|"$/g, '');
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword: upper, args: rest });
    }
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(read('Dockerfile'));
const runtimeStage = dockerfile.stages.at(-1)!;
const inRuntime = (keyword: string) => runtimeStage.instructions.filter((i) => i.keyword === keyword);

/** The RUN commands of a stage, one a line. */
const runCommands = (stage: Stage) =>
  stage.instructions
    .filter((i) => i.keyword === 'RUN')
    .map((i) => i.args)
    .join('\n');

/** A stage, then the stage it is built FROM, and so on (the last one's image is a real image). */
function ancestry(stage: Stage): Stage[] {
  const parent = dockerfile.stages.find((s) => s.name !== undefined && s.name === stage.image);
  return parent ? [stage, ...ancestry(parent)] : [stage];
}

/** ENV of the runtime stage (`ENV A=1 B=2` and the legacy `ENV A 1`). */
function dockerfileEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of inRuntime('ENV')) {
    if (!args.includes('=')) {
      const [k, ...v] = args.split(/\s+/);
      env[k] = v.join(' ');
      continue;
    }
    for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|\S*)/g)) env[m[1]] = m[3] ?? m[2];
  }
  return env;
}

/** The sources of the context COPYs of a stage (`COPY --from=…` excluded). */
function contextCopySources(stage: Stage): string[] {
  return stage.instructions
    .filter((i) => i.keyword === 'COPY' && !/--from=/.test(i.args))
    .flatMap((i) => {
      const words = i.args
        .split(/\s+/)
        .filter((w) => !w.startsWith('--'))
        .slice(0, -1);
      return words.map((w) => w.replace(/^\.\/|\/$/g, ''));
    });
}

// ── the build ───────────────────────────────────────────────────────────────

/** Each source file `npm run build` compiles, by the path of the .js file it produces (relative to ROOT). */
function buildOutputs(): Map<string, string> {
  const configPath = path.join(ROOT, 'tsconfig.build.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, configPath);
  const outDir = parsed.options.outDir!;
  const rootDir = parsed.options.rootDir!;
  const outputs = new Map<string, string>();
  for (const source of parsed.fileNames) {
    const out = path.join(outDir, path.relative(rootDir, source)).replace(/\.ts$/, '.js');
    outputs.set(path.relative(ROOT, out), path.relative(ROOT, source));
  }
  return outputs;
}

const DEFAULT_PORT = new Environment().PORT;

// ── helpers for the live checks ───────────────────────────────────────────────

function run(argv: string[], env: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { env: { ...process.env, ...env }, timeout: 15_000 }, (error) =>
      resolve(error ? (typeof error.code === 'number' ? error.code : 1) : 0),
    );
  });
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

// ── the tests ───────────────────────────────────────────────────────────────

describe('docker-compose.yml', () => {
  const { api, worker, postgres, mailpit } = compose.services;

  it('has the postgres, api, worker and mailpit services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'mailpit', 'postgres', 'worker']);
    expect(postgres.image).toBe('postgres:16-alpine');
    expect(mailpit.image).toMatch(/^axllent\/mailpit(:|$)/);
  });

  describe.each(APP_SERVICES)('%s', (name) => {
    const service = compose.services[name];

    it('sets only variables the application reads', () => {
      const unknown = Object.keys(environmentOf(service, {})).filter(
        (k) => !ENVIRONMENT_VARIABLES.includes(k),
      );
      expect(unknown).toEqual([]);
    });

    it.each<[string, Shell]>([
      ['with nothing set in the shell', {}],
      ['with every interpolated variable set', SAMPLE_SHELL],
    ])('has an environment that validates %s', (_, shell) => {
      const env = validateEnvironment({ ...dockerfileEnv(), ...environmentOf(service, shell) });
      expect(env.NODE_ENV).toBe('production');
      expect(env.LOG_FORMAT).toBe('json');
      expect(env.EMAIL_DRIVER).toBe('smtp');
      expect(env.SMS_DRIVER).toBe('log');
      expect(env.DATABASE_URL).toMatch(/^postgres(ql)?:\/\//);
    });

    it('reaches PostgreSQL as the postgres service, with its user, password and database', () => {
      for (const shell of [{}, SAMPLE_SHELL]) {
        const url = new URL(environmentOf(service, shell).DATABASE_URL!);
        const pg = environmentOf(postgres, shell);
        expect(url.hostname).toBe('postgres');
        expect(Number(url.port || 5432)).toBe(5432);
        expect(decodeURIComponent(url.username)).toBe(pg.POSTGRES_USER);
        expect(decodeURIComponent(url.password)).toBe(pg.POSTGRES_PASSWORD);
        expect(url.pathname).toBe(`/${pg.POSTGRES_DB}`);
      }
    });

    it('sends mail to Mailpit on its SMTP port', () => {
      const url = new URL(environmentOf(service, {}).SMTP_URL!);
      expect(url.protocol).toBe('smtp:');
      expect(url.hostname).toBe('mailpit');
      expect(portsOf(mailpit).map((p) => p.target)).toContain(Number(url.port));
    });

    it('leaves BOOTSTRAP_ADMIN_KEY to the operator (no key committed)', () => {
      expect(environmentOf(service, {}).BOOTSTRAP_ADMIN_KEY).toBe('');
      expect(environmentOf(service, SAMPLE_SHELL).BOOTSTRAP_ADMIN_KEY).toBe(SAMPLE_SHELL.BOOTSTRAP_ADMIN_KEY);
    });

    it('starts after PostgreSQL is healthy', () => {
      expect(service.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
    });

    it('is built from this repository', () => {
      const context = typeof service.build === 'string' ? service.build : service.build?.context;
      expect(path.resolve(ROOT, context ?? '')).toBe(ROOT);
      expect(fs.existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
    });

    it(`runs the compiled apps/${name}/src/main.ts, as npm run start:${name} does`, () => {
      const [bin, script, ...rest] = commandOf(service);
      expect(bin).toBe('node');
      expect(rest).toEqual([]);
      expect(buildOutputs().get(script)).toBe(`apps/${name}/src/main.ts`);
      const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
      expect(pkg.scripts[`start:${name}`]).toBe(`node ${script}`);
    });
  });

  it("publishes the API's PORT", () => {
    // PORT as the container sees it: compose's value, else the Environment default
    const env = validateEnvironment({ ...dockerfileEnv(), ...environmentOf(api, {}) });
    const ports = portsOf(api);
    expect(ports.map((p) => p.target)).toEqual([env.PORT]);
    // the default PUBLIC_URL is where that port is published
    expect(Number(new URL(env.PUBLIC_URL!).port)).toBe(ports[0].published);
  });

  it('runs two worker replicas, with nothing that would stop a second one', () => {
    expect(worker.deploy?.replicas).toBe(2);
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports ?? []).toEqual([]);
  });

  it('gives every service a healthcheck whose command is a list of strings or a string', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const test = service.healthcheck?.test;
      expect({ name, disabled: service.healthcheck?.disable ?? false }).toEqual({ name, disabled: false });
      const parts = Array.isArray(test) ? test : [test];
      expect({ name, types: parts.map((p) => typeof p) }).toEqual({ name, types: parts.map(() => 'string') });
      expect({ name, kind: Array.isArray(test) ? test[0] : 'shell' }).toEqual({
        name,
        kind: expect.stringMatching(/^(CMD|CMD-SHELL|shell)$/),
      });
    }
    expect(healthcheckArgv(postgres.healthcheck!.test!, {}).join(' ')).toMatch(/pg_isready/);
  });

  it('commits no secret: each comes from the shell, at most with a clearly development-only default', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of environmentEntries(service)) {
        if (!/PASSWORD|_KEY$|TOKEN|SECRET/.test(key)) continue;
        expect({ service: name, key, value }).toEqual({
          service: name,
          key,
          value: expect.stringMatching(/^\$\{[A-Z][A-Z0-9_]*(:-|:-[^}]*dev[^}]*|:\?[^}]*)?\}$/),
        });
      }
      // URLs carry credentials too: with nothing set, no password but a development one
      for (const [key, value] of Object.entries(environmentOf(service, {}))) {
        if (!/^[a-z]+:\/\//.test(value ?? '')) continue;
        const password = decodeURIComponent(new URL(value!).password);
        expect({ service: name, key, password }).toEqual({
          service: name,
          key,
          password: expect.stringMatching(/^$|dev/),
        });
      }
    }
  });
});

describe('Dockerfile', () => {
  const apiCommand = commandOf(compose.services.api);

  const buildStage = dockerfile.stages.find((s) => runCommands(s).includes('npm run build'))!;

  it('builds on node:20-bookworm-slim with npm 11 (package.json#allowScripts needs it)', () => {
    expect(buildStage).toBeTruthy();
    expect(ancestry(buildStage).at(-1)!.image).toBe('node:20-bookworm-slim');
    expect(runtimeStage.image).toBe('node:20-bookworm-slim');
    expect(dockerfile.args.NPM_VERSION).toMatch(/^11\./);
    // every stage that runs `npm ci` has npm 11 installed in it or in a stage it is built from
    const npmCiStages = dockerfile.stages.filter((s) => /\bnpm ci\b/.test(runCommands(s)));
    const withNpm11 = (s: Stage) =>
      ancestry(s).some((a) => /npm install\b.*\bnpm@(\$\{NPM_VERSION\}|11\b)/.test(runCommands(a)));
    expect(npmCiStages.map((s) => [s.name, withNpm11(s)])).toEqual(npmCiStages.map((s) => [s.name, true]));
    expect(npmCiStages).toContain(buildStage);
    expect(npmCiStages.some((s) => /\bnpm ci --omit=dev\b/.test(runCommands(s)))).toBe(true);
  });

  it('copies into the build everything tsconfig.build.json compiles', () => {
    const copied = new Set(ancestry(buildStage).flatMap(contextCopySources));
    const needed = new Set(['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']);
    for (const source of buildOutputs().values()) needed.add(source.split('/')[0]);
    expect([...needed].filter((n) => !copied.has(n))).toEqual([]);
  });

  it("ships the runtime as the node user, with production's NODE_ENV, dist/, templates/ and package.json", () => {
    expect(inRuntime('USER').map((i) => i.args)).toEqual(['node']);
    expect(dockerfileEnv().NODE_ENV).toBe('production');
    const copies = inRuntime('COPY').map((i) => i.args);
    expect(copies).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/--from=\S+ \/app\/dist \.\/dist$/),
        expect.stringMatching(/^templates \.\/templates$/),
        expect.stringMatching(/^package\.json \.\/$/),
      ]),
    );
    expect(inRuntime('WORKDIR').map((i) => i.args)).toEqual(['/app']);
    expect(fs.existsSync(path.join(ROOT, 'templates'))).toBe(true);
  });

  it('runs the same command as the compose api, and exposes its PORT', () => {
    const cmd = inRuntime('CMD').at(-1)!.args;
    expect(JSON.parse(cmd)).toEqual(apiCommand);
    expect(
      inRuntime('EXPOSE').flatMap((i) => i.args.split(/\s+/).map((p) => Number(p.replace(/\/tcp$/, '')))),
    ).toEqual([DEFAULT_PORT]);
  });

  it('sends nothing to the build that must stay out, and keeps what the build copies', () => {
    const patterns = read('.dockerignore')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const ignored = (p: string) =>
      patterns.some((pattern) =>
        new RegExp(`^${pattern.replace(/[.+^$()|[\]{}]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`).test(p),
      );
    for (const p of ['node_modules', 'dist', '.touchbase', '.git', 'coverage', 'test-results', '.env'])
      expect({ p, ignored: ignored(p) }).toEqual({ p, ignored: true });
    const copied = dockerfile.stages.flatMap(contextCopySources);
    expect(copied.filter(ignored)).toEqual([]);
  });
});

describe('README configuration table', () => {
  const readme = read('README.md');
  const rows = readme
    .split(/\r?\n/)
    .map((line) => /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*(.*?)\s*\|/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null);
  const documented = new Map(rows.map((m) => [m[1], m[2]]));

  it('documents every variable the application reads, and no other', () => {
    expect(ENVIRONMENT_VARIABLES.filter((v) => !documented.has(v))).toEqual([]);
    expect([...documented.keys()].filter((v) => !ENVIRONMENT_VARIABLES.includes(v))).toEqual([]);
  });

  it('states the same defaults as the Environment class', () => {
    const defaults = new Environment() as unknown as Record<string, unknown>;
    const mismatches = ENVIRONMENT_VARIABLES.filter((v) => defaults[v] !== undefined).filter(
      (v) => documented.get(v) !== `\`${String(defaults[v])}\``,
    );
    expect(mismatches).toEqual([]);
  });
});

describe('healthchecks, run against a live API and a stand-in worker', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as net.AddressInfo).port;
  });
  afterAll(() => t?.close());

  const dockerHealthcheck = (): string[] => {
    const hc = inRuntime('HEALTHCHECK').at(-1)!.args;
    const command = /(?:^|\s)CMD\s+(.*)$/.exec(hc)![1];
    return command.startsWith('[') ? (JSON.parse(command) as string[]) : ['sh', '-c', command];
  };

  it("the Dockerfile's HEALTHCHECK passes on a live API's PORT and fails where nothing answers", async () => {
    expect(dockerHealthcheck().join(' ')).toContain('/health/live');
    expect(await run(dockerHealthcheck(), { PORT: String(port) })).toBe(0);
    expect(await run(dockerHealthcheck(), { PORT: String(await closedPort()) })).not.toBe(0);
  });

  it("the compose api's healthcheck passes on a live API's PORT and fails where nothing answers", async () => {
    const argv = healthcheckArgv(compose.services.api.healthcheck!.test!, {});
    expect(argv.join(' ')).toContain('/health/live');
    expect(await run(argv, { PORT: String(port) })).toBe(0);
    expect(await run(argv, { PORT: String(await closedPort()) })).not.toBe(0);
  });

  it("the worker's healthcheck tells a worker process from an API process", async () => {
    const argv = healthcheckArgv(compose.services.worker.healthcheck!.test!, {});
    // In the container the worker is PID 1; here, stand-in processes with the same command lines.
    expect(argv.join(' ')).toContain('/proc/1/cmdline');
    const checkAgainst = async (command: string[]) => {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...command.slice(1)], {
        stdio: 'ignore',
      });
      try {
        await new Promise((r) => setTimeout(r, 200));
        return await run(argv.map((a) => a.replace('/proc/1/cmdline', `/proc/${child.pid}/cmdline`)));
      } finally {
        child.kill();
      }
    };
    expect(await checkAgainst(commandOf(compose.services.worker))).toBe(0);
    expect(await checkAgainst(commandOf(compose.services.api))).not.toBe(0);
  });
});
