import { EntityManager } from 'typeorm';
import { ImportKind } from '../entities/import.entity';
import { BatchOutcome, ImportActor, SourceRow, Validated } from '../import.types';
import { ColumnSet } from '../mapping/column-set';

export interface OpenImport {
  columns: ColumnSet;
  actor: ImportActor;
}

/** One running import of one kind: validates rows on their own, writes a batch set-based. */
export interface KindImport<T extends { rowNumber: number }> {
  /** Rows per batch transaction. */
  readonly batchSize: number;
  /** No database access: every row is judged on its own (and against the rows before it). */
  validate(row: SourceRow): Validated<T>;
  /** Inside the batch transaction; a row the database step refuses comes back in `errors`. */
  write(manager: EntityManager, rows: T[]): Promise<BatchOutcome>;
  /** After the last batch of a real (not dry) run, outside the batch transactions. */
  finish?(): Promise<void>;
}

/**
 * One kind of import (clients, purchases, preferences). `open` checks the mapped columns (throwing
 * MissingColumnsError when a required one is absent) and loads what validation needs (staff, topics).
 */
export interface ImportHandler {
  readonly kind: ImportKind;
  /** The tables its imports write (their statistics are refreshed after a large import). */
  readonly tables: readonly string[];
  open(options: OpenImport): Promise<KindImport<{ rowNumber: number }>>;
}
