const SAFE = /^[A-Za-z0-9_.:-]+$/;

/** An enum value as an SQL literal: `'queued'`. Only plain identifiers, never user input. */
export function sqlValue(value: string): string {
  if (!SAFE.test(value)) throw new Error(`Not an SQL enum literal: ${JSON.stringify(value)}`);
  return `'${value}'`;
}

/** Enum values as an SQL list for `IN`: `('queued', 'sending')`. */
export function sqlList(...values: string[]): string {
  if (values.length === 0) throw new Error('An SQL list needs at least one value');
  return `(${values.map(sqlValue).join(', ')})`;
}
