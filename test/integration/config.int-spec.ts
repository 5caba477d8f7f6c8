import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  EmailDriverName,
  EnvironmentValidationError,
  LogFormat,
  NodeEnv,
  SmsDriverName,
  validateEnvironment,
} from '@touchbase/config';
import {
  EntryPoint,
  freePort,
  killSpawnedProcesses,
  postgresProcessesFor,
  runEntryPoint,
  RunResult,
} from '../support/spawn-process';

/** The error validateEnvironment throws for `raw`; fails the test when it does not throw. */
function validationError(raw: Record<string, string>): EnvironmentValidationError {
  try {
    validateEnvironment(raw);
  } catch (e) {
    if (e instanceof EnvironmentValidationError) return e;
    throw e;
  }
  throw new Error(`validateEnvironment accepted ${JSON.stringify(raw)}`);
}

describe('Configuration at process start', () => {
  const SECRET_PASSWORD = 'Sup3r-Secret-Db-Passw0rd';
  let dataDir: string;
  const results = new Map<EntryPoint, RunResult>();

  // The three entry points start together (they exit before touching a database).
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-config-'));
    const bad = {
      PORT: 'abc',
      EMAIL_DRIVER: 'smtp',
      // Should validation ever be skipped, nothing may touch ./.touchbase or port 54329.
      DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
    };
    const [api, worker, cli] = await Promise.all([
      runEntryPoint('api', [], bad),
      runEntryPoint('worker', [], bad),
      runEntryPoint('cli', ['keys:list'], {
        ...bad,
        DATABASE_URL: `mysql://touchbase:${SECRET_PASSWORD}@db.internal:3306/touchbase`,
      }),
    ]);
    results.set('api', api).set('worker', worker).set('cli', cli);
  });

  afterAll(async () => {
    await killSpawnedProcesses();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the API exits 1 naming PORT and SMTP_URL with the reasons', () => {
    const api = results.get('api')!;
    expect(api).toMatchObject({ code: 1, signal: null });
    expect(api.stderr).toContain('touchbase cannot start. Invalid configuration:');
    expect(api.stderr).toMatch(/- PORT: .*PORT must be an integer number \(got "abc"\)/);
    expect(api.stderr).toMatch(
      /- SMTP_URL: SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL \(required when EMAIL_DRIVER=smtp\)/,
    );
    // Only the bad variables are listed, and nothing was started.
    expect(api.stderr.match(/^ {2}- [A-Z_]+:/gm)).toEqual(['  - PORT:', '  - SMTP_URL:']);
    expect(api.stdout).not.toMatch(/ready at/);
  });

  it.each(['worker', 'cli'] as const)('the %s exits 1 on the same bad values', (entryPoint) => {
    const result = results.get(entryPoint)!;
    expect(result).toMatchObject({ code: 1, signal: null });
    expect(result.stderr).toContain('touchbase cannot start. Invalid configuration:');
    expect(result.stderr).toMatch(/- PORT: .*\(got "abc"\)/);
    expect(result.stderr).toMatch(/- SMTP_URL: .*required when EMAIL_DRIVER=smtp/);
  });

  it('the CLI names a bad DATABASE_URL without printing the password in it', () => {
    const cli = results.get('cli')!;
    expect(cli.stderr).toMatch(
      /- DATABASE_URL: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL\n/,
    );
    expect(cli.stderr).not.toContain(SECRET_PASSWORD);
    expect(cli.stdout).not.toContain(SECRET_PASSWORD);
  });

  it('a failed start leaves no files and no PostgreSQL behind', () => {
    expect(fs.readdirSync(dataDir)).toEqual([]);
    expect(postgresProcessesFor(dataDir)).toEqual([]);
  });
});

describe('validateEnvironment', () => {
  it('applies the documented defaults', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({
      NODE_ENV: NodeEnv.Development,
      PORT: 3000,
      HOST: '0.0.0.0',
      TRUST_PROXY: 'loopback',
      DOCS_ENABLED: true,
      THROTTLE_PUBLIC_PER_MINUTE: 120,
      LOG_LEVEL: 'info',
      DATABASE_POOL_SIZE: 10,
      DATABASE_MIGRATIONS_RUN: true,
      DATA_DIR: './.touchbase',
      EMBEDDED_PG_PORT: 54329,
      BOOTSTRAP_ADMIN_EMAIL: 'admin@touchbase.local',
      BOOTSTRAP_ADMIN_NAME: 'Administrator',
      WORKER_HEARTBEAT_SECONDS: 10,
      EMAIL_DRIVER: EmailDriverName.File,
      EMAIL_FROM: 'touchbase <noreply@touchbase.local>',
      SMTP_MAX_CONNECTIONS: 5,
      SMTP_RATE_PER_SECOND: 0,
      SMS_DRIVER: SmsDriverName.Log,
    });
    // Unset means "embedded database", "pretty logs outside production", "generated key".
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.LOG_FORMAT).toBeUndefined();
    expect(env.BOOTSTRAP_ADMIN_KEY).toBeUndefined();
  });

  it('converts strings to typed values and ignores unknown variables', () => {
    const env = validateEnvironment({
      PORT: '8080',
      DOCS_ENABLED: 'off',
      DATABASE_MIGRATIONS_RUN: 'false',
      LOG_FORMAT: 'json',
      DATABASE_URL: '',
      HOME: '/root',
    });
    expect(env).toMatchObject({ PORT: 8080, DOCS_ENABLED: false, DATABASE_MIGRATIONS_RUN: false });
    expect(env.LOG_FORMAT).toBe(LogFormat.Json);
    expect(env.DATABASE_URL).toBeUndefined(); // empty means unset
    expect(env).not.toHaveProperty('HOME');
  });

  it('echoes a bad ordinary value, so an admin sees what was read', () => {
    const error = validationError({ PORT: '70000', LOG_LEVEL: 'loud' });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['LOG_LEVEL', 'PORT']);
    expect(error.message).toContain('(got "70000")');
    expect(error.message).toContain('(got "loud")');
  });

  it.each([
    ['DATABASE_URL', { DATABASE_URL: 'mysql://admin:Db-Secret-Value-42@db/touchbase' }, 'Db-Secret-Value-42'],
    [
      'TWILIO_AUTH_TOKEN',
      {
        SMS_DRIVER: 'twilio',
        TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
        TWILIO_FROM: '+15551234567',
        TWILIO_AUTH_TOKEN: 'tw-secret-9',
      },
      'tw-secret-9',
    ],
    ['SMTP_URL', { EMAIL_DRIVER: 'smtp', SMTP_URL: 'http://mailer:Smtp-Pa55@mx' }, 'Smtp-Pa55'],
    ['METRICS_TOKEN', { METRICS_TOKEN: 'short-metric' }, 'short-metric'],
    ['BOOTSTRAP_ADMIN_KEY', { BOOTSTRAP_ADMIN_KEY: 'tb_has spaces and secret' }, 'tb_has spaces and secret'],
  ])('names a bad %s without echoing its value', (variable, raw, secret) => {
    const error = validationError(raw as Record<string, string>);
    expect(error.problems.map((p) => p.variable)).toEqual([variable]);
    expect(error.message).toContain(`- ${variable}: `);
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error.problems)).not.toContain(secret);
  });
});
