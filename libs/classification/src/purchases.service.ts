import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { decodeCursor, encodeCursor, Page } from '@touchbase/core';
import { rowsOf } from '@touchbase/database';
import { ClassificationService } from './classification.service';
import {
  DELETE_PURCHASES_BY_EXTERNAL_ID_SQL,
  LIST_PURCHASES_SQL,
  RESOLVE_CLIENTS_SQL,
  UPSERT_PURCHASES_SQL,
} from './classification.sql';
import { Purchase } from './entities/purchase.entity';
import {
  parsePurchaseItem,
  PurchaseFieldError,
  PurchaseParseContext,
  PurchaseRow,
} from './purchase-item.parser';

export const MAX_PURCHASES_PER_REQUEST = 10_000;

export type PurchaseOutcome =
  | { status: 'created' | 'updated' | 'unchanged'; clientId: string }
  | { status: 'failed'; errors: PurchaseFieldError[] };

export interface PurchaseUpsertResult {
  /** One per row, in the order given. */
  outcomes: PurchaseOutcome[];
  /** Clients whose statistics the written rows change (including the previous client of a moved purchase). */
  affectedClientIds: string[];
}

export interface UpsertPurchasesOptions {
  /**
   * Recompute the affected clients' statistics, category and stage in the same transaction
   * (default true). An import writing many chunks may pass false and call
   * `ClassificationService.recompute({ clientIds })` once at the end.
   */
  reclassify?: boolean;
}

export interface PurchaseBatchError {
  index: number;
  field: string;
  message: string;
}

export interface PurchaseBatchResult {
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: PurchaseBatchError[];
}

export interface PurchaseRemovalResult {
  total: number;
  deleted: number;
  /** External ids no purchase has (already deleted, or never sent). */
  failed: number;
  errors: PurchaseBatchError[];
}

export interface ListPurchasesFilter {
  clientId?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  limit?: number;
  cursor?: string;
}

interface ResolvedClient {
  id: string | null;
  erased: boolean;
}

interface ListRow {
  id: string;
  external_id: string | null;
  client_id: string;
  purchased_at: Date;
  purchased_at_key: string;
  amount: string;
  currency: string;
  product: string | null;
  product_category: string | null;
  created_at: Date;
}

