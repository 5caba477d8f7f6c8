/**
 * A campaign's schedule. Presets compile to an RFC 5545 RRULE; all are evaluated in the campaign's
 * IANA time zone, so "monthly on the 1st at 10:00" stays 10:00 local across DST changes.
 */
export type ScheduleSpec =
  | { type: 'monthly'; day: number; time: string }
  | { type: 'quarterly'; time: string }
  | { type: 'once'; at: string }
  | { type: 'rrule'; rrule: string; dtstart: string };

/** How occurrences are named: `2026-11`, `2026-Q4`, or the occurrence timestamp. */
export type PeriodGranularity = 'month' | 'quarter' | 'occurrence';
