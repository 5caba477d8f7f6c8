import { flagsClearedSql } from './contact-flag.enum';

/**
 * The SQL of the bulk upsert by external reference, in one place: the records arrive as one JSON
 * array (jsonb_to_recordset), matched to clients by reference, and written with one statement.
 */

/** A synced column: its SQL type and the Client property named in client.updated's `changed`. */
const SYNC_COLUMNS: readonly { col: string; type: string; prop: string }[] = [
  { col: 'name', type: 'text', prop: 'name' },
  { col: 'kind', type: 'text', prop: 'kind' },
  { col: 'contact_name', type: 'text', prop: 'contactName' },
  { col: 'email', type: 'text', prop: 'email' },
  { col: 'phone', type: 'text', prop: 'phone' },
  { col: 'phone_mobile', type: 'boolean', prop: 'phoneMobile' },
  { col: 'address_recipient', type: 'text', prop: 'addressRecipient' },
  { col: 'address_lines', type: 'text[]', prop: 'addressLines' },
  { col: 'address_city', type: 'text', prop: 'addressCity' },
  { col: 'address_region', type: 'text', prop: 'addressRegion' },
  { col: 'address_postal_code', type: 'text', prop: 'addressPostalCode' },
  { col: 'address_country', type: 'text', prop: 'addressCountry' },
  { col: 'locale', type: 'text', prop: 'locale' },
  { col: 'time_zone', type: 'text', prop: 'timeZone' },
  { col: 'owner_id', type: 'uuid', prop: 'ownerId' },
  { col: 'tags', type: 'text[]', prop: 'tags' },
  { col: 'vip_flag', type: 'boolean', prop: 'vipFlag' },
  { col: 'category_override', type: 'text', prop: 'categoryOverride' },
];

/** The columns a record may set, as named in its `present` list (archived_at comes from `archived`). */
export type SyncColumn = (typeof SYNC_COLUMNS)[number]['col'] | 'archived_at';

const ALL = [...SYNC_COLUMNS.map((c) => c.col), 'archived_at'];
// A new value: the record's when it gives the field, else the stored one.
const newValue = (col: string) =>
  col === 'archived_at'
    ? `CASE WHEN 'archived_at' = ANY(s.present)
            THEN CASE WHEN s.archived THEN COALESCE(o.archived_at, now()) END ELSE o.archived_at END`
    : col === 'phone_mobile'
      ? `CASE WHEN 'phone' = ANY(s.present) THEN s.phone_mobile ELSE o.phone_mobile END`
      : `CASE WHEN '${col}' = ANY(s.present) THEN s.${col} ELSE o.${col} END`;
const changedList = [...SYNC_COLUMNS, { col: 'archived_at', prop: 'archivedAt' }]
  .map((c) => `CASE WHEN n.${c.col} IS DISTINCT FROM o.${c.col} THEN '${c.prop}' END`)
  .join(',\n               ');

/**
 * One statement per call ($1 = records as JSON, $2 = default locale, $3 = actor): locks the clients
 * the references name, updates the ones whose data really changes (clearing contact flags that new
 * contact data makes stale), inserts the new ones with their first stage, and records category
 * changes. Returns one row per written, unchanged or refused record. New clients get their
 * preferences from the statement-level trigger on clients.
 */
