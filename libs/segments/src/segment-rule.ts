/**
 * A segment's rule tree: `all` / `any` / `not` over conditions on whitelisted fields, e.g.
 * `{ "all": [ { "field": "category", "op": "in", "value": ["A", "VIP"] },
 *             { "not": { "field": "tags", "op": "contains", "value": "dealer" } } ] }`.
 * An empty `all` holds for everyone and an empty `any` for nobody. The whitelist of fields and
 * operators is in segment-fields.ts; validateSegmentRule / compileSegmentRule check a tree.
 */
export type SegmentRule = SegmentAll | SegmentAny | SegmentNot | SegmentCondition;

export interface SegmentAll {
  all: SegmentRule[];
}

export interface SegmentAny {
  any: SegmentRule[];
}

export interface SegmentNot {
  not: SegmentRule;
}

export interface SegmentCondition {
  field: string;
  op: string;
  value?: unknown;
  /** For windowed fields (revenue): the trailing window in days, 1..3650 (default 365). */
  windowDays?: number;
}
