/** The `workspace_settings` key the classification rules live under. */
export const CLASSIFICATION_SETTINGS_KEY = 'classification';

export type VipRule = { type: 'top-n'; n: number } | { type: 'min-revenue'; amount: number };

export interface KeyRule {
  /** A key client buys at least this much a quarter, on average over the window (seed 000). */
  minRevenuePerQuarter: number;
}

/**
 * How clients are classified. Categories: the clients whose window revenue, sorted in descending
 * order, makes the first `aShare` of the total are A, the next `bShare` B, the rest C.
 */
export interface ClassificationSettings {
  /** The trailing window revenue is measured over, in months. */
  windowMonths: number;
  aShare: number;
  bShare: number;
  /** VIP by rule, on top of the manual flag; null: only the manual flag. */
  vipRule: VipRule | null;
  /** No purchase for this many days → lapsed. */
  lapsedDays: number;
  /** null: key = VIP or category A; set: key = VIP or meets the rule. */
  keyRule: KeyRule | null;
}

export const DEFAULT_CLASSIFICATION_SETTINGS: ClassificationSettings = {
  windowMonths: 12,
  aShare: 0.8,
  bShare: 0.15,
  vipRule: null,
  lapsedDays: 180,
  keyRule: null,
};
