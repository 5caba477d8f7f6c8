import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { killSpawnedProcesses, runEntryPoint, RunResult } from '../support/spawn-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** `npm run cli -- import …` against a fresh database. */
describe('CLI: import', () => {
  let db: TestDatabase;
  let sql: Client;
  let dir: string;
  let cli: (...args: string[]) => Promise<RunResult>;

  beforeAll(async () => {
    db = await createTestDatabase();
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-cli-import-'));
    cli = (...args) => runEntryPoint('cli', args, { DATABASE_URL: db.url, DATA_DIR: dir }, 120_000);
    await sql.query(
      `INSERT INTO staff_members (name, email, role) VALUES ('Ольга Смирнова', 'olga@example.com', 'sales-ops')`,
    );
    const rows = ['Код;Наименование;Телефон;E-mail;Менеджер'];
    for (let i = 0; i < 300; i++) {
      rows.push(
        `C-${i};ООО «Клиент ${i}»;${i === 5 ? 'нет номера' : `+7912${String(1_000_000 + i).slice(-7)}`};c${i}@example.ru;olga@example.com`,
      );
    }
    fs.writeFileSync(path.join(dir, 'clients.csv'), `\uFEFF${rows.join('\r\n')}\r\n`);
  }, 60_000);

  afterAll(async () => {
    await killSpawnedProcesses();
    await sql?.end();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a dry run reports and writes nothing; exit code 0 with bad rows', async () => {
    const r = await cli('import', path.join(dir, 'clients.csv'), '--dry-run', '--staff', 'olga@example.com');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(dry run: nothing written): completed');
    expect(r.stdout).toContain('Rows: 300  would create: 299  would update: 0  unchanged: 0  failed: 1');
    expect(r.stdout).toMatch(/row 7, Телефон: Неверный номер телефона «нет номера»/);
    // Not a terminal: no bar, one final line on stderr.
    expect(r.stderr).toMatch(/^Read 300 rows \(1 failed\) in [\d.]+ s\n$/);
    expect((await sql.query(`SELECT count(*)::int AS n FROM clients`)).rows[0].n).toBe(0);
  });

  it('imports, with the staff member as the actor, then reports the same file unchanged', async () => {
    const r = await cli(
      'import',
      path.join(dir, 'clients.csv'),
      '--kind',
      'clients',
      '--staff',
      'olga@example.com',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Rows: 300  created: 299  updated: 0  unchanged: 0  failed: 1');
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n, count(DISTINCT h.actor_id)::int AS actors
         FROM clients c JOIN stage_history h ON h.client_id = c.id AND h.cause = 'import'`,
    );
    expect(rows[0]).toEqual({ n: 299, actors: 1 });
    const again = await cli('import', path.join(dir, 'clients.csv'));
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('created: 0  updated: 0  unchanged: 299  failed: 1');
  });

  it('exits 1 when the file cannot be read', async () => {
    fs.writeFileSync(path.join(dir, 'logo.png'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    const [missing, png] = await Promise.all([
      cli('import', path.join(dir, 'nope.csv')),
      cli('import', path.join(dir, 'logo.png')),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Cannot read nope\.csv/);
    expect(png.code).toBe(1);
    expect(png.stderr).toMatch(/PNG/);
  });
});