/** Purchases in bulk, idempotent by external id, each batch one set-based statement. */
@Injectable()
export class PurchasesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly classification: ClassificationService,
    private readonly config: AppConfig,
  ) {}

  /** How items are read here: the workspace's currency and time zone. Imports use the same. */
  parseContext(): PurchaseParseContext {
    return { currency: this.config.workspace.currency, timeZone: this.config.workspace.timeZone };
  }

  /**
   * The API's batch: every item validated; the good ones written and their clients reclassified in
   * one transaction; the bad ones reported by index and field, never blocking the good ones.
   */
  async ingest(items: unknown[]): Promise<PurchaseBatchResult> {
    const ctx = this.parseContext();
    const result: PurchaseBatchResult = {
      total: items.length,
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
    };
    const failures = new Map<number, PurchaseFieldError[]>();
    const good: { index: number; row: PurchaseRow }[] = [];
    items.forEach((item, index) => {
      const parsed = parsePurchaseItem(item, ctx);
      if (parsed.ok) good.push({ index, row: parsed.row });
      else failures.set(index, parsed.errors);
    });
    if (good.length > 0) {
      const rows = good.map((g) => g.row);
      const { outcomes } = await this.dataSource.transaction((manager) => this.upsertMany(rows, manager));
      outcomes.forEach((outcome, i) => {
        if (outcome.status === 'failed') failures.set(good[i].index, outcome.errors);
        else result[outcome.status] += 1;
      });
    }
    for (const index of [...failures.keys()].sort((a, b) => a - b)) {
      result.failed += 1;
      for (const e of failures.get(index) ?? []) result.errors.push({ index, ...e });
    }
    return result;
  }

  /**
   * Writes already-validated rows inside the caller's transaction: clients resolved by id or
   * external reference (an unknown client fails its row), then one INSERT … SELECT FROM unnest …
   * ON CONFLICT (external_id). A repeated external id in the same call fails (the first is kept).
   */
  async upsertMany(
    rows: PurchaseRow[],
    manager: EntityManager,
    options: UpsertPurchasesOptions = {},
  ): Promise<PurchaseUpsertResult> {
    const outcomes: PurchaseOutcome[] = new Array(rows.length);
    const clientOf = await this.resolveClients(rows, manager);
    const seen = new Set<string>();
    const writable: number[] = [];
    rows.forEach((row, i) => {
      const client = clientOf[i];
      if (client.erased) {
        outcomes[i] = failed('clientId', 'the client was erased and takes no purchases');
      } else if (!client.id) {
        outcomes[i] = row.clientId
          ? failed('clientId', `no client has id ${row.clientId}`)
          : failed('clientExternalRef', `no client has the external reference ${row.clientExternalRef}`);
      } else if (row.externalId !== null && seen.has(row.externalId)) {
        outcomes[i] = failed(
          'externalId',
          `externalId ${row.externalId} appears more than once in this batch`,
        );
      } else {
        if (row.externalId !== null) seen.add(row.externalId);
        writable.push(i);
      }
    });

    const affected = new Set<string>();
    if (writable.length > 0) {
      const ids = writable.map(() => randomUUID());
      const col = <T>(pick: (r: PurchaseRow, i: number) => T) => writable.map((i) => pick(rows[i], i));
      const written: {
        proposed_id: string;
        status: 'created' | 'updated' | 'unchanged';
        previous_client_id: string | null;
      }[] = await manager.query(UPSERT_PURCHASES_SQL, [
        ids,
        col((r) => r.externalId),
        col((_, i) => clientOf[i].id),
        col((r) => r.purchasedAt),
        col((r) => r.amount),
        col((r) => r.currency),
        col((r) => r.product),
        col((r) => r.productCategory),
      ]);
      const byId = new Map(written.map((w) => [w.proposed_id, w]));
      writable.forEach((rowIndex, k) => {
        const w = byId.get(ids[k]);
        const clientId = clientOf[rowIndex].id as string;
        const status = w?.status ?? 'unchanged';
        outcomes[rowIndex] = { status, clientId };
        if (status !== 'unchanged') {
          affected.add(clientId);
          if (w?.previous_client_id) affected.add(w.previous_client_id);
        }
      });
    }

    const affectedClientIds = [...affected];
    if (options.reclassify !== false && affectedClientIds.length > 0) {
      await this.classification.recompute({ clientIds: affectedClientIds }, manager);
    }
    return { outcomes, affectedClientIds };
  }

  /**
   * Deletes purchases by their external ids (a document cancelled in the ERP) and recomputes their
   * clients' statistics, category and stage in the same transaction. Unknown ids are reported by index.
   */
  async removeByExternalIds(externalIds: string[]): Promise<PurchaseRemovalResult> {
    const ids = externalIds.map((id) => id.trim());
    return this.dataSource.transaction(async (manager) => {
      const deleted = rowsOf<{ external_id: string; client_id: string }>(
        await manager.query(DELETE_PURCHASES_BY_EXTERNAL_ID_SQL, [ids]),
      );
      const gone = new Set(deleted.map((d) => d.external_id));
      const result: PurchaseRemovalResult = {
        total: ids.length,
        deleted: deleted.length,
        failed: 0,
        errors: [],
      };
      ids.forEach((id, index) => {
        if (!gone.has(id)) {
          result.failed += 1;
          result.errors.push({
            index,
            field: 'externalIds',
            message: `no purchase has the externalId ${id}`,
          });
        }
      });
      const clientIds = [...new Set(deleted.map((d) => d.client_id))];
      if (clientIds.length > 0) await this.classification.recompute({ clientIds }, manager);
      return result;
    });
  }

  async list(filter: ListPurchasesFilter): Promise<Page<Purchase>> {
    const limit = filter.limit ?? 50;
    const [afterAt, afterId] = filter.cursor
      ? (decodeCursor(filter.cursor, 2) as [string, string])
      : [null, null];
    const rows: ListRow[] = await this.dataSource.query(LIST_PURCHASES_SQL, [
      filter.clientId ?? null,
      filter.from ?? null,
      filter.to ?? null,
      afterAt,
      afterId,
      limit + 1,
    ]);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toPurchase),
      nextCursor: rows.length > limit && last ? encodeCursor([last.purchased_at_key, last.id]) : null,
    };
  }

  // The client of each row (id null: unknown), in one query whatever the number of rows.
  private async resolveClients(rows: PurchaseRow[], manager: EntityManager): Promise<ResolvedClient[]> {
    const resolved: { pos: number; client_id: string | null; erased: boolean }[] = await manager.query(
      RESOLVE_CLIENTS_SQL,
      [
        rows.map((_, i) => i),
        rows.map((r) => r.clientId),
        rows.map((r) => (r.clientId ? null : r.clientExternalRef)),
      ],
    );
    const out: ResolvedClient[] = rows.map(() => ({ id: null, erased: false }));
    for (const r of resolved) out[r.pos] = { id: r.client_id, erased: r.erased };
    return out;
  }
}

function failed(field: string, message: string): PurchaseOutcome {
  return { status: 'failed', errors: [{ field, message }] };
}

function toPurchase(r: ListRow): Purchase {
  return {
    id: r.id,
    externalId: r.external_id,
    clientId: r.client_id,
    purchasedAt: r.purchased_at,
    amount: Number(r.amount),
    currency: r.currency,
    product: r.product,
    productCategory: r.product_category,
    createdAt: r.created_at,
  };
}
