import { Client } from 'pg';

/**
 * A run cancel caught half-way, on a connection of its own: like RunsService.cancel it has locked the
 * run, then cancelled the run's sending deliveries. `finish` runs its next step (`$1`: the run id —
 * its call tasks, its letter batches) and commits. For tests of what meets a cancel.
 */
export async function cancelHalfway(
  url: string,
  runId: string,
): Promise<{ finish(sql: string): Promise<void> }> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query(`SELECT 1 FROM runs WHERE id = $1 FOR UPDATE`, [runId]);
    await c.query(
      `UPDATE deliveries SET status = 'cancelled', reason = 'run-cancelled' WHERE run_id = $1 AND status = 'sending'`,
      [runId],
    );
  } catch (e) {
    await c.end();
    throw e;
  }
  return {
    finish: async (sql) => {
      try {
        await c.query(sql, [runId]);
        await c.query('COMMIT');
      } finally {
        await c.end();
      }
    },
  };
}
