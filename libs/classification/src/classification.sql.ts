/**
 * The SQL of the classification domain, in one place: purchases in bulk, and the one set-based
 * recompute of purchase statistics, categories and stages.
 */

/** Serialises every write of classification columns (recompute, full or partial). */
export const CLASSIFICATION_WRITE_LOCK = 7_310_001;
/** Taken with pg_try_advisory_xact_lock by the nightly job: one worker runs it, the others skip. */
export const CLASSIFICATION_NIGHTLY_LOCK = 7_310_002;

/**
 * Resolves each item's client: by id, or by external reference. $1 positions, $2 ids, $3 refs.
 * Erased clients are reported, not matched.
 */
export const RESOLVE_CLIENTS_SQL = `
  SELECT i.pos, COALESCE(a.id, b.id) AS client_id, COALESCE(a.erased_at, b.erased_at) IS NOT NULL AS erased
    FROM unnest($1::int[], $2::uuid[], $3::text[]) AS i(pos, client_id, external_ref)
    LEFT JOIN clients a ON a.id = i.client_id
    LEFT JOIN clients b ON i.client_id IS NULL AND b.external_ref = i.external_ref`;

/**
 * Inserts purchases in one statement, idempotent by external id: a repeated external id with the
 * same data is left alone (the DO UPDATE … WHERE skips it, so it is not returned), with different
 * data it is updated. Ids are proposed by the caller: a returned id equal to the proposed one was
 * inserted, a returned row found by external id was updated, an item with no returned row is
 * unchanged. `previous_client_id` is the client an existing purchase belonged to, which needs its
 * statistics refreshed too when the purchase moves to another client.
 */
export const UPSERT_PURCHASES_SQL = `
  WITH input AS (
    SELECT *
      FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::timestamptz[], $5::numeric[], $6::text[], $7::text[],
                  $8::text[])
        AS t(id, external_id, client_id, purchased_at, amount, currency, product, product_category)
  ),
  existing AS (
    SELECT p.external_id, p.client_id FROM purchases p JOIN input i ON i.external_id = p.external_id
  ),
  upserted AS (
    INSERT INTO purchases AS p (id, external_id, client_id, purchased_at, amount, currency, product, product_category)
    SELECT id, external_id, client_id, purchased_at, amount, currency, product, product_category FROM input
    ON CONFLICT (external_id) DO UPDATE
       SET client_id = EXCLUDED.client_id, purchased_at = EXCLUDED.purchased_at, amount = EXCLUDED.amount,
           currency = EXCLUDED.currency, product = EXCLUDED.product, product_category = EXCLUDED.product_category
     WHERE (p.client_id, p.purchased_at, p.amount, p.currency, p.product, p.product_category)
           IS DISTINCT FROM (EXCLUDED.client_id, EXCLUDED.purchased_at, EXCLUDED.amount, EXCLUDED.currency,
                             EXCLUDED.product, EXCLUDED.product_category)
    RETURNING p.id, p.external_id
  )
  SELECT i.id AS proposed_id,
         CASE WHEN ins.id IS NOT NULL THEN 'created' WHEN upd.id IS NOT NULL THEN 'updated' ELSE 'unchanged' END
           AS status,
         e.client_id AS previous_client_id
    FROM input i
    LEFT JOIN upserted ins ON ins.id = i.id
    LEFT JOIN upserted upd ON upd.external_id = i.external_id
    LEFT JOIN existing e ON e.external_id = i.external_id`;

/** Newest first, keyset-paginated on (purchased_at, id); the cursor keeps pg's full precision. */
export const LIST_PURCHASES_SQL = `
  SELECT id, external_id, client_id, purchased_at, purchased_at::text AS purchased_at_key, amount::text AS amount,
         currency, product, product_category, created_at
    FROM purchases
   WHERE ($1::uuid IS NULL OR client_id = $1)
     AND ($2::timestamptz IS NULL OR purchased_at >= $2)
     AND ($3::timestamptz IS NULL OR purchased_at < $3)
     AND ($4::timestamptz IS NULL OR (purchased_at, id) < ($4::timestamptz, $5::uuid))
   ORDER BY purchased_at DESC, id DESC
   LIMIT $6`;

