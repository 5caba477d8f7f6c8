import { VariantFigures } from './entities/experiment-run.entity';
import {
  ExperimentDefinition,
  ExperimentMetric,
  NotSignificantChoice,
  SIGNIFICANCE_LEVEL,
  WinnerBasis,
} from './experiment.enums';
import { GroupStats, twoProportionPValue, welch } from '@touchbase/core';

/** A variant's raw counts, as the results query gives them. */
export interface VariantCounts {
  key: string;
  assigned: number;
  reached: number;
  clicked: number;
  buyers: number;
  revenue: number;
  /** Sample variance of the revenue per reached client (null under two clients). */
  revenueVariance: number | null;
}

export interface Decision {
  figures: VariantFigures[];
  winner: string;
  basis: WinnerBasis;
  /** The best against the runner-up. */
  pValue: number | null;
}

/** The metric's value of a variant (null: nobody reached). */
export function metricValue(
  metric: ExperimentMetric,
  f: { reached: number; clicked: number; revenue: number },
) {
  if (f.reached === 0) return null;
  return metric === ExperimentMetric.Clicks ? f.clicked / f.reached : f.revenue / f.reached;
}

function pValueBetween(metric: ExperimentMetric, a: VariantCounts, b: VariantCounts): number | null {
  if (metric === ExperimentMetric.Clicks)
    return twoProportionPValue(a.clicked, a.reached, b.clicked, b.reached);
  const sample = (v: VariantCounts): GroupStats => ({
    n: v.reached,
    mean: v.reached ? v.revenue / v.reached : 0,
    variance: v.revenueVariance ?? 0,
  });
  return welch(sample(a), sample(b))?.pValue ?? null;
}

/**
 * The winner: the variant with the best metric (ties: the earlier variant). It is significant when its
 * difference from the runner-up has a p-value under SIGNIFICANCE_LEVEL; otherwise it still wins, or the
 * first variant does when the experiment says so. Every other variant's p-value is against the best.
 */
export function decide(definition: ExperimentDefinition, counts: VariantCounts[]): Decision {
  const byKey = new Map(counts.map((c) => [c.key, c]));
  const all = definition.variants.map(
    (v) =>
      byKey.get(v.key) ?? {
        key: v.key,
        assigned: 0,
        reached: 0,
        clicked: 0,
        buyers: 0,
        revenue: 0,
        revenueVariance: null,
      },
  );
  const value = (c: VariantCounts) => metricValue(definition.metric, c) ?? -Infinity;
  const ranked = [...all].sort((a, b) => value(b) - value(a)); // stable: ties keep the variants' order
  const [best, runnerUp] = ranked;
  const pValue = pValueBetween(definition.metric, best, runnerUp);
  const significant = pValue !== null && pValue < SIGNIFICANCE_LEVEL && value(best) > value(runnerUp);
  const first = definition.whenNotSignificant === NotSignificantChoice.First;
  const winner = significant || !first ? best.key : all[0].key;
  const basis = significant
    ? WinnerBasis.Significant
    : first
      ? WinnerBasis.FirstNotSignificant
      : WinnerBasis.BestNotSignificant;
  const figures = all.map((c): VariantFigures => ({
    key: c.key,
    assigned: c.assigned,
    reached: c.reached,
    clicked: c.clicked,
    clickRate: c.reached ? c.clicked / c.reached : null,
    buyers: c.buyers,
    revenue: c.revenue,
    revenuePerClient: c.reached ? c.revenue / c.reached : null,
    pValue: c.key === best.key ? null : pValueBetween(definition.metric, best, c),
  }));
  return { figures, winner, basis, pValue };
}
