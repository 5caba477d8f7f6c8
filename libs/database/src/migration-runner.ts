import { Client } from 'pg';
import { DataSource } from 'typeorm';

// Any constant works; it only has to be the same in every process of one installation.
const MIGRATION_LOCK_KEY = 7_202_611_220;

/**
 * Applies pending migrations while holding a PostgreSQL advisory lock, so that several API and
 * worker replicas starting together migrate once, one after the other, never concurrently.
 */
export async function runMigrationsLocked(dataSource: DataSource, url: string): Promise<string[]> {
  const lock = new Client({ connectionString: url, application_name: 'touchbase-migrations' });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end().catch(() => undefined);
  }
}
