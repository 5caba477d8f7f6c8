import { validateSegmentRule } from './segment-compiler';
import { ruleHash } from './segment-count.service';

describe('ruleHash', () => {
  const rules = {
    all: [
      { field: 'category', op: 'in', value: ['A', 'VIP'] },
      { field: 'city', op: 'eq', value: 'Екатеринбург' },
    ],
  };

  it('is the same for the same tree whatever the order of keys', () => {
    const reordered = { all: rules.all.map((c) => ({ value: c.value, op: c.op, field: c.field })) };
    expect(ruleHash(validateSegmentRule(reordered))).toBe(ruleHash(validateSegmentRule(rules)));
    expect(ruleHash(validateSegmentRule(rules))).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when a value, an operator or the order of conditions differs', () => {
    const base = ruleHash(validateSegmentRule(rules));
    const otherValue = { all: [rules.all[0], { ...rules.all[1], value: 'Пермь' }] };
    const otherOp = { all: [rules.all[0], { ...rules.all[1], op: 'neq' }] };
    const swapped = { all: [rules.all[1], rules.all[0]] };
    const hashes = [otherValue, otherOp, swapped].map((r) => ruleHash(validateSegmentRule(r)));
    expect(new Set([base, ...hashes]).size).toBe(4);
  });
});
