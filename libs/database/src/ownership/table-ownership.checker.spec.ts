import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  checkDocumentedOwners,
  checkOwnership,
  checkTree,
  entityTables,
  findWrites,
  libraryOf,
} from './table-ownership.checker';
import { TABLE_OWNERS } from './table-owners';

const ROOT = resolve(__dirname, '../../../..');
const CLI = join(__dirname, 'check-table-ownership.ts');

const ENTITY = {
  path: 'libs/runs/src/entities/delivery.entity.ts',
  text: `@Entity('deliveries')\nexport class Delivery {}`,
};
const entities = entityTables([ENTITY]);
const problemsOf = (path: string, text: string) => checkOwnership(findWrites(path, text, entities));

describe('table ownership guard', () => {
  it('passes on the tree as it is: every write is by the owner or granted', () => {
    expect(checkTree(ROOT)).toEqual([]);
  });

  it('names a raw SQL write to a table of another library, and accepts the owner writing it', () => {
    const sql = 'export const X = `UPDATE deliveries SET status = $2 WHERE id = $1`;';
    expect(problemsOf('libs/reports/src/x.sql.ts', sql)).toEqual([
      'libs/reports/src/x.sql.ts:1: reports writes deliveries (UPDATE), which belongs to runs: call runs instead',
    ]);
    expect(problemsOf('libs/runs/src/x.sql.ts', sql)).toEqual([]);
  });

  it('finds INSERT, DELETE, COPY and writes inside a CTE or a template with substitutions', () => {
    const text = [
      "const a = 'INSERT INTO call_tasks (id) VALUES ($1)';",
      'const b = `DELETE FROM letter_batches WHERE id = ${id}`;',
      "const c = 'COPY clients (id) FROM STDIN';",
      'const d = `WITH x AS (SELECT 1) UPDATE ONLY runs SET x = 1`;',
    ].join('\n');
    const found = findWrites('libs/reports/src/y.ts', text, entities).map((w) => [w.table, w.how]);
    expect(found).toEqual([
      ['call_tasks', 'INSERT INTO'],
      ['letter_batches', 'DELETE FROM'],
      ['clients', 'COPY'],
      ['runs', 'UPDATE'],
    ]);
  });

  it('ignores locks, upserts, temporary tables, comments and prose', () => {
    const text = [
      '// UPDATE deliveries in a comment is no write',
      "const a = 'SELECT id FROM deliveries FOR UPDATE SKIP LOCKED';",
      "const b = 'INSERT INTO webhook_events (k) VALUES ($1) ON CONFLICT (k) DO UPDATE SET k = $1';",
      "const c = 'CREATE TEMP TABLE staged (id int)'; const d = 'INSERT INTO staged VALUES (1)';",
      "const e = 'Could not update deliveries of the run';",
    ].join('\n');
    expect(findWrites('libs/sms/src/z.ts', text, entities).map((w) => w.table)).toEqual(['webhook_events']);
  });

  it('finds TypeORM writes: injected and local repositories, getRepository, manager calls with the entity', () => {
    const text = `
      class S {
        constructor(@InjectRepository(Delivery) private readonly deliveries: Repository<Delivery>) {}
        async a(m: EntityManager) {
          await this.deliveries.update({ id: '1' }, { status: 'sent' });
          const repo = m.getRepository(Delivery);
          await repo.save(repo.create({}));
          await m.getRepository(Delivery).delete({ id: '1' });
          await m.insert(Delivery, {});
          await m.createQueryBuilder().insert().into(Delivery).values({}).execute();
          await this.deliveries.findOneBy({ id: '1' });
        }
      }`;
    const found = findWrites('libs/reports/src/s.service.ts', text, entities).map((w) => w.how);
    expect(found).toEqual([
      'TypeORM update',
      'TypeORM save',
      'TypeORM delete',
      'TypeORM insert',
      'TypeORM insert',
    ]);
  });

  it('refuses a write to a table no one owns, and a write by an app', () => {
    expect(problemsOf('libs/reports/src/q.ts', "const q = 'UPDATE mystery SET a = 1';")).toEqual([
      'libs/reports/src/q.ts:1: UPDATE mystery: a table missing from table-owners.ts',
    ]);
    expect(libraryOf('apps/api/src/main.ts')).toBe('app:api');
    expect(problemsOf('apps/api/src/main.ts', "const q = 'DELETE FROM runs';")).toHaveLength(1);
  });

  it('checks that docs/architecture.md lists the same owners', () => {
    const rows = Object.entries(TABLE_OWNERS)
      .map(([table, owner]) => `| \`${table}\` | \`${owner}\` | |`)
      .join('\n');
    expect(checkDocumentedOwners(rows, { grants: [] })).toEqual([]);
    const wrong = rows.replace('| `runs` | `runs` |', '| `runs` | `planning` |');
    expect(checkDocumentedOwners(wrong, { grants: [] })).toEqual([
      'docs/architecture.md: runs belongs to runs, not planning',
    ]);
  });

  it('makes the lint step fail on a tree where a library writes a foreign table', () => {
    const tree = mkdtempSync(join(tmpdir(), 'table-owners-'));
    try {
      cpSync(join(ROOT, 'libs'), join(tree, 'libs'), { recursive: true });
      cpSync(join(ROOT, 'docs'), join(tree, 'docs'), { recursive: true });
      const clean = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, tree], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(clean.stderr).toBe('');
      expect(clean.status).toBe(0);

      mkdirSync(join(tree, 'libs/reports/src'), { recursive: true });
      writeFileSync(
        join(tree, 'libs/reports/src/foreign-write.sql.ts'),
        "export const CANCEL = `UPDATE deliveries SET status = 'cancelled' WHERE run_id = $1`;\n",
      );
      const dirty = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, tree], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(dirty.status).toBe(1);
      expect(dirty.stderr).toContain(
        'libs/reports/src/foreign-write.sql.ts:1: reports writes deliveries (UPDATE), which belongs to runs',
      );
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
