import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  ClassificationService,
  parsePurchaseItem,
  PurchaseParseContext,
  PurchaseRow,
  PurchasesService,
} from '@touchbase/classification';
import { normalizeEmail } from '@touchbase/clients';
import { rowsOf } from '@touchbase/database';
import { ImportKind } from '../entities/import.entity';
import { RESOLVE_CLIENTS } from '../import.sql';
import { BatchOutcome, SourceRow, Validated } from '../import.types';
import { ColumnSet, MissingColumnsError, RowProblems } from '../mapping/column-set';
import { parseAmount, parseCurrency, parseDate } from '../values/value-parsers';
import { ImportHandler, KindImport, OpenImport } from './import-handler';

export interface PurchaseImportRow {
  rowNumber: number;
  clientRef: string | null;
  clientEmail: string | null;
  purchase: PurchaseRow;
}

// parsePurchaseItem wants a client; the import finds it (by reference or email) when it writes.
const CLIENT_RESOLVED_LATER = '00000000-0000-0000-0000-000000000000';

/** PurchasesService's field names → the import's. */
const FIELD_OF: Record<string, string> = {
  externalId: 'externalId',
  purchasedAt: 'date',
  amount: 'amount',
  currency: 'currency',
  product: 'product',
  productCategory: 'productCategory',
};

class PurchaseImport implements KindImport<PurchaseImportRow> {
  readonly batchSize = 5000;
  private readonly seenDocuments = new Map<string, number>();
  private readonly affectedClients = new Set<string>();

  constructor(
    private readonly columns: ColumnSet,
    private readonly context: PurchaseParseContext,
    private readonly purchases: PurchasesService,
    private readonly classification: ClassificationService,
  ) {}

  validate(row: SourceRow): Validated<PurchaseImportRow> {
    const cols = this.columns;
    const problems = new RowProblems(cols, row);
    const clientRef = cols.value(row, 'clientRef') || null;
    let clientEmail: string | null = null;
    const emailText = cols.value(row, 'clientEmail');
    if (emailText) {
      const parsed = normalizeEmail(emailText);
      if (parsed.ok) clientEmail = parsed.value;
      else problems.add('clientEmail', `Неверный email «${emailText}» / ${parsed.message}`);
    }
    if (!clientRef && !emailText) {
      problems.add(
        cols.has('clientRef') ? 'clientRef' : 'clientEmail',
        'Не указан клиент: нужен код клиента или email / No client: give the client reference or email',
      );
    }
    const externalId = cols.value(row, 'externalId') || null;
    if (externalId) {
      const first = this.seenDocuments.get(externalId);
      if (first !== undefined) {
        problems.add(
          'externalId',
          `Документ «${externalId}» повторяется: впервые в строке ${first} / Duplicate document "${externalId}": first seen on row ${first}`,
        );
      } else this.seenDocuments.set(externalId, row.rowNumber);
    }

    let purchasedAt: string | null = null;
    const dateText = cols.value(row, 'date');
    if (!dateText) problems.add('date', 'Не указана дата / The date is missing');
    else {
      const parsed = parseDate(dateText, this.context.timeZone);
      if (parsed.ok) purchasedAt = parsed.value.toISOString();
      else problems.add('date', parsed.message);
    }
    let amount: string | null = null;
    const amountText = cols.value(row, 'amount');
    if (!amountText) problems.add('amount', 'Не указана сумма / The amount is missing');
    else {
      const parsed = parseAmount(amountText);
      if (parsed.ok) amount = parsed.value;
      else problems.add('amount', parsed.message);
    }
    let currency: string | null = null;
    const currencyText = cols.value(row, 'currency');
    if (currencyText) {
      const parsed = parseCurrency(currencyText);
      if (parsed.ok) currency = parsed.value;
      else problems.add('currency', parsed.message);
    }
    if (problems.any) return { ok: false, errors: problems.errors };

    // The purchases library has the last word on a purchase (range, future dates, currency codes).
    const parsed = parsePurchaseItem(
      {
        externalId,
        clientId: CLIENT_RESOLVED_LATER,
        purchasedAt,
        amount,
        currency,
        product: cols.value(row, 'product') || null,
        productCategory: cols.value(row, 'productCategory') || null,
      },
      this.context,
    );
    if (!parsed.ok) {
      for (const e of parsed.errors) problems.add(FIELD_OF[e.field] ?? null, e.message);
      return { ok: false, errors: problems.errors };
    }
    return { ok: true, value: { rowNumber: row.rowNumber, clientRef, clientEmail, purchase: parsed.row } };
  }

  async write(manager: EntityManager, rows: PurchaseImportRow[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { created: 0, updated: 0, unchanged: 0, errors: [] };
    const resolved = rowsOf<{ row_no: number; client_id: string | null }>(
      await manager.query(RESOLVE_CLIENTS, [
        rows.map((r) => r.rowNumber),
        rows.map((r) => r.clientRef),
        rows.map((r) => r.clientEmail),
        rows.map(() => null),
      ]),
    );
    const clientOf = new Map(resolved.map((r) => [r.row_no, r.client_id]));
    const found: PurchaseImportRow[] = [];
    for (const row of rows) {
      const clientId = clientOf.get(row.rowNumber);
      if (clientId) found.push({ ...row, purchase: { ...row.purchase, clientId, clientExternalRef: null } });
      else {
        outcome.errors.push({
          row: row.rowNumber,
          column: this.columns.header(row.clientRef ? 'clientRef' : 'clientEmail'),
          message: 'Клиент не найден ни по коду, ни по email / No client has this reference or email',
        });
      }
    }
    if (found.length === 0) return outcome;
    // Statistics, category and stage are recomputed once at the end, not per batch.
    const result = await this.purchases.upsertMany(
      found.map((r) => r.purchase),
      manager,
      { reclassify: false },
    );
    result.outcomes.forEach((o, i) => {
      if (o.status === 'failed') {
        for (const e of o.errors) {
          outcome.errors.push({
            row: found[i].rowNumber,
            column: this.columns.header(
              FIELD_OF[e.field] ?? (found[i].clientRef ? 'clientRef' : 'clientEmail'),
            ),
            message: e.message,
          });
        }
      } else outcome[o.status] += 1;
    });
    for (const id of result.affectedClientIds) this.affectedClients.add(id);
    return outcome;
  }

  async finish(): Promise<void> {
    if (this.affectedClients.size > 0)
      await this.classification.recompute({ clientIds: [...this.affectedClients] });
  }
}

@Injectable()
export class PurchaseImportHandler implements ImportHandler {
  readonly kind = ImportKind.Purchases;
  // The clients' statistics, category and stage are recomputed at the end.
  readonly tables = ['purchases', 'clients', 'stage_history'];

  constructor(
    private readonly purchases: PurchasesService,
    private readonly classification: ClassificationService,
  ) {}

  async open({ columns }: OpenImport): Promise<KindImport<PurchaseImportRow>> {
    const missing: string[] = [];
    if (!columns.has('clientRef') && !columns.has('clientEmail'))
      missing.push('«Код клиента» или «Email» / client ref or email');
    if (!columns.has('date')) missing.push('«Дата» / date');
    if (!columns.has('amount')) missing.push('«Сумма» / amount');
    if (missing.length > 0) {
      throw new MissingColumnsError(
        `В файле нет столбцов / The file lacks the columns: ${missing.join('; ')}`,
      );
    }
    return new PurchaseImport(columns, this.purchases.parseContext(), this.purchases, this.classification);
  }
}
