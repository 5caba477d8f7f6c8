import { decide, VariantCounts } from './experiment-decision';
import { ExperimentMetric, NotSignificantChoice, WinnerBasis } from './experiment.enums';
import { twoProportionPValue, welch } from '@touchbase/core';

const variant = (key: string) => ({
  key,
  name: key,
  share: 0.5,
  subjectRu: null,
  subjectEn: null,
  templates: {},
});
const definition = (metric: ExperimentMetric, whenNotSignificant = NotSignificantChoice.Best) => ({
  variants: [variant('A'), variant('B')],
  testShare: 0.2,
  metric,
  windowHours: 4,
  sendWinnerToRest: true,
  whenNotSignificant,
});
const counts = (key: string, reached: number, clicked: number, revenue = 0, variance: number | null = null) =>
  ({
    key,
    assigned: reached,
    reached,
    clicked,
    buyers: 0,
    revenue,
    revenueVariance: variance,
  }) as VariantCounts;

describe('significance', () => {
  it('two proportions: 10% against 15% of 1,000 each is significant (p ≈ 0.0007)', () => {
    // z = 0.05 / sqrt(0.125·0.875·(2/1000)) = 3.381 → p = 0.000722
    expect(twoProportionPValue(150, 1000, 100, 1000)).toBeCloseTo(0.000722, 5);
  });

  it('two proportions: equal rates give p = 1; empty or constant groups give null', () => {
    expect(twoProportionPValue(10, 100, 10, 100)).toBeCloseTo(1, 10);
    expect(twoProportionPValue(0, 0, 1, 10)).toBeNull();
    expect(twoProportionPValue(0, 10, 0, 10)).toBeNull();
  });

  it('Welch: a textbook pair of samples', () => {
    // means 20 and 22, variances 4 and 9, n 10 and 12: t = -1.865, dof = 19.19 → p ≈ 0.0775
    expect(welch({ n: 10, mean: 20, variance: 4 }, { n: 12, mean: 22, variance: 9 })?.pValue).toBeCloseTo(
      0.0775,
      3,
    );
    expect(welch({ n: 1, mean: 20, variance: 0 }, { n: 12, mean: 22, variance: 9 })).toBeNull();
  });
});

describe('decide', () => {
  it('the variant with the higher click rate wins, significantly', () => {
    const d = decide(definition(ExperimentMetric.Clicks), [counts('A', 1000, 100), counts('B', 1000, 150)]);
    expect(d).toMatchObject({ winner: 'B', basis: WinnerBasis.Significant });
    expect(d.figures.map((f) => [f.key, f.clickRate])).toEqual([
      ['A', 0.1],
      ['B', 0.15],
    ]);
    expect(d.figures[0].pValue).toBeCloseTo(d.pValue!, 10);
    expect(d.figures[1].pValue).toBeNull();
  });

  it('a small difference: the best still wins, not significantly — or the first, when so configured', () => {
    const c = [counts('A', 100, 10), counts('B', 100, 12)];
    expect(decide(definition(ExperimentMetric.Clicks), c)).toMatchObject({
      winner: 'B',
      basis: WinnerBasis.BestNotSignificant,
    });
    expect(decide(definition(ExperimentMetric.Clicks, NotSignificantChoice.First), c)).toMatchObject({
      winner: 'A',
      basis: WinnerBasis.FirstNotSignificant,
    });
  });

  it('revenue per reached client, with Welch', () => {
    const d = decide(definition(ExperimentMetric.Revenue), [
      counts('A', 500, 0, 50_000, 40_000),
      counts('B', 500, 0, 20_000, 10_000),
    ]);
    expect(d.winner).toBe('A');
    expect(d.figures[0].revenuePerClient).toBe(100);
    expect(d.basis).toBe(WinnerBasis.Significant);
  });

  it('a variant nobody was reached with is last, and a tie keeps the variants order', () => {
    expect(decide(definition(ExperimentMetric.Clicks), [counts('B', 10, 1)]).winner).toBe('B');
    expect(decide(definition(ExperimentMetric.Clicks), [counts('A', 10, 1), counts('B', 10, 1)]).winner).toBe(
      'A',
    );
  });
});
