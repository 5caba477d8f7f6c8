import { finished } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { EntityManager } from 'typeorm';

// COPY's text format: tab-separated, \N for NULL, backslash escapes.
const SPECIAL = /[\\\t\n\r]/;

export function copyText(value: string | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (!SPECIAL.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

export function copyBool(value: boolean | null | undefined): string {
  return value === null || value === undefined ? '\\N' : value ? 't' : 'f';
}

export function copyInt(value: number): string {
  return String(value);
}

/** A text[] literal, escaped for COPY. */
export function copyTextArray(values: string[] | null | undefined): string {
  if (values === null || values === undefined) return '\\N';
  return copyText(`{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
}

/**
 * COPY … FROM STDIN on the connection of the manager's transaction: the fastest way to get a validated
 * batch into PostgreSQL. `lines` are complete rows in COPY text format, each ending in \n.
 */
export async function copyInto(manager: EntityManager, sql: string, lines: string): Promise<void> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('copyInto needs the EntityManager of a transaction');
  const client = (await runner.connect()) as PoolClient;
  const stream = client.query(copyFrom(sql));
  stream.end(lines);
  await finished(stream);
}
