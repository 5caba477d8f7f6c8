/** The email channel's SQL, in one place. */

/**
 * Hard bounces, set-based in one statement: counts them on the clients, marks the address invalid
 * (`email-invalid` in contact_flags) on reaching the limit, and writes the consent-log row for each
 * address newly marked. The planner and the send-time check then skip email for them, and the
 * verification reports list them. $1 client ids (one per bounce), $2 the limit
 */
export const RECORD_BOUNCES_SQL = `
  WITH hits AS (
    SELECT client_id, count(*)::int AS n FROM unnest($1::uuid[]) AS client_id GROUP BY client_id
  ), locked AS (
    SELECT c.id, c.contact_flags AS old_flags
      FROM clients c JOIN hits h ON h.client_id = c.id
     ORDER BY c.id
       FOR UPDATE OF c
  ), bumped AS (
    UPDATE clients c
       SET email_hard_bounces = c.email_hard_bounces + h.n,
           contact_flags = CASE
             WHEN c.email_hard_bounces + h.n >= $2 AND NOT ('email-invalid' = ANY(c.contact_flags))
               THEN array_append(c.contact_flags, 'email-invalid')
             ELSE c.contact_flags
           END,
           updated_at = now()
      FROM hits h JOIN locked l ON l.id = h.client_id
     WHERE c.id = h.client_id
    RETURNING c.id, c.email, c.email_hard_bounces,
              'email-invalid' = ANY(c.contact_flags) AND NOT ('email-invalid' = ANY(l.old_flags)) AS invalidated
  ), logged AS (
    INSERT INTO consent_log (client_id, actor_type, source, item, old_value, new_value)
    SELECT id, 'system', 'bounce', 'contact.email',
           jsonb_build_object('email', email, 'valid', true),
           jsonb_build_object('email', email, 'valid', false, 'hardBounces', email_hard_bounces)
      FROM bumped WHERE invalidated
    RETURNING client_id
  )
  SELECT id AS client_id, email_hard_bounces AS bounces, invalidated FROM bumped`;

/** An address that took a message is not failing: hard bounces count in a row. $1 client ids */
export const CLEAR_BOUNCES_SQL = `
  UPDATE clients SET email_hard_bounces = 0, updated_at = now()
   WHERE id = ANY($1::uuid[]) AND email_hard_bounces > 0`;
