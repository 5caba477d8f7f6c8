import { FieldError, ValidationException } from '@touchbase/core';
import { Bind, FieldSpec, SEGMENT_FIELD_NAMES, SEGMENT_FIELDS, SqlCast } from './segment-fields';
import { SegmentCondition, SegmentRule } from './segment-rule';
import { describeJson, ValueDescription } from './segment-values';

/**
 * Validates segment rule trees and compiles them to a parameterised SQL boolean over `clients c`.
 * Values only ever travel as parameters: the SQL text depends on the shape of the tree (fields,
 * operators, and the true/false of `is`), never on a value.
 *
 * - `{ all: [] }` is TRUE (everyone) and `{ any: [] }` is FALSE (nobody), as in logic.
 * - `neq` / `notIn` also match clients that have no value for the field.
 */

export interface CompiledSql {
  /** A boolean SQL expression over `clients c`, with `$n` placeholders. */
  sql: string;
  /** The values of `$paramOffset + 1` … `$paramOffset + params.length`, in that order. */
  params: unknown[];
}

export interface SegmentRuleReference {
  kind: 'owner' | 'topic';
  value: string;
  /** Where in the tree, e.g. `rules.all[2].value[0]`. */
  path: string;
}

export const SEGMENT_RULE_LIMITS = {
  /** Nesting levels, the root node being level 1. */
  maxDepth: 10,
  maxConditions: 200,
  /** Problems reported at once; more are cut off so a huge bad tree cannot make a huge answer. */
  maxProblems: 50,
} as const;

export interface SegmentOperatorDescription {
  op: string;
  description: string;
  value: ValueDescription;
}

export interface SegmentFieldDescription {
  field: string;
  description: string;
  windowDays: { min: number; max: number; default: number; description: string } | null;
  ops: SegmentOperatorDescription[];
}

const CONDITION_KEYS = ['field', 'op', 'value', 'windowDays'];
const GROUP_KEYS = ['all', 'any', 'not'];
const SHAPES =
  'a rule is { all: [rules] }, { any: [rules] }, { not: rule } or a condition { field, op, value }';

interface Compiled {
  rule: SegmentRule;
  sql: string;
}

/** One pass over the tree: validates, normalises, compiles and collects references together. */
class RuleWalker {
  readonly problems: FieldError[] = [];
  readonly params: unknown[] = [];
  readonly references: SegmentRuleReference[] = [];
  private conditions = 0;
  private truncated = false;

  constructor(private readonly paramOffset: number) {}

  private readonly bind: Bind = (value: unknown, cast: SqlCast) => {
    this.params.push(value);
    return `$${this.paramOffset + this.params.length}::${cast}`;
  };

  problem(path: string, message: string): void {
    const existing = this.problems.find((p) => p.field === path);
    if (existing) existing.messages.push(message);
    else if (this.problems.length < SEGMENT_RULE_LIMITS.maxProblems)
      this.problems.push({ field: path, messages: [message] });
    else this.truncated = true;
  }

  finish(root: string): void {
    if (this.conditions > SEGMENT_RULE_LIMITS.maxConditions) {
      this.problems.unshift({
        field: root,
        messages: [
          `rules may hold at most ${SEGMENT_RULE_LIMITS.maxConditions} conditions; found ${this.conditions}`,
        ],
      });
    }
    if (this.truncated) {
      this.problems.push({
        field: root,
        messages: [`more problems were found; only the first ${SEGMENT_RULE_LIMITS.maxProblems} are listed`],
      });
    }
  }

