import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { rowsOf } from '@touchbase/database';

/** How long a key and its stored answer are kept: a retry within this time gets the same answer. */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;
/** How long a call holds its key; a process that died mid-call frees the key after this. */
export const IDEMPOTENCY_LEASE_MINUTES = 15;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** What claiming a key found. */
export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'in-progress' }
  | { kind: 'mismatch' };

interface KeyRow {
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
  running: boolean;
}

/** The fingerprint of a request: method, path and body, so a key reused for another request is told apart. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

/**
 * The idempotency_keys table. A key is claimed in its own short transaction before the call runs
 * (so a concurrent call with the same key sees it and is refused), answered when the call succeeds,
 * and released when it fails, so that a failed call may be retried with the same key.
 */
@Injectable()
export class IdempotencyService {
  constructor(private readonly dataSource: DataSource) {}

  async claim(scope: string, key: string, hash: string): Promise<IdempotencyClaim> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at <= now()`,
        [scope, key],
      );
      const inserted = rowsOf<{ key: string }>(
        await manager.query(
          `INSERT INTO idempotency_keys (scope, key, request_hash, locked_until, expires_at)
           VALUES ($1, $2, $3, now() + make_interval(mins => $4), now() + make_interval(hours => $5))
           ON CONFLICT (scope, key) DO NOTHING
           RETURNING key`,
          [scope, key, hash, IDEMPOTENCY_LEASE_MINUTES, IDEMPOTENCY_KEY_TTL_HOURS],
        ),
      );
      if (inserted.length > 0) return { kind: 'claimed' };
      const [row] = rowsOf<KeyRow>(
        await manager.query(
          `SELECT request_hash, response_status, response_body,
                  (locked_until IS NOT NULL AND locked_until > now()) AS running
             FROM idempotency_keys WHERE scope = $1 AND key = $2 FOR UPDATE`,
          [scope, key],
        ),
      );
      // Gone between the two statements (released by a failed call): this one may run.
      if (!row) return this.claim(scope, key, hash);
      if (row.request_hash !== hash) return { kind: 'mismatch' };
      if (row.response_status !== null) {
        return { kind: 'replay', response: { status: row.response_status, body: row.response_body } };
      }
      if (row.running) return { kind: 'in-progress' };
      // The call that held the key died without an answer: its lease is over, this one takes it.
      await manager.query(
        `UPDATE idempotency_keys SET locked_until = now() + make_interval(mins => $3)
          WHERE scope = $1 AND key = $2`,
        [scope, key, IDEMPOTENCY_LEASE_MINUTES],
      );
      return { kind: 'claimed' };
    });
  }

  /** Stores the answer of a call that succeeded; expired keys are swept a few at a time. */
  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys
          SET response_status = $3, response_body = $4::jsonb, completed_at = now(), locked_until = NULL
        WHERE scope = $1 AND key = $2`,
      [scope, key, response.status, JSON.stringify(response.body ?? null)],
    );
    await this.dataSource.query(
      `DELETE FROM idempotency_keys
        WHERE (scope, key) IN (SELECT scope, key FROM idempotency_keys WHERE expires_at <= now() LIMIT 500)`,
    );
  }

  /** A call that failed changed nothing: its key is free again. */
  async release(scope: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND response_status IS NULL`,
      [scope, key],
    );
  }
}
