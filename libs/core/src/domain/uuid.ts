const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID as PostgreSQL's uuid type reads it (canonical form): check before a cast can fail. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
