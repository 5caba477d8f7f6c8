import { createHash } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Category } from '@touchbase/clients';
import { AppConfig } from '@touchbase/config';
import { NotFoundException, Semaphore, ValidationException } from '@touchbase/core';
import { CompiledSql, compileSegmentMembership } from './segment-compiler';
import { SegmentRule } from './segment-rule';
import { SegmentsService } from './segments.service';

/** A client in a live count's sample. */
export interface SegmentSampleClient {
  id: string;
  name: string;
  category: Category | null;
  city: string | null;
}

export interface SegmentCount {
  /** The hash of the normalised rule tree: `GET /api/v1/segments/counts/:ruleHash`. */
  ruleHash: string;
  count: number;
  /** false: `count` is an estimate from a sample of the table; the exact count follows. */
  exact: boolean;
  /** When the exact count was taken (exact answers). */
  computedAt?: string;
  /** When the estimate was made (estimates). */
  estimatedAt?: string;
  /** Ten matching clients by name (empty while an estimate's exact count is pending and none came fast). */
  sample: SegmentSampleClient[];
}

export const SEGMENT_COUNT_SAMPLE_SIZE = 10;
/** An exact count younger than this is answered from the cache. */
export const SEGMENT_COUNT_MAX_AGE_SECONDS = 300;

/** Cached counts untouched this long are deleted (SegmentCountsRetentionJob). */
export const SEGMENT_COUNT_RETENTION_HOURS = 24;
/** About this many rows of `clients` are read for an estimate. */
const ESTIMATE_SAMPLE_ROWS = 10_000;
const ESTIMATE_TIMEOUT_MS = 2_000;
const QUERY_CANCELED = '57014';
const RULE_HASH = /^[0-9a-f]{64}$/;

interface CacheRow {
  count: string | null;
  estimate: string | null;
  sample: SegmentSampleClient[] | null;
  requested_at: Date;
  computed_at: Date | null;
}

/**
 * Live segment counts that answer fast at a million clients: the exact count when it comes within
 * `SEGMENT_COUNT_EXACT_MS`, else an estimate from a block sample of `clients` (TABLESAMPLE SYSTEM,
 * the segment's own SQL over the sampled rows) marked `exact: false`, while the exact count runs in
 * the background and lands in `segment_counts` under the rule's hash. The SQL is the segment
 * compiler's, the same the planner embeds.
 */