export const UPSERT_CLIENTS_BY_REF = `
  WITH s AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(
      pos integer, external_ref text, present text[], archived boolean,
      ${SYNC_COLUMNS.map((c) => `${c.col} ${c.type}`).join(', ')})
  ), o AS (
    SELECT c.* FROM clients c WHERE c.external_ref IN (SELECT external_ref FROM s) FOR UPDATE
  ), n AS (
    SELECT s.pos, o.id, ${ALL.map((col) => `${newValue(col)} AS ${col}`).join(',\n           ')}
      FROM s JOIN o ON o.external_ref = s.external_ref
  ), d AS (
    SELECT n.*, o.category AS old_category, o.owner_id AS old_owner_id,
           array_remove(ARRAY[
               ${changedList}], NULL) AS changed
      FROM n JOIN o ON o.id = n.id
  ), updated AS (
    UPDATE clients c SET
      (${ALL.join(', ')}) = (${ALL.map((col) => `d.${col}`).join(', ')}),
      contact_flags = ${flagsClearedSql('c.contact_flags', {
        email: `'email' = ANY(d.changed)`,
        phone: `'phone' = ANY(d.changed)`,
        address: `'addressLines' = ANY(d.changed)`,
      })},
      updated_at = now()
    FROM d
    WHERE c.id = d.id AND cardinality(d.changed) > 0
    RETURNING c.id, c.external_ref, c.stage, c.category, c.archived_at, c.owner_id
  ), inserted AS (
    INSERT INTO clients (external_ref, ${ALL.join(', ')}, stage_changed_at)
    SELECT s.external_ref, s.name, COALESCE(s.kind, 'company'), s.contact_name, s.email, s.phone, s.phone_mobile,
           s.address_recipient, COALESCE(s.address_lines, '{}'), s.address_city, s.address_region,
           s.address_postal_code, s.address_country, COALESCE(s.locale, $2), s.time_zone, s.owner_id,
           COALESCE(s.tags, '{}'), COALESCE(s.vip_flag, false), s.category_override,
           CASE WHEN s.archived THEN now() END, now()
      FROM s
     WHERE s.name IS NOT NULL AND NOT EXISTS (SELECT 1 FROM o WHERE o.external_ref = s.external_ref)
     ORDER BY s.pos
    ON CONFLICT (external_ref) DO NOTHING
    RETURNING id, external_ref, stage, category, archived_at
  ), stages AS (
    INSERT INTO stage_history (client_id, from_stage, to_stage, cause, actor_id, changed_at)
    SELECT id, NULL, stage, 'created', $3, now() FROM inserted
  ), categories AS (
    INSERT INTO category_history (client_id, from_category, to_category, cause, actor_id, changed_at)
    SELECT u.id, d.old_category, u.category, 'manual', $3, now()
      FROM updated u JOIN d ON d.id = u.id
     WHERE u.category IS DISTINCT FROM d.old_category
  )
  SELECT 'created' AS status, s.pos, i.id, i.external_ref, i.stage, i.category,
         i.archived_at IS NOT NULL AS archived, NULL::text[] AS changed,
         false AS owner_changed, NULL::uuid AS owner_id
    FROM inserted i JOIN s ON s.external_ref = i.external_ref
  UNION ALL
  SELECT 'updated', d.pos, u.id, u.external_ref, u.stage, u.category, u.archived_at IS NOT NULL, d.changed,
         u.owner_id IS DISTINCT FROM d.old_owner_id, u.owner_id
    FROM updated u JOIN d ON d.id = u.id
  UNION ALL
  SELECT 'unchanged', d.pos, d.id, NULL, NULL, NULL, NULL, NULL, false, NULL FROM d WHERE cardinality(d.changed) = 0
  UNION ALL
  SELECT 'no-name', s.pos, NULL, s.external_ref, NULL, NULL, NULL, NULL, false, NULL
    FROM s WHERE s.name IS NULL AND NOT EXISTS (SELECT 1 FROM o WHERE o.external_ref = s.external_ref)`;

/** Archives the clients with these references ($1) that are not archived yet. */
export const ARCHIVE_CLIENTS_BY_REF = `
  UPDATE clients SET archived_at = now(), updated_at = now()
   WHERE external_ref = ANY($1::text[]) AND archived_at IS NULL
  RETURNING id, external_ref, stage, category`;

/** Which of these references ($1) a client has, with its id and whether it is archived. */
export const FIND_CLIENTS_BY_REF = `
  SELECT id, external_ref, archived_at IS NOT NULL AS archived
    FROM clients WHERE external_ref = ANY($1::text[])`;
