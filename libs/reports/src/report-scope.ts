import { SegmentsService } from '@touchbase/segments';

/** Positional parameters of one statement: `add` returns the placeholder of the value it keeps. */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

export interface ReportFilters {
  category?: string;
  /** A staff member id, or `unassigned`. */
  owner?: string;
  /** A saved segment's id. */
  segment?: string;
}

/**
 * The clients a report counts, as a boolean over `clients c`: not archived nor erased, and inside the
 * filters. The segment is compiled by the segments library to parameterised SQL, as planning does.
 */
export async function clientScopeSql(
  filters: ReportFilters,
  params: SqlParams,
  segments: SegmentsService,
): Promise<string> {
  const parts = ['c.archived_at IS NULL', 'c.erased_at IS NULL'];
  if (filters.category) parts.push(`c.category = ${params.add(filters.category, 'text')}`);
  if (filters.owner === 'unassigned') parts.push('c.owner_id IS NULL');
  else if (filters.owner) parts.push(`c.owner_id = ${params.add(filters.owner.toLowerCase(), 'uuid')}`);
  if (filters.segment) {
    const compiled = await segments.compile(filters.segment, params.values.length);
    params.values.push(...compiled.params);
    parts.push(compiled.sql);
  }
  return parts.join(' AND ');
}
