import { sqlList } from './sql-list';

export enum RunStatus {
  Planned = 'planned',
  Planning = 'planning',
  Dispatching = 'dispatching',
  Completed = 'completed',
  Cancelled = 'cancelled',
  Missed = 'missed',
  Held = 'held',
  Failed = 'failed',
}

export enum RunTrigger {
  Schedule = 'schedule',
  Manual = 'manual',
}

/** A run that may still be cancelled: it has not finished one way or another. */
export const CANCELLABLE_RUN_STATUSES = [
  RunStatus.Planned,
  RunStatus.Held,
  RunStatus.Dispatching,
  RunStatus.Planning,
] as const;

/** Not planned yet: archiving the campaign cancels these. */
export const PENDING_RUN_STATUSES = [RunStatus.Planned, RunStatus.Held] as const;

/** Over: nothing more happens to the run's deliveries on its account (live progress stops here). */
export const FINISHED_RUN_STATUSES = [
  RunStatus.Completed,
  RunStatus.Cancelled,
  RunStatus.Failed,
  RunStatus.Missed,
] as const;

export function isRunFinished(status: RunStatus): boolean {
  return (FINISHED_RUN_STATUSES as readonly RunStatus[]).includes(status);
}

export const CANCELLABLE_RUN_STATUSES_SQL = sqlList(...CANCELLABLE_RUN_STATUSES);
export const PENDING_RUN_STATUSES_SQL = sqlList(...PENDING_RUN_STATUSES);
