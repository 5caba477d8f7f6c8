import { ValidationException } from './errors/domain.exception';

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, length: number): unknown[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === length) return key;
  } catch {
    // fall through
  }
  throw new ValidationException('The cursor is invalid; use nextCursor from the previous page', [
    { field: 'cursor', messages: ['cursor is not a cursor this list returned'] },
  ]);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
