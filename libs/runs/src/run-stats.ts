import { EntityManager } from 'typeorm';
import { RunStats } from './entities/run.entity';

/** Deliveries counted by status, channel and reason: what a run's stats are made of. */
export interface RunStatsRow {
  status: string;
  channel: string | null;
  reason: string | null;
  n: number;
}

export function toStats(rows: RunStatsRow[]): RunStats {
  const stats: Required<RunStats> = { byStatus: {}, byChannel: {}, byReason: {}, displaced: 0 };
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

/** A run's stats read from its deliveries. */
export async function readRunStats(manager: EntityManager, runId: string): Promise<RunStats> {
  return toStats(
    await manager.query(
      `SELECT status, channel, reason, count(*)::int AS n FROM deliveries WHERE run_id = $1 GROUP BY 1, 2, 3`,
      [runId],
    ),
  );
}
