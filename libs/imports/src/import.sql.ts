import { flagsClearedSql } from '@touchbase/clients';

/**
 * The SQL of imports, in one place. A batch is COPYed into a temporary staging table, matched to
 * existing clients set-based, then written with one statement per table.
 */

/** Serialises imports of one kind: batches of two imports never race on the same references. */
export const LOCK_IMPORT_KIND = `SELECT pg_advisory_xact_lock(hashtext('touchbase.import.' || $1))`;

/**
 * For the batch transaction. JIT off: the statements are short and their cost estimates large, so
 * PostgreSQL would spend more time compiling them (hundreds of ms each) than running them.
 */
export const BATCH_SETTINGS = `SET LOCAL jit = off`;

// ---------------------------------------------------------------------------------------------------
// Clients

export const CLIENT_STAGE_COLUMNS = [
  'row_no',
  'external_ref',
  'name',
  'kind',
  'email',
  'phone',
  'phone_mobile',
  'address_recipient',
  'address_lines',
  'address_city',
  'address_region',
  'address_postal_code',
  'address_country',
  'locale',
  'time_zone',
  'owner_id',
  'tags',
  'vip',
  'contact_name',
] as const;

export const CREATE_CLIENT_STAGE = `
  CREATE TEMP TABLE import_client_rows (
    row_no integer PRIMARY KEY,
    external_ref text,
    name text NOT NULL,
    kind text,
    email text,
    phone text,
    phone_mobile boolean,
    address_recipient text,
    address_lines text[],
    address_city text,
    address_region text,
    address_postal_code text,
    address_country text,
    locale text,
    time_zone text,
    owner_id uuid,
    tags text[],
    vip boolean,
    contact_name text
  ) ON COMMIT DROP`;

export const COPY_CLIENT_STAGE = `COPY import_client_rows (${CLIENT_STAGE_COLUMNS.join(', ')}) FROM STDIN`;

/**
 * The client each staged row means, in priority order: external reference, then email, then phone.
 * A row with a reference only falls back to email or phone for a client that has no reference of its
 * own (two ERP ids are two clients, even with a shared accounting email). Erased clients are never
 * matched; of several clients with the same email or phone, the oldest. (array_agg … HAVING, not
 * ORDER BY … LIMIT 1: with LIMIT the planner walks clients_created_idx, a full scan per row.) The
 * UNION ALL stops at the first branch that finds a client.
 */
const MATCHED_ROWS = `
  SELECT s.*, m.id AS client_id, m.matched_by
    FROM import_client_rows s
    LEFT JOIN LATERAL (
      (SELECT c.id, 'ref' AS matched_by FROM clients c
        WHERE s.external_ref IS NOT NULL AND c.external_ref = s.external_ref)
      UNION ALL
      (SELECT (array_agg(c.id ORDER BY c.created_at, c.id))[1], 'email' FROM clients c
        WHERE s.email IS NOT NULL AND c.email = s.email AND c.erased_at IS NULL
          AND (s.external_ref IS NULL OR c.external_ref IS NULL)
       HAVING count(*) > 0)
      UNION ALL
      (SELECT (array_agg(c.id ORDER BY c.created_at, c.id))[1], 'phone' FROM clients c
        WHERE s.phone IS NOT NULL AND c.phone = s.phone AND c.erased_at IS NULL
          AND (s.external_ref IS NULL OR c.external_ref IS NULL)
       HAVING count(*) > 0)
      LIMIT 1) m ON true`;

// An empty cell keeps what is stored: an import never erases data it was not given. phone_mobile
// goes with the phone it was computed from (staged non-null exactly when the phone is).
const CLIENT_NEW_VALUES = `
  COALESCE(s.external_ref, c.external_ref),
  s.name,
  COALESCE(s.kind, c.kind),
  COALESCE(s.email, c.email),
  COALESCE(s.phone, c.phone),
  CASE WHEN s.phone IS NULL THEN c.phone_mobile ELSE s.phone_mobile END,
  COALESCE(s.address_recipient, c.address_recipient),
  COALESCE(s.address_lines, c.address_lines),
  COALESCE(s.address_city, c.address_city),
  COALESCE(s.address_region, c.address_region),
  COALESCE(s.address_postal_code, c.address_postal_code),
  COALESCE(s.address_country, c.address_country),
  COALESCE(s.locale, c.locale),
  COALESCE(s.time_zone, c.time_zone),
  COALESCE(s.owner_id, c.owner_id),
  COALESCE(s.tags, c.tags),
  COALESCE(s.vip, c.vip_flag),
  COALESCE(s.contact_name, c.contact_name)`;

const CLIENT_STORED_VALUES = `
  c.external_ref, c.name, c.kind, c.email, c.phone, c.phone_mobile, c.address_recipient, c.address_lines, c.address_city,
  c.address_region, c.address_postal_code, c.address_country, c.locale, c.time_zone, c.owner_id, c.tags,
  c.vip_flag, c.contact_name`;

/**
 * One statement per batch: matches the staged rows, updates the matched clients that really change,
 * inserts the new ones with their first stage-history row ($1 = actor, $2 = default locale). Two rows
 * that land on the same client: the first wins, the others come back as conflicts. The statement-level
 * trigger on clients gives the new clients their preferences.
 */