/**
 * The recompute: one statement over the whole base (or the clients in $1), in five steps.
 *
 * 1. `fresh`: purchase statistics per client in scope. Revenue counts the purchases in the
 *    workspace currency ($10) only: there are no exchange rates to add other currencies up.
 * 2. `ranked` → `cuts`: the Pareto split over window revenue. Clients with window revenue > 0 are
 *    sorted by revenue descending, ties broken by id; `before` is the revenue of everyone ahead.
 *    A = the share ahead is below aShare (so the client who crosses the boundary is A: A is the
 *    smallest set making aShare of revenue), B = below aShare + bShare, C = the rest. The split is
 *    kept as the last client of A and of B (and of the VIP top n), as (revenue, id): a client is
 *    in a class when it ranks at or above its last client; this spares joining the ranking back.
 *    A partial recompute ranks its clients' fresh revenue against the stored revenue of the rest.
 * 3. `computed`: category and VIP-by-rule. A client with purchases but no positive window revenue
 *    (nothing in the window, or refunds outweigh purchases) is C; a client that never bought has
 *    no category. VIP by rule needs positive window revenue.
 * 4. `staged`: the stage. With purchases: lapsed when the last purchase is older than lapsedDays;
 *    else key when the effective category (override, VIP, computed) is VIP, or meets the key rule
 *    (average revenue per quarter over the window ≥ minRevenuePerQuarter) when one is set, else is
 *    A; else client. Without purchases the manual stage stays (potential/probable/prospect); a
 *    client whose purchases all moved away drops back to prospect.
 * 5. `changed` + `history`: only rows whose values differ are written, and every stage change gets
 *    a stage_history row in the same statement; every category change a category_history row (a
 *    client's first category is not a change).
 *
 * Archived and erased clients are classified too: their revenue is revenue, and reports must add up.
 *
 * $1 client ids (null: all), $2 windowMonths, $3 aShare, $4 bShare, $5 VIP rule type, $6 top n,
 * $7 min revenue, $8 lapsedDays, $9 key min revenue per quarter (null: category A), $10 currency.
 */
