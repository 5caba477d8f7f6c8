import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleParser } from 'mailparser';
import { Client } from 'pg';
import { pdfPages } from '../e2e/letters-pdf';
import { childEnvironment, REPO_ROOT } from '../support/spawn-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';

// The demo loads 2,000 clients and runs a month: about a minute on a small machine.
jest.setTimeout(300_000);

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

/** `npm run demo` as built (`dist/apps/cli/src/demo.js`, compiled by the jest global setup). */
function runDemo(args: string[], env: Record<string, string | undefined>): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/apps/cli/src/demo.js', ...args], {
      cwd: REPO_ROOT,
      env: childEnvironment(env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The number after `label` on the line that starts with `line`. */
function figure(output: string, line: string, label: RegExp): number {
  const found = output.split('\n').find((l) => l.trim().startsWith(line));
  if (!found) throw new Error(`No line "${line}" in:\n${output}`);
  const m = new RegExp(`${label.source}\\s*(\\d+)`).exec(found);
  if (!m) throw new Error(`No ${label} on the line: ${found}`);
  return Number(m[1]);
}

function lineOf(output: string, start: string): string {
  const found = output.split('\n').find((l) => l.trim().startsWith(start));
  if (!found) throw new Error(`No line "${start}" in:\n${output}`);
  return found.trim();
}

describe('npm run demo', () => {
  let db: TestDatabase;
  let pg: Client;
  let dataDir: string;
  let run: DemoRun;
  const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await pg.query(sql, params)).rows as T[];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-demo-'));
    run = await runDemo(['--data-dir', dataDir], { DATABASE_URL: db.url });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    for (const child of running) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await pg?.end();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends well and prints where to look', () => {
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    for (const start of [
      'Emails (.eml):',
      'SMS log:',
      'Letters (PDF):',
      'Call tasks:',
      'Reports (',
      'Client portal',
      'Admin API key:',
    ]) {
      expect(lineOf(run.stdout, start)).toBeTruthy();
    }
    expect(run.stdout).toContain(`DATA_DIR=${dataDir} npm start`);
    expect(run.stdout).toContain('/api/v1/reports/coverage?period=');
    // Every report answered on the demo's data.
    expect(run.stdout).not.toContain('could not be read');
  });

  it('loads 2,000 clients across time zones, classified, with owners and two years of purchases', async () => {
    expect(figure(run.stdout, 'Clients:', /Clients:/)).toBe(2000);
    const [base] = await q<{
      clients: number;
      zones: number;
      english: number;
      owned: number;
      purchases: number;
    }>(
      `SELECT count(*)::int AS clients, count(DISTINCT time_zone)::int AS zones,
              count(*) FILTER (WHERE locale = 'en')::int AS english,
              count(*) FILTER (WHERE owner_id IS NOT NULL)::int AS owned,
              (SELECT count(*)::int FROM purchases) AS purchases
         FROM clients`,
    );
    expect(base.clients).toBe(2000);
    expect(base.zones).toBeGreaterThanOrEqual(5);
    expect(base.english).toBeGreaterThan(0);
    expect(base.owned).toBeGreaterThan(1000);
    expect(figure(run.stdout, 'Staff:', /purchases:/)).toBe(base.purchases);
    const categories = await q<{ key: string; n: number }>(
      `SELECT COALESCE(category, 'none') AS key, count(*)::int AS n FROM clients GROUP BY 1`,
    );
    for (const { key, n } of categories) expect(figure(run.stdout, 'Categories:', new RegExp(key))).toBe(n);
    expect(categories.map((c) => c.key).sort()).toEqual(['A', 'B', 'C', 'VIP', 'none']);
    const [{ lapsed }] = await q<{ lapsed: number }>(
      `SELECT count(*)::int AS lapsed FROM clients WHERE stage = 'lapsed'`,
    );
    expect(lapsed).toBeGreaterThan(0);
    expect(figure(run.stdout, 'Stages:', /lapsed/)).toBe(lapsed);
  });

  it('ran the monthly newsletter, the CEO letter, VIP calls and win-back through the planner', async () => {
    const runs = await q<{ playbook_key: string; status: string; deliveries: number }>(
      `SELECT c.playbook_key, r.status, count(d.id)::int AS deliveries
         FROM runs r JOIN campaigns c ON c.id = r.campaign_id LEFT JOIN deliveries d ON d.run_id = r.id
        GROUP BY 1, 2`,
    );
    for (const key of ['monthly-broadcast', 'ceo-quarterly-letter', 'vip-owner-call', 'win-back']) {
      const r = runs.find((x) => x.playbook_key === key);
      expect({ key, planned: (r?.deliveries ?? 0) > 0 }).toEqual({ key, planned: true });
    }
    expect(runs.every((r) => ['completed', 'dispatching'].includes(r.status))).toBe(true);
  });

  it('prints the deliveries per channel as the database has them', async () => {
    const [d] = await q<Record<string, number>>(
      `SELECT count(*) FILTER (WHERE channel = 'email' AND status IN ('sent', 'delivered'))::int AS email,
              count(*) FILTER (WHERE channel = 'sms' AND status IN ('sent', 'delivered'))::int AS sms,
              count(*) FILTER (WHERE channel = 'letter' AND status IN ('sending', 'sent'))::int AS letter,
              count(*) FILTER (WHERE status = 'suppressed')::int AS suppressed,
              count(*) FILTER (WHERE status = 'queued')::int AS queued,
              (SELECT count(*)::int FROM call_tasks WHERE status = 'open') AS calls
         FROM deliveries`,
    );
    expect(d.email).toBeGreaterThan(1000);
    expect(d.sms).toBeGreaterThan(0);
    expect(d.letter).toBeGreaterThan(0);
    expect(d.calls).toBeGreaterThan(0);
    expect({
      email: figure(run.stdout, 'Deliveries:', /email sent/),
      sms: figure(run.stdout, 'Deliveries:', /sms sent/),
      calls: figure(run.stdout, 'Deliveries:', /call tasks/),
      letter: figure(run.stdout, 'Deliveries:', /letters/),
      suppressed: figure(run.stdout, 'Deliveries:', /suppressed/),
      queued: figure(run.stdout, 'Deliveries:', /queued/),
    }).toEqual(d);
    expect(figure(run.stdout, 'Call tasks:', /Call tasks:/)).toBe(d.calls);
  });

  it('wrote one .eml file per email sent, and one SMS log line per SMS sent', async () => {
    const [{ email, sms }] = await q<{ email: number; sms: number }>(
      `SELECT count(*) FILTER (WHERE channel = 'email' AND status IN ('sent', 'delivered'))::int AS email,
              count(*) FILTER (WHERE channel = 'sms' AND status IN ('sent', 'delivered'))::int AS sms
         FROM deliveries`,
    );
    const emailDir = path.join(dataDir, 'outbox', 'email');
    const emls = fs.readdirSync(emailDir).filter((f) => f.endsWith('.eml'));
    expect(emls.length).toBe(email);
    expect(figure(run.stdout, 'Emails (.eml):', /Emails \(\.eml\):/)).toBe(email);
    expect(lineOf(run.stdout, 'Emails (.eml):')).toContain(emailDir);
    const smsLog = path.join(dataDir, 'outbox', 'sms.log');
    const smsLines = fs.readFileSync(smsLog, 'utf8').trimEnd().split('\n');
    expect(smsLines.length).toBe(sms);
    expect(figure(run.stdout, 'SMS log:', /SMS log:/)).toBe(sms);
    // A message is addressed to a client of the base, in the client's language.
    const mail = await simpleParser(fs.readFileSync(path.join(emailDir, emls[0])));
    const to = (Array.isArray(mail.to) ? mail.to[0] : mail.to)!.value[0].address!;
    const [client] = await q<{ locale: string }>(`SELECT locale FROM clients WHERE email = $1`, [to]);
    expect(client).toBeDefined();
    expect(mail.subject).toBeTruthy();
  });

  it('built the letters PDF with a page or more per letter', async () => {
    const [batch] = await q<{ letters: number; pages: number; file_path: string }>(
      `SELECT letters, pages, file_path FROM letter_batches WHERE status = 'ready'`,
    );
    const [{ letters }] = await q<{ letters: number }>(
      `SELECT count(*)::int AS letters FROM deliveries WHERE channel = 'letter' AND status = 'sending'`,
    );
    expect(batch.letters).toBe(letters);
    const line = lineOf(run.stdout, 'Letters (PDF):');
    expect(line).toContain(batch.file_path);
    expect(figure(run.stdout, 'Letters (PDF):', /\(/)).toBe(letters);
    const pages = await pdfPages(fs.readFileSync(batch.file_path));
    expect(pages.length).toBe(batch.pages);
    expect(pages.length).toBeGreaterThanOrEqual(letters);
    expect(figure(run.stdout, 'Letters (PDF):', /letters,/)).toBe(pages.length);
  });

  it('prints a working admin key and a portal link of an existing client', async () => {
    const key = /^Admin API key: (tb_\S+)/m.exec(run.stdout)![1];
    const hash = createHash('sha256').update(key).digest('hex');
    const keys = await q(
      `SELECT 1 FROM api_keys k JOIN staff_members s ON s.id = k.staff_member_id
                           WHERE s.role = 'admin' AND k.revoked_at IS NULL AND k.key_hash = $1`,
      [hash],
    );
    expect(keys).toHaveLength(1);
    const token = /\/portal\/([A-Za-z0-9_-]+)\./.exec(lineOf(run.stdout, 'Client portal'))![1];
    const payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { c: string };
    expect(await q(`SELECT 1 FROM clients WHERE id = $1`, [payload.c])).toHaveLength(1);
  });

  it('running it again resets the demo data and its files', async () => {
    const again = await runDemo(['--data-dir', dataDir, '--clients', '40'], { DATABASE_URL: db.url });
    expect({ code: again.code, reset: again.stdout.includes('The previous demo was reset') }).toEqual({
      code: 0,
      reset: true,
    });
    // The connection of the first checks saw the old schema go.
    await pg.end();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const [{ clients, email }] = await q<{ clients: number; email: number }>(
      `SELECT (SELECT count(*)::int FROM clients) AS clients,
              (SELECT count(*)::int FROM deliveries WHERE channel = 'email' AND status = 'sent') AS email`,
    );
    expect(clients).toBe(40);
    expect(fs.readdirSync(path.join(dataDir, 'outbox', 'email')).length).toBe(email);
  });

  it('refuses a database with clients it did not load, and leaves it alone', async () => {
    const other = await createTestDatabase();
    try {
      const c = new Client({ connectionString: other.url });
      await c.connect();
      await c.query(`INSERT INTO clients (name) VALUES ('Ольга Ким')`);
      const refused = await runDemo(['--data-dir', dataDir], { DATABASE_URL: other.url });
      const [{ n }] = (await c.query(`SELECT count(*)::int AS n FROM clients`)).rows;
      await c.end();
      expect({ code: refused.code, n }).toEqual({ code: 1, n: 1 });
      expect(refused.stderr).toContain('The database already holds clients that the demo did not load (1)');
    } finally {
      await other.drop();
    }
  });
});