  node(raw: unknown, path: string, depth: number): Compiled | undefined {
    if (depth > SEGMENT_RULE_LIMITS.maxDepth) {
      this.problem(path, `rules may nest at most ${SEGMENT_RULE_LIMITS.maxDepth} levels deep`);
      return undefined;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      this.problem(path, `${SHAPES}; got ${describeJson(raw)}`);
      return undefined;
    }
    const o = raw as Record<string, unknown>;
    const keys = Object.keys(o);
    const group = keys.filter((k) => GROUP_KEYS.includes(k));
    if (group.length > 0) {
      if (keys.length !== 1) {
        this.problem(path, `a group has exactly one key (all, any or not); got ${keys.join(', ')}`);
        return undefined;
      }
      return group[0] === 'not'
        ? this.not(o.not, `${path}.not`, depth)
        : this.group(group[0] as 'all' | 'any', o, path, depth);
    }
    if (keys.length === 0) {
      this.problem(path, `${SHAPES}; got an empty object`);
      return undefined;
    }
    return this.condition(o, path);
  }

  private group(
    kind: 'all' | 'any',
    o: Record<string, unknown>,
    path: string,
    depth: number,
  ): Compiled | undefined {
    const items = o[kind];
    if (!Array.isArray(items)) {
      this.problem(`${path}.${kind}`, `${kind} must be an array of rules; got ${describeJson(items)}`);
      return undefined;
    }
    const children = items.map((item, i) => this.node(item, `${path}.${kind}[${i}]`, depth + 1));
    const ok = children.filter((c): c is Compiled => c !== undefined);
    const rule = (
      kind === 'all' ? { all: ok.map((c) => c.rule) } : { any: ok.map((c) => c.rule) }
    ) as SegmentRule;
    // Empty all = TRUE and empty any = FALSE: the neutral elements of AND and OR.
    if (ok.length === 0) return { rule, sql: kind === 'all' ? 'TRUE' : 'FALSE' };
    if (ok.length === 1) return { rule, sql: ok[0].sql };
    return { rule, sql: `(${ok.map((c) => c.sql).join(kind === 'all' ? ' AND ' : ' OR ')})` };
  }

  private not(raw: unknown, path: string, depth: number): Compiled | undefined {
    const child = this.node(raw, path, depth + 1);
    return child && { rule: { not: child.rule }, sql: `(NOT ${child.sql})` };
  }

  private condition(o: Record<string, unknown>, path: string): Compiled | undefined {
    this.conditions += 1;
    for (const key of Object.keys(o).filter((k) => !CONDITION_KEYS.includes(k))) {
      this.problem(
        `${path}.${key}`,
        `unknown key "${key}"; a condition has field, op, value and windowDays (revenue only)`,
      );
    }
    const field = o.field;
    const allowedFields = `allowed fields: ${SEGMENT_FIELD_NAMES.join(', ')}`;
    if (typeof field !== 'string' || !Object.hasOwn(SEGMENT_FIELDS, field)) {
      const got = field === undefined ? 'field is required' : `unknown field ${describeJson(field)}`;
      this.problem(`${path}.field`, `${got}; ${allowedFields}`);
      return undefined;
    }
    const spec: FieldSpec = SEGMENT_FIELDS[field];
    const allowedOps = Object.keys(spec.ops).join(', ');
    const opName = o.op;
    const windowDays = this.windowDays(spec, o.windowDays, `${path}.windowDays`, field);
    if (typeof opName !== 'string' || !Object.hasOwn(spec.ops, opName)) {
      const got = opName === undefined ? 'op is required' : `operator ${describeJson(opName)} is not allowed`;
      this.problem(`${path}.op`, `${got} for field ${field}; allowed operators: ${allowedOps}`);
      return undefined;
    }
    const opSpec = spec.ops[opName];
    const value = opSpec.value.parse(o.value);
    if (!value.ok) {
      this.problem(`${path}.value`, `${value.message} (${field} ${opName})`);
      return undefined;
    }
    if (windowDays === undefined) return undefined;
    for (const ref of opSpec.references?.(value.value) ?? []) {
      const list = Array.isArray(value.value) ? value.value.indexOf(ref.value) : -1;
      this.references.push({ ...ref, path: `${path}.value${list >= 0 ? `[${list}]` : ''}` });
    }
    const rule: SegmentCondition = { field, op: opName };
    if (value.value !== null) rule.value = value.value;
    if (spec.window) rule.windowDays = windowDays;
    return { rule, sql: opSpec.sql(value.value, this.bind, windowDays) };
  }

