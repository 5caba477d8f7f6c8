import { Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface RefreshStatisticsOptions {
  /** A table is stale when more rows changed since its last ANALYZE than max(minChanged, fraction × live rows). */
  minChanged?: number;
  fraction?: number;
  /**
   * Rows the caller has just changed in each of the tables. A backend reports its counters when it
   * goes idle (up to a second later), so the latest writes may not show in pg_stat_user_tables yet.
   */
  justChanged?: number;
}

export interface AnalysedTable {
  table: string;
  reason: 'never analysed' | 'stale';
  liveRows: number;
  changedRows: number;
}

const logger = new Logger('Statistics');

/**
 * Runs ANALYZE on those of `tables` whose statistics are missing (never analysed) or stale (many rows
 * changed since), and on no other: cheap when they are fresh. Without statistics, PostgreSQL plans the
 * big set-based statements (planning, imports) as nested loops over what it takes for tiny tables;
 * autovacuum only catches up a minute or so after a bulk load. SKIP_LOCKED: a table another session is
 * analysing gets its statistics from it, and waiting behind a vacuum would only delay the caller.
 * Statistics only make the work after them faster: a failure here is logged, never thrown. Use a
 * manager outside a transaction: statistics gathered in one that is rolled back are lost with it.
 */
export async function refreshStaleStatistics(
  manager: EntityManager,
  tables: readonly string[],
  options: RefreshStatisticsOptions = {},
): Promise<AnalysedTable[]> {
  try {
    return await analyseStale(manager, tables, options);
  } catch (e) {
    logger.warn(`Statistics of ${tables.join(', ')} not refreshed: ${(e as Error).message}`);
    return [];
  }
}

async function analyseStale(
  manager: EntityManager,
  tables: readonly string[],
  { minChanged = 1000, fraction = 0.1, justChanged = 0 }: RefreshStatisticsOptions,
): Promise<AnalysedTable[]> {
  const rows: AnalysedTable[] = await manager.query(
    `SELECT t.relid::regclass::text AS "table",
            CASE WHEN t.last_analyze IS NULL AND t.last_autoanalyze IS NULL THEN 'never analysed' ELSE 'stale' END
              AS reason,
            t.n_live_tup::float8 AS "liveRows",
            t.n_mod_since_analyze::float8 + $2::float8 AS "changedRows"
       FROM unnest($1::text[]) AS n(name)
       JOIN pg_stat_user_tables t ON t.relid = to_regclass(n.name)
      WHERE (t.last_analyze IS NULL AND t.last_autoanalyze IS NULL)
         OR t.n_mod_since_analyze + $2::float8 > greatest($3::float8, $4::float8 * t.n_live_tup)
      ORDER BY 1`,
    [tables, justChanged, minChanged, fraction],
  );
  if (rows.length === 0) return [];
  const started = Date.now();
  // The names come from regclass::text: quoted where they need to be.
  await manager.query(`ANALYZE (SKIP_LOCKED) ${rows.map((t) => t.table).join(', ')}`);
  logger.log(
    `Analysed ${rows
      .map((t) => `${t.table} (${t.reason}, ${t.changedRows} of ${t.liveRows} rows changed)`)
      .join(', ')} in ${Date.now() - started} ms`,
  );
  return rows;
}
