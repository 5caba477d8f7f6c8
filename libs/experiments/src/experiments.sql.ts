import { DeliveryStatus, PENDING_VARIANT, REACHED_STATUSES_SQL, sqlValue } from '@touchbase/runs';

/**
 * Per variant of a run's test: deliveries, reached ones, clicked ones (first click before the window's
 * end), and the revenue of reached clients — purchases after the client's first touch of the variant in
 * this run, up to the window's end — with its sample variance over the reached clients (zeros
 * included), for Welch's test. $1 run, $2 window end
 */
export const VARIANT_COUNTS_SQL = `
  WITH d AS (
    SELECT d.id, d.client_id, d.variant, d.sent_at, d.status IN ${REACHED_STATUSES_SQL} AS reached
      FROM deliveries d
     WHERE d.run_id = $1 AND d.variant IS NOT NULL AND d.variant <> ${sqlValue(PENDING_VARIANT)}
  ),
  assigned AS (SELECT variant, count(*)::int AS n FROM d GROUP BY variant),
  clicks AS (
    SELECT d.variant, count(*)::int AS clicked
      FROM d
     WHERE d.reached
       AND EXISTS (SELECT 1 FROM delivery_links l WHERE l.delivery_id = d.id AND l.first_clicked_at <= $2)
     GROUP BY d.variant
  ),
  touched AS (
    SELECT variant, client_id, min(sent_at) AS sent_at FROM d WHERE reached GROUP BY variant, client_id
  ),
  spent AS (
    SELECT t.variant, t.client_id,
           COALESCE((SELECT sum(p.amount) FROM purchases p
                      WHERE p.client_id = t.client_id AND p.purchased_at > t.sent_at AND p.purchased_at <= $2), 0)
             AS revenue
      FROM touched t
  ),
  money AS (
    SELECT variant, count(*)::int AS reached, count(*) FILTER (WHERE revenue > 0)::int AS buyers,
           sum(revenue)::float8 AS revenue, var_samp(revenue)::float8 AS revenue_variance
      FROM spent GROUP BY variant
  ),
  reached AS (SELECT variant, count(*)::int AS n FROM d WHERE reached GROUP BY variant)
  SELECT a.variant AS key, a.n AS assigned, COALESCE(r.n, 0) AS reached, COALESCE(c.clicked, 0) AS clicked,
         COALESCE(m.buyers, 0) AS buyers, COALESCE(m.revenue, 0) AS revenue, m.revenue_variance
    FROM assigned a
    LEFT JOIN reached r ON r.variant = a.variant
    LEFT JOIN clicks c ON c.variant = a.variant
    LEFT JOIN money m ON m.variant = a.variant
   ORDER BY a.variant`;

/** How many of a run's deliveries wait for the winner. $1 run */
export const HELD_COUNT_SQL = `
  SELECT count(*)::int AS n FROM deliveries
   WHERE run_id = $1 AND variant = ${sqlValue(PENDING_VARIANT)} AND status = ${sqlValue(DeliveryStatus.Queued)}`;

/**
 * The test's window counted from its sending, per testing run: how many test deliveries (those of a
 * variant, not the held rest) are still queued or being sent by a worker (a call or letter handed to a
 * person is out of the dispatcher's hands and does not hold the test up), and when the window ends — the latest
 * sent_at of the test deliveries plus the window's hours; the planned end while none was sent (a test
 * whose deliveries were all suppressed or failed ends when planned). `er` is an `experiment_runs` row.
 */
const TEST_WINDOW_LATERAL = `
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (
             WHERE d.status = ${sqlValue(DeliveryStatus.Queued)}
                OR (d.status = ${sqlValue(DeliveryStatus.Sending)} AND d.locked_until IS NOT NULL)
           )::int AS unsent,
           max(d.sent_at) AS last_sent
      FROM deliveries d
     WHERE d.run_id = er.run_id AND d.variant IS NOT NULL AND d.variant <> ${sqlValue(PENDING_VARIANT)}
  ) s
  CROSS JOIN LATERAL (
    SELECT COALESCE(s.last_sent + make_interval(hours => (er.definition->>'windowHours')::int), er.window_ends_at)
             AS ends_at
  ) w`;

/** One run's test window as it stands: unsent test deliveries and the window's end. $1 run */
export const TEST_WINDOW_SQL = `
  SELECT s.unsent, w.ends_at FROM experiment_runs er ${TEST_WINDOW_LATERAL} WHERE er.run_id = $1`;

/**
 * The next test to decide, locked (SKIP LOCKED: two workers take different runs): testing, every test
 * delivery sent (or settled otherwise), the window from the last one's sending over by $2. Only the
 * runs still testing are looked at (a few at a time), each by its deliveries' run index.
 * $1 testing status, $2 now
 */
export const NEXT_DUE_TEST_SQL = `
  SELECT er.run_id, w.ends_at FROM experiment_runs er ${TEST_WINDOW_LATERAL}
   WHERE er.status = $1 AND s.unsent = 0 AND w.ends_at <= $2
   ORDER BY w.ends_at, er.run_id
   LIMIT 1
   FOR UPDATE OF er SKIP LOCKED`;