  /** The window of a windowed field (its default when absent); 0 for the others; undefined when invalid. */
  private windowDays(spec: FieldSpec, raw: unknown, path: string, field: string): number | undefined {
    if (!spec.window) {
      if (raw === undefined || raw === null) return 0;
      const windowed = SEGMENT_FIELD_NAMES.filter((f) => SEGMENT_FIELDS[f].window).join(', ');
      this.problem(path, `windowDays applies only to ${windowed}, not to ${field}`);
      return undefined;
    }
    if (raw === undefined || raw === null) return spec.window.default;
    const { min, max } = spec.window;
    if (typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max) return raw;
    this.problem(path, `windowDays must be a whole number from ${min} to ${max}; got ${describeJson(raw)}`);
    return undefined;
  }
}

interface Walked {
  compiled: Compiled;
  params: unknown[];
  references: SegmentRuleReference[];
}

function walk(input: unknown, paramOffset: number, root: string): Walked {
  if (!Number.isInteger(paramOffset) || paramOffset < 0) {
    throw new RangeError(`paramOffset must be a non-negative integer; got ${paramOffset}`);
  }
  const walker = new RuleWalker(paramOffset);
  const compiled = walker.node(input, root, 1);
  walker.finish(root);
  if (walker.problems.length > 0 || !compiled) {
    throw new ValidationException(
      `The segment rules are invalid: ${walker.problems.map((p) => p.field).join(', ')}`,
      walker.problems,
    );
  }
  return { compiled, params: walker.params, references: walker.references };
}

/**
 * Checks a rule tree and returns its normalised form (trimmed values, lower-case tags, upper-case
 * countries, `windowDays` filled in, topic shorthand expanded). Throws a ValidationException
 * listing every problem with its JSON path (`rules.all[1].op`) otherwise.
 */
export function validateSegmentRule(input: unknown, root = 'rules'): SegmentRule {
  return walk(input, 0, root).compiled.rule;
}

/**
 * Compiles a rule tree to a boolean SQL expression over `clients c`. The first placeholder is
 * `$${paramOffset + 1}`, so the expression can be embedded in a statement that already has
 * `paramOffset` parameters: `params.push(...compiled.params)`.
 */
export function compileSegmentRule(input: unknown, paramOffset = 0): CompiledSql {
  const { compiled, params } = walk(input, paramOffset, 'rules');
  return { sql: compiled.sql, params };
}

/** The clients that can ever be segment members: neither archived nor erased. */
export const ACTIVE_CLIENT_SQL = '(c.archived_at IS NULL AND c.erased_at IS NULL)';

/** Like compileSegmentRule, restricted to the clients that can be members (not archived, not erased). */
export function compileSegmentMembership(input: unknown, paramOffset = 0): CompiledSql {
  const rule = compileSegmentRule(input, paramOffset);
  return { sql: `(${ACTIVE_CLIENT_SQL} AND ${rule.sql})`, params: rule.params };
}

/** The staff members and topics a (valid) rule tree names, with where they appear. */
export function segmentRuleReferences(input: unknown): SegmentRuleReference[] {
  return walk(input, 0, 'rules').references;
}

/** The whitelist, for `GET /api/v1/segments/fields` and the docs. */
export function describeSegmentFields(): SegmentFieldDescription[] {
  return SEGMENT_FIELD_NAMES.map((field) => {
    const spec = SEGMENT_FIELDS[field];
    return {
      field,
      description: spec.description,
      windowDays: spec.window ? { ...spec.window } : null,
      ops: Object.entries(spec.ops).map(([op, o]) => ({
        op,
        description: o.description,
        value: o.value.describe,
      })),
    };
  });
}
