import { DeliveryStatus, sqlValue } from '@touchbase/runs';
import { LetterBatchStatus } from './entities/letter-batch.entity';

/** The letter batches' SQL, in one place. */

/** Cancelling a run fails its batches not yet mailed (registered with runs). $1 run */
export const FAIL_BATCHES_OF_RUN_SQL = `
  UPDATE letter_batches SET status = '${LetterBatchStatus.Failed}', message = 'The run was cancelled', updated_at = now()
   WHERE run_id = $1 AND status IN ('${LetterBatchStatus.Building}', '${LetterBatchStatus.Ready}')`;

/**
 * The run's batch still taking letters. FOR UPDATE waits for a build in progress (it holds the row),
 * and then sees the batch ready: late letters go to a new batch, never into a PDF already made.
 * $1 run id
 */
export const OPEN_BATCH_SQL = `
  SELECT id FROM letter_batches WHERE run_id = $1 AND status = ${sqlValue(LetterBatchStatus.Building)} ORDER BY created_at LIMIT 1 FOR UPDATE`;

export const CREATE_BATCH_SQL = `INSERT INTO letter_batches (run_id) VALUES ($1) RETURNING id`;

/** The batch to build, unless another process is building it. $1 batch */
export const LOCK_BATCH_FOR_BUILD_SQL = `
  SELECT b.id, b.run_id, r.status AS run_status, r.period_key, ca.name AS campaign_name
    FROM letter_batches b
    JOIN runs r ON r.id = b.run_id
    LEFT JOIN campaigns ca ON ca.id = r.campaign_id
   WHERE b.id = $1 AND b.status = ${sqlValue(LetterBatchStatus.Building)}
     FOR UPDATE OF b SKIP LOCKED`;

/**
 * Whether letters of the run may still come: due (or soon due: retries) and not yet claimed, or
 * claimed by a worker that has not attached them yet. Letters deferred further (caps) go to a later batch.
 * $1 run, $2 seconds ahead
 */
export const LETTERS_PENDING_SQL = `
  SELECT EXISTS (
    SELECT 1 FROM deliveries d
     WHERE d.run_id = $1 AND d.channel = 'letter'
       AND ((d.status = ${sqlValue(DeliveryStatus.Queued)} AND d.due_at <= now() + make_interval(secs => $2))
            OR (d.status = ${sqlValue(DeliveryStatus.Sending)} AND d.letter_batch_id IS NULL))
  ) AS pending`;

/**
 * The batch's letters, read through a cursor in the build's transaction: one pass over the run's
 * deliveries (by the run index), fetched a page at a time. $1 run, $2 batch
 */
export const DECLARE_BATCH_LETTERS_SQL = `
  DECLARE batch_letters NO SCROLL CURSOR FOR
  SELECT d.id::text AS id, d.meta->'letter' AS letter
    FROM deliveries d
   WHERE d.run_id = $1 AND d.status = ${sqlValue(DeliveryStatus.Sending)} AND d.letter_batch_id = $2
   ORDER BY d.id`;

export const FETCH_BATCH_LETTERS_SQL = (n: number) => `FETCH ${Math.trunc(n)} FROM batch_letters`;

export const BATCH_READY_SQL = `
  UPDATE letter_batches
     SET status = ${sqlValue(LetterBatchStatus.Ready)}, letters = $2, pages = $3, file_path = $4, file_bytes = $5, message = NULL, updated_at = now()
   WHERE id = $1`;

export const BATCH_FAILED_SQL = `
  UPDATE letter_batches SET status = ${sqlValue(LetterBatchStatus.Failed)}, message = $2, updated_at = now() WHERE id = $1 AND status = ${sqlValue(LetterBatchStatus.Building)}`;

/** A failed build is retried; the message says why it has not worked so far. $1 batch, $2 message */
export const BATCH_BUILD_ERROR_SQL = `
  UPDATE letter_batches SET message = $2, updated_at = now() WHERE id = $1 AND status = ${sqlValue(LetterBatchStatus.Building)}`;

/** Batches a sweep looks at: every building one (the check is cheap and SKIP LOCKED). */
export const BUILDING_BATCHES_SQL = `SELECT id FROM letter_batches WHERE status = ${sqlValue(LetterBatchStatus.Building)} ORDER BY created_at LIMIT 100`;

/** A signature image (bytes never travel with the signer entity). $1 signer */
export const SIGNATURE_SQL = `SELECT signature_image FROM signers WHERE id = $1 AND signature_image IS NOT NULL`;

/**
 * A batch with what its list shows: campaign and period, and the letters so far while building.
 * `seq`: the batch's number within its run (a later batch takes letters deferred past the first).
 */
export const BATCH_SELECT = `
  SELECT b.id, b.run_id, b.status, b.pages, b.file_path, b.file_bytes::text AS file_bytes, b.message,
         b.mailed_at, b.mailed_by, b.created_at, b.updated_at, b.created_at::text AS created_key,
         CASE WHEN b.status = ${sqlValue(LetterBatchStatus.Building)}
              THEN (SELECT count(*)::int FROM deliveries d WHERE d.run_id = b.run_id AND d.letter_batch_id = b.id)
              ELSE b.letters END AS letters,
         (SELECT count(*)::int FROM deliveries d
           WHERE d.run_id = b.run_id AND d.letter_batch_id = b.id
             AND COALESCE((d.meta->'letter'->'signer'->>'hasSignature')::boolean, false) = false) AS unsigned,
         r.period_key, r.campaign_id, ca.name AS campaign_name,
         (SELECT count(*)::int FROM letter_batches b2
           WHERE b2.run_id = b.run_id AND (b2.created_at, b2.id) <= (b.created_at, b.id)) AS seq
    FROM letter_batches b
    JOIN runs r ON r.id = b.run_id
    LEFT JOIN campaigns ca ON ca.id = r.campaign_id`;

/** A delivery and, when it is a letter, its batch. $1 delivery */
export const RETURNED_DELIVERY_SQL = `
  SELECT d.id::text AS id, d.channel, d.status, d.client_id, c.name AS client_name, d.meta->'returned' AS returned,
         b.status AS batch_status
    FROM deliveries d
    JOIN clients c ON c.id = d.client_id
    LEFT JOIN letter_batches b ON b.id = d.letter_batch_id
   WHERE d.id = $1
     FOR UPDATE OF d`;

/** The letters of a batch with their return (if any), by delivery id: `$1` batch, `$2` after id, `$3` limit. */
export const BATCH_LETTERS_SQL = `
  SELECT d.id::text AS id, d.id AS key, d.client_id, c.name AS client_name, d.status, d.sent_at,
         d.meta->'returned' AS returned, c.contact_flags
    FROM deliveries d
    JOIN clients c ON c.id = d.client_id
   WHERE d.letter_batch_id = $1 AND ($2::bigint IS NULL OR d.id > $2::bigint)
   ORDER BY d.id
   LIMIT $3`;
