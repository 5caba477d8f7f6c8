import { holdoutVerdict, holdoutVerdictText, HoldoutVerdict, MIN_GROUP_CLIENTS } from './holdout-verdict';
import { welch } from '@touchbase/core';

// Two small samples and what R's t.test(a, b) (Welch) answers for them.
const a = [12.5, 0, 0, 30, 8.25, 0, 15, 0, 22, 5];
const b = [0, 0, 4, 0, 10, 0, 0, 3.5];
const stats = (xs: number[]) => {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return { n: xs.length, mean, variance: xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1) };
};

describe('welch', () => {
  it('gives the difference, the degrees of freedom, the 95% interval and the p-value of Welch’s test', () => {
    const r = welch(stats(a), stats(b))!;
    expect(r.difference).toBeCloseTo(7.0875, 10);
    expect(r.degreesOfFreedom).toBeCloseTo(11.486662400981487, 8);
    expect(r.ciLow).toBeCloseTo(-0.7146103970417705, 6);
    expect(r.ciHigh).toBeCloseTo(14.889610397041771, 6);
    expect(r.pValue).toBeCloseTo(0.07103930587399121, 6);
  });

  it('is symmetric: swapping the groups flips the difference and the interval', () => {
    const r = welch(stats(b), stats(a))!;
    expect(r.difference).toBeCloseTo(-7.0875, 10);
    expect(r.ciLow).toBeCloseTo(-14.889610397041771, 6);
    expect(r.ciHigh).toBeCloseTo(0.7146103970417705, 6);
  });

  it('answers nothing for a group of fewer than two clients', () => {
    expect(welch({ n: 1, mean: 5, variance: 0 }, stats(b))).toBeNull();
  });

  it('is exact when nobody bought anything different within a group', () => {
    const r = welch({ n: 40, mean: 0, variance: 0 }, { n: 40, mean: 0, variance: 0 })!;
    expect([r.difference, r.ciLow, r.ciHigh, r.pValue]).toEqual([0, 0, 0, 1]);
  });
});

describe('holdoutVerdict', () => {
  const enough = MIN_GROUP_CLIENTS;
  const result = (ciLow: number, ciHigh: number) => ({
    difference: (ciLow + ciHigh) / 2,
    standardError: 1,
    degreesOfFreedom: 50,
    ciLow,
    ciHigh,
    pValue: 0.01,
  });

  it('says touched clients bought more only when the whole interval is above 0', () => {
    expect(holdoutVerdict(enough, enough, result(1.5, 10.5))).toBe(HoldoutVerdict.TouchedMore);
    expect(
      holdoutVerdictText(HoldoutVerdict.TouchedMore, 'en', { touched: 40, heldOut: 40 }, result(1.5, 10.5)),
    ).toBe('touched clients bought more: +6.00 per client (95% CI +1.50 to +10.50)');
    expect(
      holdoutVerdictText(HoldoutVerdict.TouchedMore, 'ru', { touched: 40, heldOut: 40 }, result(1.5, 10.5)),
    ).toBe('клиенты с касанием купили больше: +6,00 на клиента (95% ДИ от +1,50 до +10,50)');
  });

  it('says there is no significant difference yet when the interval holds 0', () => {
    expect(holdoutVerdict(enough, enough, result(-2, 3))).toBe(HoldoutVerdict.NoDifference);
    expect(
      holdoutVerdictText(HoldoutVerdict.NoDifference, 'en', { touched: 40, heldOut: 40 }, result(-2, 3)),
    ).toBe('no significant difference yet: +0.50 per client (95% CI -2.00 to +3.00)');
    expect(
      holdoutVerdictText(HoldoutVerdict.NoDifference, 'ru', { touched: 40, heldOut: 40 }, result(-2, 3)),
    ).toMatch(/^значимой разницы пока нет: \+0,50 на клиента/);
  });

  it('says held-out clients bought more when the whole interval is below 0', () => {
    expect(holdoutVerdict(enough, enough, result(-9, -1))).toBe(HoldoutVerdict.HeldOutMore);
    expect(
      holdoutVerdictText(HoldoutVerdict.HeldOutMore, 'en', { touched: 40, heldOut: 40 }, result(-9, -1)),
    ).toBe('held-out clients bought more: 5.00 per client more (95% CI -9.00 to -1.00)');
    expect(
      holdoutVerdictText(HoldoutVerdict.HeldOutMore, 'ru', { touched: 40, heldOut: 40 }, result(-9, -1)),
    ).toMatch(/^клиенты без касания купили больше: 5,00 на клиента больше/);
  });

  it('says it is too early under the minimum in either group, whatever the interval', () => {
    expect(holdoutVerdict(enough - 1, 500, result(1, 2))).toBe(HoldoutVerdict.TooFew);
    expect(holdoutVerdict(500, enough - 1, result(1, 2))).toBe(HoldoutVerdict.TooFew);
    expect(holdoutVerdict(500, 500, null)).toBe(HoldoutVerdict.TooFew);
    expect(holdoutVerdictText(HoldoutVerdict.TooFew, 'en', { touched: 12, heldOut: 3 }, null)).toBe(
      `too few clients to tell: at least ${MIN_GROUP_CLIENTS} are needed in each group (touched 12, held out 3)`,
    );
    expect(holdoutVerdictText(HoldoutVerdict.TooFew, 'ru', { touched: 12, heldOut: 3 }, null)).toMatch(
      /^слишком мало клиентов, чтобы судить/,
    );
  });
});
