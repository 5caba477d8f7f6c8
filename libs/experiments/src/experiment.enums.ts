import { Channel } from '@touchbase/core';

/** What decides the winner. */
export enum ExperimentMetric {
  /** The share of reached deliveries with a click inside the test window. */
  Clicks = 'clicks',
  /** The revenue per reached client: purchases after the client's touch, up to the window's end. */
  Revenue = 'revenue',
}

/** Where one run's test stands. */
export enum ExperimentRunStatus {
  /** The test part is going out or being measured; the rest waits. */
  Testing = 'testing',
  /** Decided, with no rest to send (a plain split: the test share is 100%). */
  Decided = 'decided',
  /** Decided, and the rest of the audience was given the winner. */
  RestSent = 'rest-sent',
  /** Decided, and the rest of the audience was not sent anything (sendWinnerToRest off). */
  RestCancelled = 'rest-cancelled',
}

/** What wins when the best variant is not significantly better than the runner-up. */
export enum NotSignificantChoice {
  /** Still the best one (the result says it is not significant). */
  Best = 'best',
  /** The first variant (the control). */
  First = 'first',
}

/** Why the winner won. */
export enum WinnerBasis {
  Significant = 'significant',
  BestNotSignificant = 'best-not-significant',
  FirstNotSignificant = 'first-not-significant',
}

/** A difference is significant below this p-value. */
export const SIGNIFICANCE_LEVEL = 0.05;
export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 5;
/** Variant keys, in order: A, B, C, D, E. */
export const VARIANT_KEYS = ['A', 'B', 'C', 'D', 'E'] as const;

/** One variant: its share of the test part and what it changes (nothing: the campaign's own content). */
export interface ExperimentVariant {
  key: string;
  name: string;
  /** Of the test part, 0–1; the variants' shares add up to 1. */
  share: number;
  /** The email subject instead of the template's (handlebars, like a template's subject), per language. */
  subjectRu: string | null;
  subjectEn: string | null;
  /** channel → template name instead of the campaign's (the client's language, as for the campaign). */
  templates: Partial<Record<Channel, string>>;
}

/** What an experiment is; each run of it keeps a copy of this as it was when the run was planned. */
export interface ExperimentDefinition {
  variants: ExperimentVariant[];
  /** The share of the audience in the test, 0–1; 1 is a plain split with no winner stage. */
  testShare: number;
  metric: ExperimentMetric;
  windowHours: number;
  sendWinnerToRest: boolean;
  whenNotSignificant: NotSignificantChoice;
}
