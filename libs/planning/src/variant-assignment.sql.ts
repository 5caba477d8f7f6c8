import { EntityManager } from 'typeorm';
import type { ExperimentPlan } from '@touchbase/experiments';
import { DeliveryStatus, PENDING_VARIANT, sqlValue } from '@touchbase/runs';

/**
 * A/B test variants for a chunk's queued deliveries, in one statement right after the chunk is planned.
 * Each client's place is a number in [0, 1) hashed from its id and the run (so it is the same every
 * time the run is planned): under the test share it falls in a variant by the variants' cumulative
 * shares; above it the delivery is the held rest — `PENDING_VARIANT`, due at the window's end — which
 * keeps its cap slot and is never claimed until the winner is chosen.
 * $1 run, $2 lo, $3 hi, $4 seed, $5 test share, $6 keys, $7 cumulative bounds, $8 window end
 */
export const ASSIGN_VARIANTS_SQL = `
  WITH placed AS (
    SELECT d.id,
           ('x' || substr(md5(d.client_id::text || ':' || $4::text), 1, 8))::bit(32)::bigint / 4294967296.0 AS u
      FROM deliveries d
     WHERE d.run_id = $1 AND d.client_id > $2::uuid AND d.client_id <= $3::uuid
       AND d.status = ${sqlValue(DeliveryStatus.Queued)} AND d.variant IS NULL
  )
  UPDATE deliveries d
     SET variant = CASE
           WHEN p.u >= $5::float8 THEN ${sqlValue(PENDING_VARIANT)}
           ELSE (SELECT v.key FROM unnest($6::text[], $7::float8[]) AS v(key, upto)
                  WHERE p.u / $5::float8 < v.upto ORDER BY v.upto LIMIT 1)
         END,
         due_at = CASE WHEN p.u >= $5::float8 THEN GREATEST(d.due_at, $8::timestamptz) ELSE d.due_at END
    FROM placed p
   WHERE d.id = p.id`;

/** Puts the chunk's queued deliveries of an A/B-tested run in their variants (or the held rest). */
export async function assignVariants(
  manager: EntityManager,
  plan: ExperimentPlan,
  lo: string,
  hi: string,
): Promise<void> {
  // The last bound above 1 keeps a rounding error from leaving a client of the test without a variant.
  const bounds = plan.bounds.map((b, i) => (i === plan.bounds.length - 1 ? 2 : b));
  await manager.query(ASSIGN_VARIANTS_SQL, [
    plan.runId,
    lo,
    hi,
    plan.seed,
    plan.testShare,
    plan.keys,
    bounds,
    plan.windowEndsAt,
  ]);
}