export const RECOMPUTE_SQL = `
  WITH params AS (
    SELECT now() - make_interval(months => $2::int) AS window_start,
           now() - make_interval(days => $8::int) AS lapsed_before
  ),
  fresh AS (
    SELECT p.client_id,
           min(p.purchased_at) AS first_purchase_at,
           max(p.purchased_at) AS last_purchase_at,
           count(*)::int AS purchase_count,
           COALESCE(sum(p.amount) FILTER (WHERE p.currency = $10), 0) AS revenue_total,
           COALESCE(sum(p.amount) FILTER (WHERE p.currency = $10 AND p.purchased_at >= params.window_start), 0)
             AS revenue_window
      FROM purchases p CROSS JOIN params
     WHERE $1::uuid[] IS NULL OR p.client_id = ANY ($1::uuid[])
     GROUP BY p.client_id
  ),
  scope AS (
    SELECT c.id, c.stage AS old_stage, c.category AS old_category, c.category_override, c.vip_flag,
           f.first_purchase_at, f.last_purchase_at,
           COALESCE(f.purchase_count, 0) AS purchase_count,
           COALESCE(f.revenue_total, 0) AS revenue_total,
           COALESCE(f.revenue_window, 0) AS revenue_window
      FROM clients c
      LEFT JOIN fresh f ON f.client_id = c.id
     WHERE $1::uuid[] IS NULL OR c.id = ANY ($1::uuid[])
  ),
  ranking_base AS (
    SELECT id, revenue_window FROM scope WHERE revenue_window > 0
    UNION ALL
    SELECT id, revenue_window FROM clients
     WHERE $1::uuid[] IS NOT NULL AND revenue_window > 0 AND NOT (id = ANY ($1::uuid[]))
  ),
  ranked AS (
    SELECT id, revenue_window, sum(revenue_window) OVER w - revenue_window AS before, row_number() OVER w AS rank
      FROM ranking_base
    WINDOW w AS (ORDER BY revenue_window DESC, id ROWS UNBOUNDED PRECEDING)
  ),
  cut_ranks AS (
    SELECT max(r.rank) FILTER (WHERE r.before < t.total * $3::numeric) AS a_rank,
           max(r.rank) FILTER (WHERE r.before < t.total * ($3::numeric + $4::numeric)) AS b_rank,
           least($6::int, count(*)) AS vip_rank
      FROM ranked r CROSS JOIN (SELECT sum(revenue_window) AS total FROM ranking_base) t
  ),
  cuts AS (
    SELECT a.revenue_window AS a_rev, a.id AS a_id, b.revenue_window AS b_rev, b.id AS b_id,
           v.revenue_window AS v_rev, v.id AS v_id
      FROM cut_ranks k
      LEFT JOIN LATERAL (SELECT * FROM ranked WHERE rank = k.a_rank LIMIT 1) a ON true
      LEFT JOIN LATERAL (SELECT * FROM ranked WHERE rank = k.b_rank LIMIT 1) b ON true
      LEFT JOIN LATERAL (SELECT * FROM ranked WHERE rank = k.vip_rank LIMIT 1) v ON true
  ),
  computed AS (
    SELECT s.*,
           CASE WHEN s.purchase_count = 0 THEN NULL
                WHEN s.revenue_window <= 0 THEN 'C'
                WHEN s.revenue_window > k.a_rev OR (s.revenue_window = k.a_rev AND s.id <= k.a_id) THEN 'A'
                WHEN s.revenue_window > k.b_rev OR (s.revenue_window = k.b_rev AND s.id <= k.b_id) THEN 'B'
                ELSE 'C' END AS computed_category,
           s.revenue_window > 0 AND COALESCE(
             CASE $5::text WHEN 'top-n' THEN s.revenue_window > k.v_rev OR (s.revenue_window = k.v_rev AND s.id <= k.v_id)
                           WHEN 'min-revenue' THEN s.revenue_window >= $7::numeric END,
             false) AS vip_by_rule
      FROM scope s CROSS JOIN cuts k
  ),
  categorized AS (
    SELECT c.*,
           COALESCE(c.category_override, CASE WHEN c.vip_flag OR c.vip_by_rule THEN 'VIP' END, c.computed_category)
             AS category
      FROM computed c
  ),
  staged AS (
    SELECT c.*,
           CASE WHEN c.purchase_count = 0 THEN
                  CASE WHEN c.old_stage IN ('client', 'key', 'lapsed') THEN 'prospect' ELSE c.old_stage END
                WHEN c.last_purchase_at < params.lapsed_before THEN 'lapsed'
                WHEN c.category = 'VIP' THEN 'key'
                WHEN $9::numeric IS NULL AND c.category = 'A' THEN 'key'
                WHEN $9::numeric IS NOT NULL AND c.revenue_window * 3 / $2::int >= $9::numeric THEN 'key'
                ELSE 'client' END AS stage
      FROM categorized c CROSS JOIN params
  ),
  changed AS (
    UPDATE clients c
       SET first_purchase_at = s.first_purchase_at,
           last_purchase_at = s.last_purchase_at,
           purchase_count = s.purchase_count,
           revenue_total = s.revenue_total,
           revenue_window = s.revenue_window,
           computed_category = s.computed_category,
           vip_by_rule = s.vip_by_rule,
           stage = s.stage,
           stage_changed_at = CASE WHEN c.stage IS DISTINCT FROM s.stage THEN now() ELSE c.stage_changed_at END,
           updated_at = now()
      FROM staged s
     WHERE c.id = s.id
       AND (c.first_purchase_at, c.last_purchase_at, c.purchase_count, c.revenue_total, c.revenue_window,
            c.computed_category, c.vip_by_rule, c.stage)
           IS DISTINCT FROM (s.first_purchase_at, s.last_purchase_at, s.purchase_count, s.revenue_total,
                             s.revenue_window, s.computed_category, s.vip_by_rule, s.stage)
    RETURNING c.id, s.old_stage, s.stage AS new_stage, s.old_category, s.category AS new_category,
              s.purchase_count
  ),
  history AS (
    INSERT INTO stage_history (client_id, from_stage, to_stage, cause, changed_at)
    SELECT id, old_stage, new_stage,
           'recompute:' || CASE WHEN purchase_count = 0 THEN 'no-purchases'
                                WHEN new_stage = 'lapsed' THEN 'lapsed'
                                WHEN new_stage = 'key' OR old_stage = 'key' THEN 'key'
                                ELSE 'purchase' END,
           now()
      FROM changed
     WHERE old_stage IS DISTINCT FROM new_stage
    RETURNING 1
  ),
  category_changes AS (
    INSERT INTO category_history (client_id, from_category, to_category, cause, changed_at)
    SELECT id, old_category, new_category, 'recompute', now()
      FROM changed
     WHERE old_category IS NOT NULL AND old_category IS DISTINCT FROM new_category
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM scope)::int AS clients,
         (SELECT count(*) FROM changed)::int AS updated,
         (SELECT count(*) FROM changed WHERE old_category IS DISTINCT FROM new_category)::int AS category_changes,
         (SELECT count(*) FROM history)::int AS stage_changes,
         (SELECT count(*) FROM category_changes)::int AS category_rows`;

/** Deletes the purchases with these external ids ($1), returning each one's id and client. */
export const DELETE_PURCHASES_BY_EXTERNAL_ID_SQL = `
  DELETE FROM purchases WHERE external_id = ANY($1::text[])
  RETURNING external_id, client_id`;
