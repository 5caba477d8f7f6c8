import fc from 'fast-check';
import { ValidationException } from '@touchbase/core';
import {
  compileSegmentMembership,
  compileSegmentRule,
  describeSegmentFields,
  segmentRuleReferences,
  SEGMENT_RULE_LIMITS,
  validateSegmentRule,
} from './segment-compiler';
import { SEGMENT_FIELD_NAMES } from './segment-fields';
import { SegmentRule } from './segment-rule';

const OWNER = '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b';
const INJECTION = "x'); DROP TABLE clients; --";

/** The problems a ValidationException carries, as { path: messages joined }. */
function problemsOf(input: unknown): Record<string, string> {
  try {
    validateSegmentRule(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationException);
    const details = (e as ValidationException).details as { field: string; messages: string[] }[];
    return Object.fromEntries(details.map((d) => [d.field, d.messages.join(' | ')]));
  }
  throw new Error('expected the rules to be invalid');
}

/** The placeholders of a SQL text, in order of appearance. */
const placeholders = (sql: string) => [...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));

describe('compileSegmentRule', () => {
  it('compiles a condition to a parameterised expression over clients c', () => {
    expect(compileSegmentRule({ field: 'category', op: 'eq', value: 'VIP' })).toEqual({
      sql: '(c.category IS NOT NULL AND c.category = $1::text)',
      params: ['VIP'],
    });
  });

  it('numbers the placeholders from paramOffset + 1 and returns the params in that order', () => {
    const rule: SegmentRule = {
      all: [
        { field: 'city', op: 'eq', value: 'Пермь' },
        {
          any: [
            { field: 'tags', op: 'containsAll', value: ['A', 'b'] },
            { not: { field: 'stage', op: 'eq', value: 'key' } },
          ],
        },
        { field: 'revenue', op: 'between', value: [10, 20], windowDays: 30 },
      ],
    };
    const atZero = compileSegmentRule(rule);
    const atFive = compileSegmentRule(rule, 5);
    expect(atZero.params).toEqual(['Пермь', ['a', 'b'], 'key', 30, 10, 20]);
    expect(atFive.params).toEqual(atZero.params);
    expect(placeholders(atZero.sql).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(placeholders(atFive.sql).sort((a, b) => a - b)).toEqual([6, 7, 8, 9, 10, 11]);
    // The same text with every placeholder moved by the offset.
    expect(atFive.sql).toBe(atZero.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + 5}`));
  });

  it('binds the revenue window before the compared amount', () => {
    const { sql, params } = compileSegmentRule({ field: 'revenue', op: 'gte', value: 1000 }, 2);
    expect(params).toEqual([365, 1000]);
    expect(sql).toContain('make_interval(days => $3::int)');
    expect(sql).toMatch(/>= \$4::numeric\)$/);
  });

  it('compiles empty all to TRUE and empty any to FALSE', () => {
    expect(compileSegmentRule({ all: [] })).toEqual({ sql: 'TRUE', params: [] });
    expect(compileSegmentRule({ any: [] })).toEqual({ sql: 'FALSE', params: [] });
    expect(compileSegmentRule({ not: { any: [] } })).toEqual({ sql: '(NOT FALSE)', params: [] });
  });

  it('never puts a value into the SQL text, whatever the value', () => {
    const payloads = [INJECTION, "'; DELETE FROM clients; --", 'c.id) OR (1=1', '\\', '"', '%_'];
    for (const value of payloads) {
      for (const rule of [
        { field: 'city', op: 'eq', value },
        { field: 'region', op: 'notIn', value: [value, 'x'] },
        { field: 'tags', op: 'containsAny', value: [value] },
        { field: 'tags', op: 'contains', value },
      ]) {
        const { sql, params } = compileSegmentRule(rule);
        expect(sql).not.toContain(value.trim());
        expect(sql).not.toContain(value.trim().toLowerCase());
        expect(params.flat()).toContainEqual(
          rule.field === 'tags' ? value.trim().toLowerCase() : value.trim(),
        );
      }
    }
  });

  it('produces the same SQL text for any values of the same shape (property)', () => {
    const word = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0);
    const reference = compileSegmentRule({
      all: [
        { field: 'city', op: 'in', value: ['a'] },
        { field: 'tags', op: 'contains', value: 'a' },
        { field: 'revenue', op: 'gt', value: 1, windowDays: 1 },
        { field: 'lastTouch', op: 'withinDays', value: 1 },
        { field: 'owner', op: 'eq', value: OWNER },
      ],
    }).sql;
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 5 }),
        word,
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        fc.integer({ min: 1, max: 3650 }),
        fc.integer({ min: 0, max: 36500 }),
        fc.uuid(),
        (cities, t, amount, windowDays, days, owner) => {
          const { sql } = compileSegmentRule({
            all: [
              { field: 'city', op: 'in', value: cities },
              { field: 'tags', op: 'contains', value: t },
              { field: 'revenue', op: 'gt', value: amount, windowDays },
              { field: 'lastTouch', op: 'withinDays', value: days },
              { field: 'owner', op: 'eq', value: owner },
            ],
          });
          expect(sql).toBe(reference);
        },
      ),
    );
  });

  it('compiles every operator of every field', () => {
    const sample: Record<string, unknown> = {
      string: 'x',
      'string[]': ['x'],
      uuid: OWNER,
      'uuid[]': [OWNER],
      number: 5,
      '[number, number]': [1, 2],
      integer: 3,
      boolean: false,
      none: undefined,
      topic: 'news',
    };
    for (const f of describeSegmentFields()) {
      for (const o of f.ops) {
        const value = o.value.allowed
          ? o.value.type.endsWith('[]')
            ? [o.value.allowed[0]]
            : o.value.allowed[0]
          : f.field === 'country'
            ? o.value.type.endsWith('[]')
              ? ['RU']
              : 'RU'
            : sample[o.value.type];
        const { sql, params } = compileSegmentRule({ field: f.field, op: o.op, value }, 7);
        // Each parameter is bound exactly once, numbered after the offset.
        expect(placeholders(sql).sort((a, b) => a - b)).toEqual(params.map((_, i) => 8 + i));
      }
    }
  });

  it('writes null-safe SQL: neq and notIn include clients without a value', () => {
    expect(compileSegmentRule({ field: 'owner', op: 'neq', value: OWNER }).sql).toBe(
      '(c.owner_id IS NULL OR c.owner_id <> $1::uuid)',
    );
    expect(compileSegmentRule({ field: 'city', op: 'notIn', value: ['A'] }).sql).toBe(
      '(c.address_city IS NULL OR lower(c.address_city) <> ALL(ARRAY(SELECT lower(x) FROM unnest($1::text[]) x)))',
    );
    expect(compileSegmentRule({ field: 'contactVerified', op: 'olderThanDays', value: 30 }).sql).toContain(
      'c.contact_verified_at IS NULL OR',
    );
    expect(compileSegmentRule({ field: 'lastPurchase', op: 'olderThanDays', value: 30 }).sql).toContain(
      'c.last_purchase_at IS NOT NULL AND',
    );
  });

  it('engagement: lastClick reads the client engagement; lastEngagement uses the one rule, counting from creation', () => {
    const click = compileSegmentRule({ field: 'lastClick', op: 'withinDays', value: 14 });
    expect(click.sql).toBe(
      '((SELECT e.last_click_at FROM client_engagement e WHERE e.client_id = c.id) IS NOT NULL AND ' +
        '(SELECT e.last_click_at FROM client_engagement e WHERE e.client_id = c.id) >= now() - make_interval(days => $1::int))',
    );
    expect(click.params).toEqual([14]);
    const idle = compileSegmentRule({ not: { field: 'lastEngagement', op: 'olderThanDays', value: 90 } }, 2);
    expect(idle.sql).toContain(`GREATEST(e.last_click_at, e.last_open_at, c.last_purchase_at)`);
    expect(idle.sql).toContain('LEFT JOIN client_engagement e ON e.client_id = c.id), c.created_at) <');
    expect(idle.sql).toMatch(/^\(NOT /);
    expect(idle.params).toEqual([90]);
    expect(placeholders(idle.sql)).toEqual([3]);
    expect(problemsOf({ field: 'lastEngagement', op: 'never' })['rules.op']).toContain('olderThanDays');
    expect(problemsOf({ field: 'lastClick', op: 'withinDays', value: -1 })['rules.value']).toBeDefined();
  });

  it('restricts membership to clients that are neither archived nor erased', () => {
    const m = compileSegmentMembership({ field: 'hasEmail', op: 'is', value: true }, 1);
    expect(m.sql).toBe(
      "((c.archived_at IS NULL AND c.erased_at IS NULL) AND (COALESCE(btrim(c.email), '') <> ''))",
    );
    expect(m.params).toEqual([]);
  });

  it('rejects a bad paramOffset as a programming error', () => {
    expect(() => compileSegmentRule({ all: [] }, -1)).toThrow(RangeError);
    expect(() => compileSegmentRule({ all: [] }, 1.5)).toThrow(RangeError);
  });
});

describe('validateSegmentRule', () => {
  it('normalises values: trims, lower-cases tags, upper-cases countries, fills windowDays, expands topics', () => {
    expect(
      validateSegmentRule({
        all: [
          { field: 'tags', op: 'containsAny', value: [' Dealer ', 'dealer', 'URAL'] },
          { field: 'country', op: 'in', value: ['ru', 'Kz'] },
          { field: 'category', op: 'eq', value: 'vip' },
          { field: 'revenue', op: 'gt', value: 0 },
          { field: 'topicSubscribed', op: 'is', value: 'news' },
          { field: 'owner', op: 'isSet', value: null },
        ],
      }),
    ).toEqual({
      all: [
        { field: 'tags', op: 'containsAny', value: ['dealer', 'ural'] },
        { field: 'country', op: 'in', value: ['RU', 'KZ'] },
        { field: 'category', op: 'eq', value: 'VIP' },
        { field: 'revenue', op: 'gt', value: 0, windowDays: 365 },
        { field: 'topicSubscribed', op: 'is', value: { topic: 'news', subscribed: true } },
        { field: 'owner', op: 'isSet' },
      ],
    });
  });

  it('names an unknown field with its path and lists the allowed fields', () => {
    const problems = problemsOf({
      all: [
        { field: 'stage', op: 'eq', value: 'key' },
        { field: 'password', op: 'eq', value: 1 },
      ],
    });
    expect(Object.keys(problems)).toEqual(['rules.all[1].field']);
    expect(problems['rules.all[1].field']).toContain('unknown field "password"');
    for (const f of SEGMENT_FIELD_NAMES) expect(problems['rules.all[1].field']).toContain(f);
  });

  it('names an unknown operator with its path and lists the operators of that field', () => {
    const problems = problemsOf({
      all: [
        { field: 'stage', op: 'eq', value: 'key' },
        { field: 'category', op: 'gt', value: 'A' },
      ],
    });
    expect(problems).toEqual({
      'rules.all[1].op':
        'operator "gt" is not allowed for field category; allowed operators: eq, neq, in, notIn',
    });
  });

  it('checks value types per field and operator, reporting every problem at once', () => {
    const problems = problemsOf({
      any: [
        { field: 'category', op: 'in', value: [] },
        { field: 'category', op: 'in', value: ['A', 'Z'] },
        { field: 'stage', op: 'eq', value: 'customer' },
        { field: 'owner', op: 'eq', value: INJECTION },
        { field: 'lastPurchase', op: 'withinDays', value: 1.5 },
        { field: 'lastTouch', op: 'olderThanDays', value: 36501 },
        { field: 'revenue', op: 'between', value: [10, 5] },
        { field: 'revenue', op: 'gt', value: '100' },
        { field: 'revenue', op: 'gt', value: 1, windowDays: 0 },
        { field: 'city', op: 'eq', value: 'Пермь', windowDays: 30 },
        { field: 'hasEmail', op: 'is', value: 'yes' },
        { field: 'tags', op: 'isEmpty', value: true },
        { field: 'topicSubscribed', op: 'is', value: INJECTION },
        { field: 'topicSubscribed', op: 'is', value: { topic: 'news', subscribed: 'no' } },
        { field: 'country', op: 'eq', value: 'Russia' },
        { field: 'locale', op: 'in', value: new Array(1001).fill('ru') },
      ],
    });
    expect(problems).toEqual({
      'rules.any[0].value': expect.stringContaining('non-empty array'),
      'rules.any[1].value': expect.stringMatching(/value\[1\].*one of A, B, C, VIP/),
      'rules.any[2].value': expect.stringContaining(
        'one of potential, probable, prospect, client, key, lapsed',
      ),
      'rules.any[3].value': expect.stringContaining('must be a uuid'),
      'rules.any[4].value': expect.stringContaining('whole number from 0 to 36500'),
      'rules.any[5].value': expect.stringContaining('whole number from 0 to 36500'),
      'rules.any[6].value': expect.stringContaining('min ≤ max'),
      'rules.any[7].value': expect.stringContaining('must be a number'),
      'rules.any[8].windowDays': expect.stringContaining('from 1 to 3650'),
      'rules.any[9].windowDays': 'windowDays applies only to revenue, not to city',
      'rules.any[10].value': expect.stringContaining('true or false'),
      'rules.any[11].value': expect.stringContaining('takes no value'),
      'rules.any[12].value': expect.stringContaining('topic by its key'),
      'rules.any[13].value': expect.stringContaining('value.subscribed must be true or false'),
      'rules.any[14].value': expect.stringContaining('alpha-2'),
      'rules.any[15].value': expect.stringContaining('at most 1000 items'),
    });
  });

  it('rejects malformed nodes and unknown keys', () => {
    expect(
      problemsOf({
        all: [
          [],
          'category = A',
          {},
          { all: [], any: [] },
          { any: 'x' },
          { field: 'stage', op: 'eq', value: 'key', extra: 1 },
          { field: 'stage' },
        ],
      }),
    ).toEqual({
      'rules.all[0]': expect.stringContaining('got an array'),
      'rules.all[1]': expect.stringContaining('a rule is'),
      'rules.all[2]': expect.stringContaining('empty object'),
      'rules.all[3]': 'a group has exactly one key (all, any or not); got all, any',
      'rules.all[4].any': expect.stringContaining('array of rules'),
      'rules.all[5].extra': expect.stringContaining('unknown key "extra"'),
      'rules.all[6].op': 'op is required for field stage; allowed operators: eq, neq, in, notIn',
    });
    expect(problemsOf(null)).toEqual({ rules: expect.stringContaining('got null') });
  });

  it('does not take prototype keys for fields or operators', () => {
    expect(problemsOf({ field: '__proto__', op: 'eq', value: 'x' })).toHaveProperty(['rules.field']);
    expect(problemsOf({ field: 'stage', op: 'constructor', value: 'x' })).toHaveProperty(['rules.op']);
  });

  it(`limits nesting to ${SEGMENT_RULE_LIMITS.maxDepth} levels`, () => {
    const nest = (levels: number): unknown =>
      levels === 1 ? { field: 'stage', op: 'eq', value: 'key' } : { not: nest(levels - 1) };
    expect(() => validateSegmentRule(nest(10))).not.toThrow();
    const problems = problemsOf(nest(11));
    expect(problems).toEqual({ [`rules${'.not'.repeat(10)}`]: 'rules may nest at most 10 levels deep' });
  });

  it(`limits a tree to ${SEGMENT_RULE_LIMITS.maxConditions} conditions`, () => {
    const conditions = (n: number) => ({
      any: Array.from({ length: n }, () => ({ field: 'hasEmail', op: 'is', value: true })),
    });
    expect(() => validateSegmentRule(conditions(200))).not.toThrow();
    expect(problemsOf(conditions(201))).toEqual({
      rules: 'rules may hold at most 200 conditions; found 201',
    });
  });

  it('lists at most 50 problems', () => {
    const details = Object.keys(problemsOf({ all: Array.from({ length: 120 }, () => ({ field: 'nope' })) }));
    expect(details.length).toBe(SEGMENT_RULE_LIMITS.maxProblems + 1);
    expect(details.at(-1)).toBe('rules');
  });
});

describe('segmentRuleReferences', () => {
  it('lists the owners and topics a tree names, with their paths', () => {
    expect(
      segmentRuleReferences({
        all: [
          { field: 'owner', op: 'in', value: [OWNER, OWNER.toUpperCase()] },
          { not: { field: 'topicSubscribed', op: 'is', value: { topic: 'news', subscribed: false } } },
        ],
      }),
    ).toEqual([
      { kind: 'owner', value: OWNER, path: 'rules.all[0].value[0]' },
      { kind: 'topic', value: 'news', path: 'rules.all[1].not.value' },
    ]);
  });
});

describe('describeSegmentFields', () => {
  it('describes every field with its operators and value types', () => {
    const fields = describeSegmentFields();
    expect(fields.map((f) => f.field)).toEqual(SEGMENT_FIELD_NAMES);
    const revenue = fields.find((f) => f.field === 'revenue')!;
    expect(revenue.windowDays).toMatchObject({ min: 1, max: 3650, default: 365 });
    expect(revenue.ops.map((o) => o.op)).toEqual(['gt', 'gte', 'lt', 'lte', 'between']);
    expect(fields.find((f) => f.field === 'category')!.ops[2].value).toMatchObject({
      type: 'string[]',
      allowed: ['A', 'B', 'C', 'VIP'],
      maxItems: 1000,
    });
    for (const f of fields) {
      expect(f.description.length).toBeGreaterThan(5);
      for (const o of f.ops) expect(o.description.length).toBeGreaterThan(5);
    }
  });
});
