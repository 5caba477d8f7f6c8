import { EntityManager } from 'typeorm';
import { refreshRunStats } from '@touchbase/planning';
import { COMPLETE_RUNS_SQL } from './dispatch.sql';

/**
 * Completes the runs that have nothing left to dispatch, inside `manager`'s transaction. The run rows
 * are locked first, in a statement of their own: a planner that is setting a run's status at the same
 * moment (it holds the row lock while it reads the deliveries) is waited for, and the completing
 * statement then reads its committed status — so the run whose last outcome the caller records never
 * stays `dispatching` with nothing left in it. A completed run's counts are stored as they are then.
 */
export async function completeRuns(manager: EntityManager, runIds: string[]): Promise<void> {
  await manager.query(`SELECT id FROM runs WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [runIds]);
  const [completed]: [{ id: string }[], number] = await manager.query(COMPLETE_RUNS_SQL, [runIds]);
  await refreshRunStats(
    manager,
    completed.map((r) => r.id),
  );
}