export const WRITE_CLIENTS = `
  WITH matched AS (${MATCHED_ROWS}
  ), s AS (
    SELECT m.*,
           CASE WHEN m.client_id IS NULL THEN m.row_no
                ELSE min(m.row_no) OVER (PARTITION BY m.client_id) END AS first_row
      FROM matched m
  ), updated AS (
    UPDATE clients c SET
      (external_ref, name, kind, email, phone, phone_mobile, address_recipient, address_lines, address_city,
       address_region, address_postal_code, address_country, locale, time_zone, owner_id, tags, vip_flag,
       contact_name) = (${CLIENT_NEW_VALUES}),
      -- new contact data is no longer known to be bad
      contact_flags = CASE
        WHEN s.email IS NOT NULL AND s.email IS DISTINCT FROM c.email
          OR s.phone IS NOT NULL AND s.phone IS DISTINCT FROM c.phone
          OR s.address_lines IS NOT NULL AND s.address_lines IS DISTINCT FROM c.address_lines
        THEN ${flagsClearedSql('c.contact_flags', {
          email: 's.email IS NOT NULL AND s.email IS DISTINCT FROM c.email',
          phone: 's.phone IS NOT NULL AND s.phone IS DISTINCT FROM c.phone',
          address: 's.address_lines IS NOT NULL AND s.address_lines IS DISTINCT FROM c.address_lines',
        })}
        ELSE c.contact_flags END,
      updated_at = now()
    FROM s
    WHERE s.client_id = c.id AND s.first_row = s.row_no
      AND ROW(${CLIENT_STORED_VALUES}) IS DISTINCT FROM ROW(${CLIENT_NEW_VALUES})
    RETURNING c.id
  ), inserted AS (
    INSERT INTO clients (external_ref, name, kind, email, phone, phone_mobile, address_recipient, address_lines,
                         address_city, address_region, address_postal_code, address_country, locale, time_zone,
                         owner_id, tags, vip_flag, contact_name, stage_changed_at)
    SELECT s.external_ref, s.name, COALESCE(s.kind, 'company'), s.email, s.phone, s.phone_mobile, s.address_recipient,
           COALESCE(s.address_lines, '{}'), s.address_city, s.address_region, s.address_postal_code,
           s.address_country, COALESCE(s.locale, $2), s.time_zone, s.owner_id, COALESCE(s.tags, '{}'),
           COALESCE(s.vip, false), s.contact_name, now()
      FROM s
     WHERE s.client_id IS NULL
     ORDER BY s.row_no
    RETURNING id, stage
  ), history AS (
    INSERT INTO stage_history (client_id, from_stage, to_stage, cause, actor_id, changed_at)
    SELECT id, NULL, stage, 'import', $1, now() FROM inserted
  )
  SELECT (SELECT count(*) FROM updated)::int AS updated,
         (SELECT count(*) FROM inserted)::int AS created,
         (SELECT count(*) FROM s WHERE client_id IS NOT NULL AND first_row = row_no)::int AS matched,
         (SELECT COALESCE(json_agg(json_build_object('row', row_no, 'firstRow', first_row, 'matchedBy', matched_by)
                                   ORDER BY row_no), '[]')
            FROM s WHERE first_row <> row_no) AS conflicts`;

// ---------------------------------------------------------------------------------------------------
// Preferences and purchases: which client a row means (reference, then email, then phone)

export const RESOLVE_CLIENTS = `
  SELECT r.row_no,
         COALESCE(
           (SELECT c.id FROM clients c WHERE r.ref IS NOT NULL AND c.external_ref = r.ref),
           (SELECT (array_agg(c.id ORDER BY c.created_at, c.id))[1] FROM clients c
             WHERE r.email IS NOT NULL AND c.email = r.email AND c.erased_at IS NULL),
           (SELECT (array_agg(c.id ORDER BY c.created_at, c.id))[1] FROM clients c
             WHERE r.phone IS NOT NULL AND c.phone = r.phone AND c.erased_at IS NULL)) AS client_id
    FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS r(row_no, ref, email, phone)`;

// ---------------------------------------------------------------------------------------------------
// Reports

/** All errors of a batch in one statement ($2: a JSON array of {row_number, column_name, message, raw}). */
export const INSERT_IMPORT_ERRORS = `
  INSERT INTO import_errors (import_id, row_number, column_name, message, raw)
  SELECT $1, e.row_number, e.column_name, e.message, e.raw
    FROM jsonb_to_recordset($2::jsonb) AS e(row_number integer, column_name text, message text, raw jsonb)`;

/** The failed rows after row $2, each with its row as read and its messages («column: message»). */
export const FAILED_ROWS_PAGE = `
  SELECT e.row_number,
         (array_agg(e.raw ORDER BY e.id) FILTER (WHERE e.raw IS NOT NULL))[1] AS raw,
         array_agg(CASE WHEN e.column_name IS NULL THEN e.message ELSE e.column_name || ': ' || e.message END
                   ORDER BY e.id) AS messages
    FROM import_errors e
   WHERE e.import_id = $1 AND e.row_number > $2
   GROUP BY e.row_number
   ORDER BY e.row_number
   LIMIT $3`;
