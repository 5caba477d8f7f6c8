import { EntityManager } from 'typeorm';
import { ContactFlag, hasFlagSql } from './contact-flag.enum';

/** The writes other libraries make to a client's contact bookkeeping, in one place. */

/** A client's postal address, as people read and change it. */
export interface PostalAddress {
  recipient: string | null;
  lines: string[];
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

/** Flags a client's contact data (idempotent). */
export async function flagContact(
  manager: EntityManager,
  clientId: string,
  flag: ContactFlag,
): Promise<void> {
  await manager.query(
    `UPDATE clients SET contact_flags = array_append(contact_flags, $2), updated_at = now()
      WHERE id = $1 AND NOT ($2 = ANY(contact_flags))`,
    [clientId, flag],
  );
}

/** Lifts a flag (e.g. SMS START). */
export async function unflagContact(
  manager: EntityManager,
  clientId: string,
  flag: ContactFlag,
): Promise<void> {
  await manager.query(
    `UPDATE clients SET contact_flags = array_remove(contact_flags, $2), updated_at = now()
      WHERE id = $1 AND $2 = ANY(contact_flags)`,
    [clientId, flag],
  );
}

/** Touches feed segments ("last touch") and reports. */
export async function markTouched(manager: EntityManager, clientIds: string[]): Promise<void> {
  if (clientIds.length === 0) return;
  await manager.query(
    `UPDATE clients SET last_touch_at = now()
      WHERE id = ANY($1::uuid[]) AND (last_touch_at IS NULL OR last_touch_at < now())`,
    [clientIds],
  );
}

/**
 * Touches the clients a query names (a `client_id` column), set-based: a batch of any size never
 * travels through the process. Returns how many clients were touched.
 */
export async function markTouchedFrom(
  manager: EntityManager,
  clientsSql: string,
  params: unknown[],
): Promise<number> {
  const [, count]: [unknown[], number] = await manager.query(
    `UPDATE clients c SET last_touch_at = now()
       FROM (${clientsSql}) m
      WHERE c.id = m.client_id AND (c.last_touch_at IS NULL OR c.last_touch_at < now())
     RETURNING c.id`,
    params,
  );
  return count;
}

/** The client confirmed its contact data (a verification call reached it). */
export async function markContactVerified(manager: EntityManager, clientId: string): Promise<void> {
  await manager.query(`UPDATE clients SET contact_verified_at = now(), updated_at = now() WHERE id = $1`, [
    clientId,
  ]);
}

/**
 * Hard bounces, set-based in one statement: counts them on the clients and marks the address invalid
 * on reaching `limit`. One entry per bounce (a client may appear twice); returns, per client, the
 * count and whether this call marked the address invalid (with the address, for the consent log).
 */
export async function recordHardBounces(
  manager: EntityManager,
  clientIds: string[],
  limit: number,
): Promise<{ client_id: string; email: string | null; bounces: number; invalidated: boolean }[]> {
  const invalid = `'${ContactFlag.EmailInvalid}'`;
  return manager.query(
    `WITH hits AS (
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
                WHEN c.email_hard_bounces + h.n >= $2 AND NOT ${hasFlagSql(ContactFlag.EmailInvalid)}
                  THEN array_append(c.contact_flags, ${invalid})
                ELSE c.contact_flags
              END,
              updated_at = now()
         FROM hits h JOIN locked l ON l.id = h.client_id
        WHERE c.id = h.client_id
       RETURNING c.id, c.email, c.email_hard_bounces,
                 ${hasFlagSql(ContactFlag.EmailInvalid)} AND NOT (${invalid} = ANY(l.old_flags)) AS invalidated
     )
     SELECT id AS client_id, email, email_hard_bounces AS bounces, invalidated FROM bumped`,
    [clientIds, limit],
  );
}

/** An address that took a message is not failing: hard bounces count in a row. */
export async function clearHardBounces(manager: EntityManager, clientIds: string[]): Promise<void> {
  if (clientIds.length === 0) return;
  await manager.query(
    `UPDATE clients SET email_hard_bounces = 0, updated_at = now()
      WHERE id = ANY($1::uuid[]) AND email_hard_bounces > 0`,
    [clientIds],
  );
}

/**
 * The client's own contact data, as the client has just confirmed it: written whole, the flags the
 * change clears lifted, hard bounces reset for a new address, and verified now.
 */
export async function confirmContactData(
  manager: EntityManager,
  clientId: string,
  contact: {
    email: string | null;
    phone: string | null;
    phoneMobile: boolean | null;
    address: PostalAddress;
  },
  cleared: ContactFlag[],
): Promise<void> {
  const a = contact.address;
  await manager.query(
    `UPDATE clients
        SET email = $2, phone = $3, phone_mobile = $4, address_recipient = $5, address_lines = $6,
            address_city = $7, address_region = $8, address_postal_code = $9, address_country = $10,
            contact_flags = ARRAY(SELECT f FROM unnest(contact_flags) f WHERE f <> ALL ($11::text[])),
            email_hard_bounces = CASE WHEN email IS DISTINCT FROM $2 THEN 0 ELSE email_hard_bounces END,
            contact_verified_at = now(), updated_at = now()
      WHERE id = $1`,
    [
      clientId,
      contact.email,
      contact.phone,
      contact.phoneMobile,
      a.recipient,
      a.lines,
      a.city,
      a.region,
      a.postalCode,
      a.country,
      cleared,
    ],
  );
}
