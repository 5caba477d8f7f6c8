import { CallTaskStatus } from './entities/call-task.entity';

/** The call tasks' SQL, in one place. */

/** Cancelling a run cancels its open call tasks (registered with runs). $1 run */
export const CANCEL_TASKS_OF_RUN_SQL = `
  UPDATE call_tasks SET status = '${CallTaskStatus.Cancelled}', updated_at = now()
   WHERE status = '${CallTaskStatus.Open}' AND delivery_id IN (SELECT id FROM deliveries WHERE run_id = $1)`;

/**
 * One task per delivery, for the client's owner while that owner is active (else the queue: no owner).
 * A delivery taken back after a crash finds its task and gets the same id.
 * $1 delivery ids, $2 client ids, $3 owner ids, $4 campaign ids, $5 due times, $6 scripts
 */
export const CREATE_CALL_TASKS_SQL = `
  INSERT INTO call_tasks (delivery_id, client_id, owner_id, campaign_id, due_at, script)
  SELECT u.delivery_id, u.client_id, o.id, u.campaign_id, u.due_at, u.script
    FROM unnest($1::bigint[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::text[])
         AS u(delivery_id, client_id, owner_id, campaign_id, due_at, script)
    LEFT JOIN staff_members o ON o.id = u.owner_id AND o.active
  ON CONFLICT (delivery_id) DO UPDATE SET updated_at = call_tasks.updated_at
  RETURNING id, delivery_id::text`;

/** A task with what the caller needs on one screen: the client, its owner, the campaign. */
export const TASK_SELECT = `
  SELECT t.id, t.delivery_id::text AS delivery_id, t.status, t.outcome, t.due_at, t.due_at::text AS due_key, t.attempts, t.script, t.notes,
         t.completed_at, t.completed_by, t.created_at, t.updated_at,
         t.owner_id, o.name AS owner_name, o.email AS owner_email,
         c.id AS client_id, c.name AS client_name, c.phone AS client_phone, c.email AS client_email,
         c.category AS client_category, c.stage AS client_stage, c.contact_flags AS client_contact_flags,
         c.owner_id AS client_owner_id, co.name AS client_owner_name, co.email AS client_owner_email,
         t.campaign_id, ca.name AS campaign_name, d.status AS delivery_status
    FROM call_tasks t
    JOIN clients c ON c.id = t.client_id
    JOIN deliveries d ON d.id = t.delivery_id
    LEFT JOIN campaigns ca ON ca.id = t.campaign_id
    LEFT JOIN staff_members o ON o.id = t.owner_id
    LEFT JOIN staff_members co ON co.id = c.owner_id`;

/**
 * The next calling slot after a call nobody answered: the next day after `now` in the client's zone (the
 * next business day of the workspace calendar when calls keep to business days), at the local time the
 * task was due, moved into the calling window less the client's quiet hours by tb_next_opening. NULL
 * when the client's quiet hours leave nothing of the window.
 * $1 client, $2 now, $3 current due time, $4 workspace zone, $5 window open, $6 window close,
 * $7 business days only, $8 days off, $9 working weekend days
 */
export const NEXT_CALL_SLOT_SQL = `
  WITH z AS (
    SELECT COALESCE(c.time_zone, $4::text) AS tz, p.quiet_hours_start AS qs, p.quiet_hours_end AS qe
      FROM clients c
      LEFT JOIN client_preferences p ON p.client_id = c.id
     WHERE c.id = $1
  ), d AS (
    SELECT z.*,
           (SELECT g::date
              FROM generate_series((($2::timestamptz AT TIME ZONE z.tz)::date + 1)::timestamp,
                                   (($2::timestamptz AT TIME ZONE z.tz)::date + 367)::timestamp, interval '1 day') g
             WHERE NOT $7::boolean OR tb_is_business_day(g::date, $8::date[], $9::date[])
             ORDER BY g LIMIT 1) AS day
      FROM z
  )
  SELECT tb_next_opening((day + ($3::timestamptz AT TIME ZONE tz)::time) AT TIME ZONE tz,
                         tz, $5::time, $6::time, $7::boolean, qs, qe, $8::date[], $9::date[]) AS next
    FROM d`;

/**
 * A contact-verification call that reached the client verifies its contact data (playbook 004, 1):
 * the caller read the data out and entered the corrections. Whether a campaign is one. $1 campaign
 */
export const IS_VERIFICATION_CAMPAIGN_SQL = `
  SELECT EXISTS (SELECT 1 FROM campaigns ca
                  WHERE ca.id = $1
                    AND (ca.playbook_key = 'contact-verification' OR ca.templates->>'call' = 'contact-verification-call'))
         AS verification`;

/** Clients moved to another owner take their open call tasks along (registered with clients). $1 client ids, $2 owner */
export const MOVE_OPEN_TASKS_OF_CLIENTS_SQL = `
  UPDATE call_tasks SET owner_id = $2, updated_at = now()
   WHERE status = '${CallTaskStatus.Open}' AND client_id = ANY($1::uuid[]) AND owner_id IS DISTINCT FROM $2`;
