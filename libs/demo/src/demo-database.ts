import { Client } from 'pg';

/** The `workspace_settings` key that marks a database the demo loaded (and may therefore reset). */
export const DEMO_SETTINGS_KEY = 'demo';

export type DemoDatabaseState = 'empty' | 'reset';

export class DemoDatabaseInUseError extends Error {}

/**
 * Makes the database ready for the demo before the application migrates it: an empty database is
 * used as it is; one the demo loaded before is reset (its schema dropped, to be migrated afresh);
 * one with clients the demo did not load is refused, so the demo never touches real data.
 */
export async function prepareDemoDatabase(url: string): Promise<DemoDatabaseState> {
  const client = new Client({ connectionString: url, application_name: 'touchbase-demo' });
  await client.connect();
  try {
    const { rows } = await client.query<{ clients: string | null; settings: string | null }>(
      `SELECT to_regclass('public.clients')::text AS clients, to_regclass('public.workspace_settings')::text AS settings`,
    );
    if (!rows[0].clients) return 'empty';
    const marked =
      rows[0].settings !== null &&
      (await client.query(`SELECT 1 FROM workspace_settings WHERE key = $1`, [DEMO_SETTINGS_KEY])).rowCount! >
        0;
    if (!marked) {
      const { rows: counted } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM clients`);
      if (counted[0].n === 0) return 'empty';
      throw new DemoDatabaseInUseError(
        `The database already holds clients that the demo did not load (${counted[0].n}); it only uses an empty ` +
          `database or one it loaded itself. Unset DATABASE_URL (the demo then runs on its own embedded ` +
          `database) or point it at an empty database.`,
      );
    }
    // One transaction: a failed reset leaves the previous demo as it was.
    await client.query('BEGIN');
    await client.query('DROP SCHEMA public CASCADE');
    await client.query('CREATE SCHEMA public');
    await client.query('COMMIT');
    return 'reset';
  } finally {
    await client.end();
  }
}

/** Marks the database as the demo's, so that the next run may reset it. */
export async function markDemoDatabase(
  query: (sql: string, params: unknown[]) => Promise<unknown>,
  details: Record<string, unknown>,
): Promise<void> {
  await query(
    `INSERT INTO workspace_settings (key, value) VALUES ($1, $2::jsonb)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [DEMO_SETTINGS_KEY, JSON.stringify(details)],
  );
}
