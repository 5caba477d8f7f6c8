import { jStat } from 'jstat';

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

/** A group's summary for Welch's test: size, mean and sample variance. */
export interface Sample {
  n: number;
  mean: number;
  variance: number;
}

/**
 * Two-sided p-value of Welch's t-test (unequal variances): are the two means different? Null when a
 * group has fewer than two members or neither varies.
 */
export function welchPValue(a: Sample, b: Sample): number | null {
  if (a.n < 2 || b.n < 2) return null;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  if (!(se > 0)) return null;
  const t = (a.mean - b.mean) / se;
  const dof = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  return clamp(2 * (1 - jStat.studentt.cdf(Math.abs(t), dof)));
}

const clamp = (p: number) => Math.min(1, Math.max(0, p));
