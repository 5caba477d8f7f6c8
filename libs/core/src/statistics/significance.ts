import { jStat } from 'jstat';

/** What a group of clients bought: how many, the mean revenue per client and its sample variance. */
export interface GroupStats {
  n: number;
  mean: number;
  variance: number;
}

export interface WelchResult {
  /** mean(a) − mean(b) */
  difference: number;
  standardError: number;
  degreesOfFreedom: number;
  ciLow: number;
  ciHigh: number;
  /** Two-sided. */
  pValue: number;
}

/**
 * Welch's t-test for the difference of two means with unequal variances, and its confidence interval.
 * Null when a group has fewer than two clients (no variance to speak of).
 */
export function welch(a: GroupStats, b: GroupStats, confidence = 0.95): WelchResult | null {
  if (a.n < 2 || b.n < 2) return null;
  const difference = a.mean - b.mean;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const standardError = Math.sqrt(va + vb);
  if (standardError === 0) {
    // Every client of both groups bought the same: the difference is exact.
    return {
      difference,
      standardError: 0,
      degreesOfFreedom: a.n + b.n - 2,
      ciLow: difference,
      ciHigh: difference,
      pValue: difference === 0 ? 1 : 0,
    };
  }
  const degreesOfFreedom = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const t = jStat.studentt.inv(1 - (1 - confidence) / 2, degreesOfFreedom);
  const statistic = Math.abs(difference / standardError);
  return {
    difference,
    standardError,
    degreesOfFreedom,
    ciLow: difference - t * standardError,
    ciHigh: difference + t * standardError,
    pValue: Math.min(1, 2 * (1 - jStat.studentt.cdf(statistic, degreesOfFreedom))),
  };
}

/**
 * Two-sided p-value of a two-proportion z-test (pooled): are x1/n1 and x2/n2 different? Null when a
 * group is empty or nothing varies (no one clicked, or everyone did).
 */
export function twoProportionPValue(x1: number, n1: number, x2: number, n2: number): number | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return null;
  const z = (x1 / n1 - x2 / n2) / se;
  return clamp(2 * (1 - jStat.normal.cdf(Math.abs(z), 0, 1)));
}

const clamp = (p: number) => Math.min(1, Math.max(0, p));
