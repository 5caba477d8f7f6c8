/**
 * What `query()` answers: TypeORM (node-postgres) gives an UPDATE or DELETE `[rows, count]`, a SELECT
 * or an INSERT the rows alone. These read either shape, so callers never guess.
 */
function isRowsAndCount(result: unknown): result is [unknown[], number] {
  return (
    Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number'
  );
}

/** The rows a statement returned (its RETURNING rows, for an UPDATE or DELETE). */
export function rowsOf<T>(result: unknown): T[] {
  if (isRowsAndCount(result)) return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}

/** How many rows a statement changed (UPDATE, DELETE) or returned (SELECT, INSERT … RETURNING). */
export function countOf(result: unknown): number {
  if (isRowsAndCount(result)) return result[1];
  return Array.isArray(result) ? result.length : 0;
}