@Injectable()
export class SegmentCountService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('SegmentCounts');
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly background = new Semaphore(1);

  constructor(
    private readonly dataSource: DataSource,
    private readonly segments: SegmentsService,
    private readonly config: AppConfig,
  ) {}

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** The live count of unsaved rules (validated as the segment's would be). */
  async count(input: unknown): Promise<SegmentCount> {
    const rules = await this.segments.checkRules(input);
    const hash = ruleHash(rules);
    const cached = await this.cached(hash);
    if (cached?.computed_at && cached.count !== null && isFresh(cached.computed_at)) {
      return exactAnswer(hash, cached);
    }
    const where = compileSegmentMembership(rules);
    const budget = this.config.segments.countExactMs;
    // The estimate is cheap (a block sample): taken beside the exact count, it costs no extra wait
    // when the exact count runs out of time.
    const estimate = this.estimate(where);
    estimate.catch(() => undefined); // awaited below only when needed
    const [count, sample] = await Promise.all([
      this.withTimeout(budget, (m) => exactCount(m, where)),
      this.withTimeout(budget, (m) => sampleOf(m, where)),
    ]);
    if (count !== undefined) {
      const row = await this.store(hash, rules, count, sample ?? null);
      // The count came in time but the sample did not (few members, far apart): it follows.
      if (sample === undefined) this.computeInBackground(hash, rules);
      return exactAnswer(hash, row);
    }
    const estimated = await estimate;
    const [row]: { requested_at: Date }[] = await this.dataSource.query(
      `INSERT INTO segment_counts (rule_hash, rules, estimate, requested_at)
       VALUES ($1, $2, $3, now())
       ON CONFLICT (rule_hash) DO UPDATE
          SET estimate = EXCLUDED.estimate, requested_at = EXCLUDED.requested_at,
              count = NULL, sample = NULL, computed_at = NULL
       RETURNING requested_at`,
      [hash, JSON.stringify(rules), estimated],
    );
    this.computeInBackground(hash, rules);
    return {
      ruleHash: hash,
      count: estimated,
      exact: false,
      estimatedAt: row.requested_at.toISOString(),
      sample: sample ?? [],
    };
  }

  /** The live count of a saved segment. */
  async countSegment(id: string): Promise<SegmentCount> {
    return this.count((await this.segments.get(id)).rules);
  }

  /** What is known under a rule hash: the exact count when ready, else the estimate it started with. */
  async byHash(hash: string): Promise<SegmentCount> {
    if (!RULE_HASH.test(hash)) {
      throw new ValidationException('The rule hash is invalid', [
        { field: 'ruleHash', messages: ['ruleHash must be 64 lower-case hex digits, as a count returned'] },
      ]);
    }
    const row = await this.cached(hash);
    if (!row) throw new NotFoundException('Segment count', hash);
    if (row.count !== null && row.computed_at) return exactAnswer(hash, row);
    return {
      ruleHash: hash,
      count: Number(row.estimate ?? 0),
      exact: false,
      estimatedAt: row.requested_at.toISOString(),
      sample: [],
    };
  }

  /**
   * Deletes the counts neither asked for nor computed for SEGMENT_COUNT_RETENTION_HOURS (their rules
   * are counted afresh when asked again); returns how many.
   */
  async pruneStale(now = new Date()): Promise<number> {
    const [{ n }]: { n: number }[] = await this.dataSource.query(
      `WITH gone AS (
         DELETE FROM segment_counts
          WHERE GREATEST(requested_at, COALESCE(computed_at, requested_at))
                < $1::timestamptz - make_interval(hours => $2)
          RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [now.toISOString(), SEGMENT_COUNT_RETENTION_HOURS],
    );
    return n;
  }

  /** Resolves when the background count for the hash (if any runs in this process) is done. */
  async settled(hash: string): Promise<void> {
    await this.inFlight.get(hash);
  }

  private async cached(hash: string): Promise<CacheRow | undefined> {
    const [row]: CacheRow[] = await this.dataSource.query(
      `SELECT count, estimate, sample, requested_at, computed_at FROM segment_counts WHERE rule_hash = $1`,
      [hash],
    );
    return row;
  }

  private async store(
    hash: string,
    rules: SegmentRule,
    count: number,
    sample: SegmentSampleClient[] | null,
  ): Promise<CacheRow> {
    const [row]: CacheRow[] = await this.dataSource.query(
      `INSERT INTO segment_counts (rule_hash, rules, count, sample, computed_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (rule_hash) DO UPDATE
          SET count = EXCLUDED.count, sample = EXCLUDED.sample, computed_at = EXCLUDED.computed_at
       RETURNING count, estimate, sample, requested_at, computed_at`,
      [hash, JSON.stringify(rules), count, sample && JSON.stringify(sample)],
    );
    return row;
  }

  private computeInBackground(hash: string, rules: SegmentRule): void {
    if (this.inFlight.has(hash)) return;
    const where = compileSegmentMembership(rules);
    const work = (async () => {
      try {
        // One exact count at a time per process, on one core (no parallel workers): the live counts
        // being typed meanwhile keep the rest of the machine.
        const [count, sample] = await this.background.use(() =>
          this.dataSource.transaction(async (m) => {
            await m.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
            return [await exactCount(m, where), await sampleOf(m, where)] as const;
          }),
        );
        await this.store(hash, rules, count, [...sample]);
      } catch (e) {
        this.logger.error(`Exact count ${hash} failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        this.inFlight.delete(hash);
      }
    })();
    this.inFlight.set(hash, work);
  }

  /** Runs `fn` under a statement timeout; undefined when it ran out of time. */
  private async withTimeout<T>(ms: number, fn: (m: EntityManager) => Promise<T>): Promise<T | undefined> {
    try {
      return await this.dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(ms))}`);
        // One core each: parallel workers would take the cores the estimate beside it needs.
        await m.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
        return fn(m);
      });
    } catch (e) {
      if (e instanceof QueryFailedError && (e.driverError as { code?: string }).code === QUERY_CANCELED) {
        return undefined;
      }
      throw e;
    }
  }

  /**
   * The segment's share of a block sample of about ESTIMATE_SAMPLE_ROWS rows, times the table's row
   * estimate; a table never analysed is read whole (it is then small, or about to be analysed).
   */
  private async estimate(where: CompiledSql): Promise<number> {
    const [stats]: { total: number }[] = await this.dataSource.query(
      `SELECT reltuples::float8 AS total FROM pg_class WHERE oid = 'clients'::regclass`,
    );
    const total = Number(stats?.total ?? -1);
    const percent = total > 0 ? Math.min(100, (100 * ESTIMATE_SAMPLE_ROWS) / total) : 100;
    const rows = await this.withTimeout(ESTIMATE_TIMEOUT_MS, (m) =>
      m.query(
        `SELECT count(*) FILTER (WHERE ${where.sql})::float8 AS matched, count(*)::float8 AS seen
           FROM clients c TABLESAMPLE SYSTEM ($${where.params.length + 1}::float4)`,
        [...where.params, percent],
      ),
    );
    const sampled = (rows as { matched: number; seen: number }[] | undefined)?.[0];
    if (sampled && sampled.seen > 0) {
      return Math.round(
        (Number(sampled.matched) / Number(sampled.seen)) * (total > 0 ? total : sampled.seen),
      );
    }
    return this.plannerEstimate(where);
  }

  /** The planner's row estimate: the fallback when even the sample ran out of time. */
  private async plannerEstimate(where: CompiledSql): Promise<number> {
    const [plan]: { 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }[] = await this.dataSource.query(
      `EXPLAIN (FORMAT JSON) SELECT 1 FROM clients c WHERE ${where.sql}`,
      where.params,
    );
    return Math.round(plan['QUERY PLAN'][0].Plan['Plan Rows']);
  }
}

/** sha256 of the normalised tree with its keys sorted: equal trees hash alike, whatever the key order. */
export function ruleHash(rules: SegmentRule): string {
  return createHash('sha256').update(stableJson(rules)).digest('hex');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

async function exactCount(m: EntityManager, where: CompiledSql): Promise<number> {
  const [row]: { n: string }[] = await m.query(
    `SELECT count(*) AS n FROM clients c WHERE ${where.sql}`,
    where.params,
  );
  return Number(row.n);
}

/** The first matching clients in table order (a scan that stops at ten), shown by name. */
async function sampleOf(m: EntityManager, where: CompiledSql): Promise<SegmentSampleClient[]> {
  const rows: SegmentSampleClient[] = await m.query(
    `SELECT id, name, category, city FROM (
       SELECT c.id, c.name, c.category, c.address_city AS city
         FROM clients c WHERE ${where.sql} LIMIT ${SEGMENT_COUNT_SAMPLE_SIZE}) s
      ORDER BY name, id`,
    where.params,
  );
  return rows;
}

function isFresh(computedAt: Date): boolean {
  return Date.now() - computedAt.getTime() < SEGMENT_COUNT_MAX_AGE_SECONDS * 1000;
}

function exactAnswer(hash: string, row: CacheRow): SegmentCount {
  return {
    ruleHash: hash,
    count: Number(row.count),
    exact: true,
    computedAt: row.computed_at?.toISOString(),
    sample: row.sample ?? [],
  };
}
