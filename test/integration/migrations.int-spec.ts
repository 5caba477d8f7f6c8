import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions, runMigrationsLocked } from '@touchbase/database';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const MIGRATIONS_DIR = path.resolve(__dirname, '../../libs/database/src/migrations');

/** Every committed migration, oldest first (TypeORM orders them by the timestamp in the name). */
const MIGRATION_FILES = fs
  .readdirSync(MIGRATIONS_DIR)
  .filter((f) => /^\d{13}-.+\.ts$/.test(f))
  .sort();

/** The tables the Foundation creates: the start of everything else. */
const FOUNDATION_TABLES = ['api_keys', 'staff_members', 'worker_heartbeats'];

/**
 * What the migrations own in the public schema: tables, views, sequences, functions and types that
 * no extension owns (pgcrypto's and pg_trgm's objects are not ours). The migrations table, its
 * sequence and its primary key belong to TypeORM.
 */
async function schemaObjects(ds: DataSource): Promise<string[]> {
  const rows: { object: string }[] = await ds.query(`
    SELECT kind || ' ' || name AS object FROM (
      SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' ELSE 'table' END AS kind,
             c.relname::text AS name, c.oid, 'pg_class'::regclass AS catalog
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      UNION ALL
      SELECT 'function', p.proname::text, p.oid, 'pg_proc'::regclass
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = 'public'
      UNION ALL
      SELECT 'type', t.typname::text, t.oid, 'pg_type'::regclass
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'r', 'm')
    ) o
    WHERE NOT EXISTS (
      SELECT 1 FROM pg_depend d WHERE d.classid = o.catalog AND d.objid = o.oid AND d.deptype = 'e'
    )
    ORDER BY 1`);
  return rows
    .map((r) => r.object)
    .filter((o) => o !== 'table migrations' && o !== 'sequence migrations_id_seq');
}

async function appliedMigrations(ds: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await ds.query(`SELECT name FROM migrations ORDER BY timestamp, id`);
  return rows.map((r) => r.name);
}

describe('Migrations', () => {
  const databases: TestDatabase[] = [];
  const dataSources: DataSource[] = [];

  async function freshDatabase(): Promise<{ db: TestDatabase; ds: DataSource }> {
    const db = await createTestDatabase({ migrated: false });
    databases.push(db);
    const ds = new DataSource(buildDataSourceOptions({ url: db.url, poolSize: 2 }));
    dataSources.push(ds);
    await ds.initialize();
    return { db, ds };
  }

  afterAll(async () => {
    await Promise.all(dataSources.filter((ds) => ds.isInitialized).map((ds) => ds.destroy()));
    await Promise.all(databases.map((db) => db.drop()));
  });

  it('all apply, all revert one by one down to nothing, and all apply again', async () => {
    const { ds } = await freshDatabase();
    expect(MIGRATION_FILES.length).toBeGreaterThan(0);
    expect(ds.migrations.map((m) => m.name)).toHaveLength(MIGRATION_FILES.length);
    expect(await schemaObjects(ds)).toEqual([]);

    const applied = await ds.runMigrations({ transaction: 'each' });
    const names = applied.map((m) => m.name);
    expect(names).toHaveLength(MIGRATION_FILES.length);
    expect(names.map((n) => n.slice(-13))).toEqual(MIGRATION_FILES.map((f) => f.slice(0, 13)));
    expect(await appliedMigrations(ds)).toEqual(names);
    const migrated = await schemaObjects(ds);
    expect(migrated).toEqual(expect.arrayContaining(FOUNDATION_TABLES.map((t) => `table ${t}`)));
    expect(await ds.showMigrations()).toBe(false); // nothing pending

    // Newest first, one at a time; each revert removes exactly its own row.
    for (let left = names.length; left > 0; left--) {
      await ds.undoLastMigration({ transaction: 'each' });
      expect(await appliedMigrations(ds)).toEqual(names.slice(0, left - 1));
      const objects = await schemaObjects(ds);
      expect(migrated).toEqual(expect.arrayContaining(objects)); // nothing new appears on the way down
      if (left > 1)
        expect(objects).toEqual(expect.arrayContaining(FOUNDATION_TABLES.map((t) => `table ${t}`)));
    }
    expect(await schemaObjects(ds)).toEqual([]);
    expect(await ds.showMigrations()).toBe(true);

    const again = await ds.runMigrations({ transaction: 'each' });
    expect(again.map((m) => m.name)).toEqual(names);
    expect(await schemaObjects(ds)).toEqual(migrated);
  });

  it('two processes migrating one database at once apply each migration exactly once', async () => {
    const a = await freshDatabase();
    const b = new DataSource(buildDataSourceOptions({ url: a.db.url, poolSize: 2 }));
    dataSources.push(b);
    await b.initialize();

    const results = await Promise.all([
      runMigrationsLocked(a.ds, a.db.url),
      runMigrationsLocked(b, a.db.url),
    ]);

    const all = a.ds.migrations.map((m) => m.name!).sort();
    expect(results.flat().sort()).toEqual(all);
    // One took the lock and applied everything; the other found nothing left to do.
    expect(results.map((r) => r.length).sort()).toEqual([0, all.length]);
    const rows: { name: string; n: number }[] = await a.ds.query(
      `SELECT name, count(*)::int AS n FROM migrations GROUP BY name ORDER BY name`,
    );
    expect(rows).toEqual(all.map((name) => ({ name, n: 1 })));
    expect(await schemaObjects(a.ds)).toEqual(
      expect.arrayContaining(FOUNDATION_TABLES.map((t) => `table ${t}`)),
    );
  });
});
