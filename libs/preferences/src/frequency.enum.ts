/** The client's own frequency preference, and the cap it means. */
export enum Frequency {
  Weekly = 'weekly',
  TwiceMonthly = 'twice-monthly',
  Monthly = 'monthly',
  Quarterly = 'quarterly',
  Unlimited = 'unlimited',
}

/** weekly = 1 in 7 days, twice a month = 2 in 30, monthly = 1 in 30, quarterly = 1 in 90. */
export const FREQUENCY_CAPS: Record<Frequency, { maxTouches: number; windowDays: number } | null> = {
  [Frequency.Weekly]: { maxTouches: 1, windowDays: 7 },
  [Frequency.TwiceMonthly]: { maxTouches: 2, windowDays: 30 },
  [Frequency.Monthly]: { maxTouches: 1, windowDays: 30 },
  [Frequency.Quarterly]: { maxTouches: 1, windowDays: 90 },
  [Frequency.Unlimited]: null,
};
