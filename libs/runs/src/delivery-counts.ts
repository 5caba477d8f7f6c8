import { EntityManager } from 'typeorm';
import { REACHED_STATUSES_SQL } from './delivery-status.enum';

/** Deliveries that went out (sent or delivered) since `since`, by channel. */
export async function reachedByChannelSince(
  manager: EntityManager,
  since: Date,
): Promise<Record<string, number>> {
  const rows: { channel: string; n: number }[] = await manager.query(
    `SELECT channel, count(*)::int AS n FROM deliveries
      WHERE sent_at >= $1 AND status IN ${REACHED_STATUSES_SQL} AND channel IS NOT NULL
      GROUP BY 1`,
    [since],
  );
  return Object.fromEntries(rows.map((r) => [r.channel, r.n]));
}
