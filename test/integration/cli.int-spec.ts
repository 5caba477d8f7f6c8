import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import {
  freePort,
  killSpawnedProcesses,
  postgresGoneFor,
  postgresProcessesFor,
  runEntryPoint,
  RunResult,
  stopPostgresFor,
} from '../support/spawn-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';

// Every command is a process of its own (~3 s of start-up each on a small machine).
jest.setTimeout(120_000);

const KEY_LINE = /^tb_[A-Za-z0-9_-]{43}$/;

function lines(output: string): string[] {
  return output.replace(/\n+$/, '').split('\n');
}

interface EmbeddedRun {
  result: RunResult;
  /** The PostgreSQL servers of the data directory once the command has ended. */
  postgresAfter: { pid: number; args: string }[];
}

/**
 * Without DATABASE_URL the CLI starts the embedded PostgreSQL itself (when `npm start` is not
 * running): whichever way the command ends, that server must be stopped again. One data directory,
 * one command after the other; the sequence runs alongside the suite below.
 */
async function embeddedSequence(dataDir: string): Promise<Record<'list' | 'help' | 'usage', EmbeddedRun>> {
  const pgDir = path.join(dataDir, 'pg');
  const env = { DATABASE_URL: undefined, DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
  const cli = (...args: string[]) => {
    if (suiteEnded) throw new Error('The suite ended first');
    return runEntryPoint('cli', args, env);
  };
  const list = await cli('keys:list');
  const listAfter = postgresProcessesFor(pgDir);
  const help = await cli('--help');
  const helpAfter = postgresProcessesFor(pgDir);
  const usage = await cli('staff:create', '--name', 'Vera');
  // commander ends the process itself here: the server is told to stop as the process exits, and
  // finishes its shutdown a moment later.
  const usageAfter = await postgresGoneFor(pgDir);
  return {
    list: { result: list, postgresAfter: listAfter },
    help: { result: help, postgresAfter: helpAfter },
    usage: { result: usage, postgresAfter: usageAfter },
  };
}

let suiteEnded = false;
let embeddedDataDir: string;
let embedded: Promise<Record<'list' | 'help' | 'usage', EmbeddedRun>>;

beforeAll(() => {
  embeddedDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-cli-embedded-'));
  fs.chmodSync(embeddedDataDir, 0o755); // PostgreSQL runs as "postgres" when the tests run as root
  embedded = embeddedSequence(embeddedDataDir);
  embedded.catch(() => undefined); // reported by the tests that await it
});

afterAll(async () => {
  suiteEnded = true;
  await killSpawnedProcesses();
  await Promise.allSettled([embedded]);
  await stopPostgresFor(path.join(embeddedDataDir, 'pg'));
  fs.rmSync(embeddedDataDir, { recursive: true, force: true });
});

/** `npm run cli -- …` against a fresh database. */
describe('CLI: staff and API keys', () => {
  let db: TestDatabase;
  let sql: Client;
  let dataDir: string;
  let cli: (...args: string[]) => Promise<RunResult>;
  // The failing commands touch no row the others use: they run alongside the main flow.
  let unknownRole: Promise<RunResult>;
  let unknownStaff: Promise<RunResult>;
  let unknownCommand: Promise<RunResult>;

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-cli-'));
    const env = { DATABASE_URL: db.url, DATA_DIR: dataDir };
    cli = (...args) => runEntryPoint('cli', args, env);
    unknownRole = cli('staff:create', '--name', 'Boris', '--email', 'boris@example.com', '--role', 'boss');
    unknownStaff = cli('keys:create', '--staff', 'nobody@example.com', '--name', 'ci');
    unknownCommand = cli('keys:frobnicate');
  });

  afterAll(async () => {
    await Promise.allSettled([unknownRole, unknownStaff, unknownCommand]);
    await sql?.end();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  let annaId: string;
  let key: string;
  let keyId: string;

  it('staff:create creates a staff member (UTF-8 name intact)', async () => {
    const r = await cli(
      'staff:create',
      '--name',
      'Анна Петрова',
      '--email',
      'anna@example.com',
      '--role',
      'sales-ops',
    );
    expect(r.code).toBe(0);
    // The command's own output ends stdout (warnings of the modules may come first).
    const out = lines(r.stdout).slice(-2);
    expect(out[0]).toBe('Created sales-ops Анна Петрова <anna@example.com>');
    const rows = (
      await sql.query('SELECT id, name, email, role, active FROM staff_members WHERE email = $1', [
        'anna@example.com',
      ])
    ).rows;
    expect(rows).toEqual([
      { id: out[1], name: 'Анна Петрова', email: 'anna@example.com', role: 'sales-ops', active: true },
    ]);
    annaId = rows[0].id;
  });

  it('keys:create prints the key alone on the last line and stores only its SHA-256', async () => {
    const r = await cli('keys:create', '--staff', 'anna@example.com', '--name', 'ci');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    key = out[out.length - 1];
    expect(key).toMatch(KEY_LINE);

    const rows = (
      await sql.query(
        'SELECT id, staff_member_id, name, prefix, key_hash, revoked_at FROM api_keys WHERE staff_member_id = $1',
        [annaId],
      )
    ).rows;
    expect(rows).toEqual([
      {
        id: expect.any(String),
        staff_member_id: annaId,
        name: 'ci',
        prefix: key.slice(0, 11),
        key_hash: createHash('sha256').update(key).digest('hex'),
        revoked_at: null,
      },
    ]);
    keyId = rows[0].id;
    expect(out.slice(0, -1).join('\n')).toContain(
      `Issued key ${keyId} (${key.slice(0, 11)}…) for anna@example.com`,
    );
    expect(JSON.stringify(rows)).not.toContain(key);
  });

  it('staff:password-link prints a one-time set-password link and stores only its SHA-256', async () => {
    const r = await cli('staff:password-link', 'anna@example.com');
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[out.length - 2]).toBe('Set-password link for anna@example.com (once, within 1 hour):');
    const match = /^http:\/\/localhost:\d+\/console\/set-password\?token=([A-Za-z0-9_-]{43})$/.exec(
      out[out.length - 1],
    );
    expect(match).not.toBeNull();
    const { rows } = await sql.query(
      `SELECT purpose, used_at, token_hash FROM staff_password_tokens WHERE staff_member_id = $1`,
      [annaId],
    );
    expect(rows).toEqual([
      { purpose: 'reset', used_at: null, token_hash: createHash('sha256').update(match![1]).digest('hex') },
    ]);
  });

  it('keys:list shows the prefix, never the key', async () => {
    const r = await cli('keys:list');
    expect(r.code).toBe(0);
    const row = lines(r.stdout).find((l) => l.includes(keyId));
    expect(row).toContain(`${key.slice(0, 11)}…`);
    expect(row).toContain('anna@example.com');
    expect(row).toContain('active');
    expect(r.stdout).not.toContain(key);
    expect(r.stdout).not.toContain(key.slice(0, 12));
  });

  it('keys:revoke marks the key revoked', async () => {
    const r = await cli('keys:revoke', keyId);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^Revoked ${keyId} \\(${key.slice(0, 11)}…\\) at \\d{4}-\\d\\d-\\d\\dT`, 'm'),
    );
    const { rows } = await sql.query('SELECT revoked_at FROM api_keys WHERE id = $1', [keyId]);
    expect(rows[0].revoked_at).toBeInstanceOf(Date);
    expect(Date.now() - rows[0].revoked_at.getTime()).toBeLessThan(60_000);
  });

  it('an unknown role fails with the allowed roles and creates nothing', async () => {
    const r = await unknownRole;
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stderr).toContain('Unknown role "boss": use one of admin, marketer, sales-ops');
    const { rowCount } = await sql.query('SELECT 1 FROM staff_members WHERE email = $1', [
      'boris@example.com',
    ]);
    expect(rowCount).toBe(0);
  });

  it('an unknown staff member fails naming it and issues nothing', async () => {
    const r = await unknownStaff;
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBeNull();
    expect(r.stderr).toContain('nobody@example.com');
    expect(r.stderr).toMatch(/Staff member nobody@example\.com was not found/);
    expect(r.stdout).not.toMatch(/tb_/);
    const { rows } = await sql.query('SELECT count(*)::int AS n FROM api_keys');
    expect(rows[0].n).toBe(1); // only the key issued above
  });

  it('an unknown command fails with one clear message', async () => {
    const r = await unknownCommand;
    expect(r.stderr).toContain("unknown command 'keys:frobnicate'");
    expect(r.stderr.match(/unknown command 'keys:frobnicate'/g)).toHaveLength(1);
    expect(r.code).toBe(1);
  });
});

describe('CLI on the embedded PostgreSQL', () => {
  it('a command runs and the server it started is stopped', async () => {
    const { list } = await embedded;
    expect(list.result.code).toBe(0);
    expect(lines(list.result.stdout).pop()).toBe('No API keys.');
    expect(fs.existsSync(path.join(embeddedDataDir, 'pg', 'PG_VERSION'))).toBe(true);
    expect(list.postgresAfter).toEqual([]);
  });

  it('--help exits 0 and stops the server', async () => {
    const { help } = await embedded;
    expect(help.result.code).toBe(0);
    expect(help.result.stdout).toContain('keys:create');
    expect(help.postgresAfter).toEqual([]);
  });

  it('a usage error exits non-zero with one clear message and stops the server', async () => {
    const { usage } = await embedded;
    expect(usage.result.code).not.toBe(0);
    expect(usage.result.code).not.toBeNull();
    expect(usage.result.stderr.match(/required option '-e, --email <email>' not specified/g)).toHaveLength(1);
    expect(usage.postgresAfter).toEqual([]);
  });
});

describe('CLI: clients:phone-types', () => {
  let db: TestDatabase;
  let sql: Client;
  let dataDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-cli-phones-'));
  });
  afterAll(async () => {
    await sql?.end();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('records mobile or landline for phones without a type; --all re-derives every one', async () => {
    // Stored before phone types were recorded: no type. One mobile, one Moscow landline, one typed wrongly.
    await sql.query(
      `INSERT INTO clients (external_ref, name, phone, phone_mobile, stage) VALUES
         ('P1', 'Мобильный', '+79123456789', NULL, 'client'),
         ('P2', 'Городской', '+74951234567', NULL, 'client'),
         ('P3', 'Ошибочный', '+74957654321', true, 'client'),
         ('P4', 'Без телефона', NULL, NULL, 'client')`,
    );
    const typeOf = async () =>
      Object.fromEntries(
        (await sql.query(`SELECT external_ref, phone_mobile FROM clients ORDER BY external_ref`)).rows.map(
          (r) => [r.external_ref, r.phone_mobile],
        ),
      );
    const env = { DATABASE_URL: db.url, DATA_DIR: dataDir };

    const missing = await runEntryPoint('cli', ['clients:phone-types'], env);
    expect(missing.code).toBe(0);
    expect(missing.stdout).toContain('Phones checked: 2 (mobile 1, landline 1); types changed: 2');
    expect(await typeOf()).toEqual({ P1: true, P2: false, P3: true, P4: null });

    const all = await runEntryPoint('cli', ['clients:phone-types', '--all'], env);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('Phones checked: 3 (mobile 1, landline 2); types changed: 1');
    expect(await typeOf()).toEqual({ P1: true, P2: false, P3: false, P4: null });
  });
});
