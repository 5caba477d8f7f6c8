import { EntityManager } from 'typeorm';
import { DeliveryStatus, OPEN_STATUSES } from './delivery-status.enum';
import { RunStats } from './entities/run.entity';

/** Deliveries counted by status, channel and reason: a chunk's as planned, or a run's as they are now. */
export interface StatsRow {
  status: string;
  channel: string | null;
  reason: string | null;
  n: number;
}

/** A run's counts (`displaced` is the planner's own: it is not in the deliveries' statuses). */
export function toStats(rows: StatsRow[]): Omit<Required<RunStats>, 'displaced'> {
  const stats: Omit<Required<RunStats>, 'displaced'> = { byStatus: {}, byChannel: {}, byReason: {} };
  for (const r of rows) {
    stats.byStatus[r.status] = (stats.byStatus[r.status] ?? 0) + r.n;
    if (r.channel) {
      stats.byChannel[r.channel] ??= {};
      stats.byChannel[r.channel][r.status] = (stats.byChannel[r.channel][r.status] ?? 0) + r.n;
    }
    if (r.reason) stats.byReason[r.reason] = (stats.byReason[r.reason] ?? 0) + r.n;
  }
  return stats;
}

/** The counts of runs from their deliveries' current statuses, by run id. */
export async function currentRunStats(
  manager: EntityManager,
  runIds: string[],
): Promise<Map<string, Omit<Required<RunStats>, 'displaced'>>> {
  const rows: (StatsRow & { run_id: string })[] = await manager.query(
    `SELECT run_id, status, channel, reason, count(*)::int AS n
       FROM deliveries WHERE run_id = ANY($1::uuid[]) GROUP BY 1, 2, 3, 4`,
    [runIds],
  );
  const byRun = new Map<string, StatsRow[]>(runIds.map((id) => [id, []]));
  for (const r of rows) byRun.get(r.run_id)?.push(r);
  return new Map([...byRun].map(([id, runRows]) => [id, toStats(runRows)]));
}

/**
 * Stores the current counts of runs whose deliveries changed status (a run completing, a run
 * cancelled), keeping what only the planner knows (`displaced`).
 */
export async function refreshRunStats(manager: EntityManager, runIds: string[]): Promise<void> {
  if (runIds.length === 0) return;
  const stats = await currentRunStats(manager, runIds);
  await manager.query(
    `UPDATE runs r SET stats = r.stats || u.stats, updated_at = now()
       FROM unnest($1::uuid[], $2::jsonb[]) AS u(id, stats) WHERE r.id = u.id`,
    [[...stats.keys()], [...stats.values()].map((s) => JSON.stringify(s))],
  );
}

export interface RunDeliveryCounts {
  /** Every delivery status, 0 when the run has none in it. */
  byStatus: Record<DeliveryStatus, number>;
  total: number;
  /** Still to be dispatched or settled (OPEN_STATUSES). */
  open: number;
}

/** A run's deliveries counted by their current status (one index range: deliveries_run_status_idx). */
export async function runDeliveryCounts(manager: EntityManager, runId: string): Promise<RunDeliveryCounts> {
  const rows: { status: DeliveryStatus; n: number }[] = await manager.query(
    `SELECT status, count(*)::int AS n FROM deliveries WHERE run_id = $1 GROUP BY status`,
    [runId],
  );
  const byStatus = Object.fromEntries(Object.values(DeliveryStatus).map((s) => [s, 0])) as Record<
    DeliveryStatus,
    number
  >;
  for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + r.n;
  const total = rows.reduce((sum, r) => sum + r.n, 0);
  const open = OPEN_STATUSES.reduce((sum, s) => sum + byStatus[s], 0);
  return { byStatus, total, open };
}
