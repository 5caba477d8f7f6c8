import { OPEN_STATUSES_SQL } from './delivery-status.enum';
import { RunStatus } from './run-status.enum';
import { sqlValue } from './sql-list';

/** "Is this run complete?", defined once: nothing of it is left to dispatch or to settle. */
export const runHasOpenDeliveries = (runId: string) =>
  `EXISTS (SELECT 1 FROM deliveries d WHERE d.run_id = ${runId} AND d.status IN ${OPEN_STATUSES_SQL})`;

/** Runs with nothing left to dispatch are complete. $1 run ids */
export const COMPLETE_RUNS_SQL = `
  UPDATE runs r SET status = ${sqlValue(RunStatus.Completed)}, completed_at = now(), updated_at = now()
   WHERE r.id = ANY($1::uuid[]) AND r.status = ${sqlValue(RunStatus.Dispatching)}
     AND NOT ${runHasOpenDeliveries('r.id')}
  RETURNING r.id`;

/**
 * The end of planning: the counts, and dispatching while deliveries are open, else completed.
 * $1 run, $2 audience, $3 stats
 */
export const FINISH_PLANNING_SQL = `
  UPDATE runs SET audience = $2, stats = $3, planned_at = now(), updated_at = now(),
         status = CASE WHEN ${runHasOpenDeliveries('$1')}
                       THEN ${sqlValue(RunStatus.Dispatching)} ELSE ${sqlValue(RunStatus.Completed)} END,
         completed_at = CASE WHEN ${runHasOpenDeliveries('$1')} THEN NULL ELSE now() END
   WHERE id = $1`;
