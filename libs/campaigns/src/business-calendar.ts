import { DateTime } from 'luxon';
import type { FieldError } from '@touchbase/core';

/**
 * The workspace's holiday calendar: days off besides weekends (public holidays and the days off the
 * government moves onto weekdays) and weekend days that are working days. Dates are YYYY-MM-DD. Stored
 * as the `holiday-calendar` workspace setting; the planner hands the same lists to SQL
 * (tb_is_business_day), so schedules, sending windows and call slots agree on every day.
 */
export interface HolidayCalendar {
  daysOff: string[];
  workingDays: string[];
}

export const HOLIDAY_CALENDAR_KEY = 'holiday-calendar';
export const MAX_CALENDAR_DATES = 2_000;

const range = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = DateTime.fromISO(from, { zone: 'utc' }); d.toISODate()! <= to; d = d.plus({ days: 1 })) {
    out.push(d.toISODate()!);
  }
  return out;
};

// The non-working public holidays of art. 112 of the Labour Code (month-day).
const STATUTORY_HOLIDAYS = [
  ...['01-01', '01-02', '01-03', '01-04', '01-05', '01-06', '01-07', '01-08'],
  ...['02-23', '03-08', '05-01', '05-09', '06-12', '11-04'],
];

/**
 * A year's days off by art. 112 alone: the holidays, and for each that falls on a weekend the next working
 * day — except 1–6 and 8 January, whose weekend days off only the government's yearly decree places.
 */
export function statutoryDaysOff(year: number): string[] {
  const holidays = STATUTORY_HOLIDAYS.map((md) => `${year}-${md}`);
  const off = new Set(holidays);
  for (const holiday of holidays) {
    const day = DateTime.fromISO(holiday, { zone: 'utc' });
    if (day.weekday < 6 || (day.month === 1 && day.day !== 7)) continue;
    let next = day.plus({ days: 1 });
    while (next.weekday >= 6 || off.has(next.toISODate()!)) next = next.plus({ days: 1 });
    off.add(next.toISODate()!);
  }
  return [...off].sort();
}

/*
 * The Russian production calendar: the holidays of art. 112 of the Labour Code with the days off the
 * government moves by its yearly decree.
 * - 2025: Постановление Правительства РФ от 04.10.2024 № 1335 «О переносе выходных дней в 2025 году»:
 *   4 Jan → 2 May, 5 Jan → 31 Dec, 23 Feb → 8 May, 8 Mar → 13 Jun, Saturday 1 Nov (a working day) → 3 Nov;
 * - 2026: Постановление Правительства РФ от 24.09.2025 № 1466 «О переносе выходных дней в 2026 году»:
 *   3 Jan → 9 Jan, 4 Jan → 31 Dec; 8 Mar (a Sunday) and 9 May (a Saturday) move to the next working day
 *   by art. 112 (9 Mar, 11 May);
 * - 2027–2030: art. 112 alone (statutoryDaysOff): for 2027, 1–8 Jan, 23 Feb, 8 Mar, 1 and 3 May, 9 and
 *   10 May, 12 and 14 Jun, 4 Nov. The days off of weekend January holidays (2 and 3 Jan 2027), which only
 *   the government's decree places, and its Saturday swaps are for an admin to add when it is published
 *   (PUT /api/v1/holiday-calendar).
 */
export const RUSSIAN_PRODUCTION_CALENDAR: HolidayCalendar = {
  daysOff: [
    ...range('2025-01-01', '2025-01-08'),
    '2025-02-23',
    '2025-03-08',
    ...['2025-05-01', '2025-05-02', '2025-05-08', '2025-05-09'],
    ...['2025-06-12', '2025-06-13'],
    ...['2025-11-03', '2025-11-04'],
    '2025-12-31',
    ...range('2026-01-01', '2026-01-09'),
    '2026-02-23',
    ...['2026-03-08', '2026-03-09'],
    ...['2026-05-01', '2026-05-09', '2026-05-11'],
    '2026-06-12',
    '2026-11-04',
    '2026-12-31',
    ...[2027, 2028, 2029, 2030].flatMap(statutoryDaysOff),
  ],
  workingDays: ['2025-11-01'],
};

/** The one definition of a business day in TypeScript (tb_is_business_day is its SQL twin). */
export class BusinessCalendar {
  private readonly off: ReadonlySet<string>;
  private readonly working: ReadonlySet<string>;

  constructor(readonly calendar: HolidayCalendar) {
    this.off = new Set(calendar.daysOff);
    this.working = new Set(calendar.workingDays);
  }

  /** A calendar date YYYY-MM-DD: a working weekend day, or Monday–Friday and not a day off. */
  isBusinessDay(date: string): boolean {
    if (this.working.has(date)) return true;
    if (this.off.has(date)) return false;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }
}

export const DEFAULT_BUSINESS_CALENDAR = new BusinessCalendar(RUSSIAN_PRODUCTION_CALENDAR);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks a calendar sent by an admin and returns it sorted; problems name their field: a date that is
 * not a real YYYY-MM-DD, a date given twice or in both lists, a working day that is not a weekend day.
 */
export function checkHolidayCalendar(input: HolidayCalendar): {
  calendar: HolidayCalendar;
  problems: FieldError[];
} {
  const problems: FieldError[] = [];
  const fail = (field: string, message: string) => {
    const known = problems.find((p) => p.field === field);
    if (known) known.messages.push(message);
    else problems.push({ field, messages: [message] });
  };
  const check = (field: 'daysOff' | 'workingDays', weekendOnly: boolean): string[] => {
    const seen = new Set<string>();
    input[field].forEach((date, i) => {
      const day = ISO_DATE.test(date) ? DateTime.fromISO(date, { zone: 'utc' }) : null;
      if (!day?.isValid || day.year < 2000 || day.year > 2100) {
        fail(`${field}[${i}]`, `${field}[${i}] must be a calendar date YYYY-MM-DD from 2000 to 2100`);
      } else if (seen.has(date)) {
        fail(`${field}[${i}]`, `${field}[${i}]: ${date} is given twice`);
      } else if (weekendOnly && day.weekday < 6) {
        fail(
          `${field}[${i}]`,
          `${field}[${i}]: ${date} is a ${day.toFormat('cccc')}, already a working day; list only Saturdays and Sundays`,
        );
      }
      seen.add(date);
    });
    return [...seen].sort();
  };
  const daysOff = check('daysOff', false);
  const workingDays = check('workingDays', true);
  const off = new Set(daysOff);
  input.workingDays.forEach((date, i) => {
    if (off.has(date)) fail(`workingDays[${i}]`, `workingDays[${i}]: ${date} is also in daysOff`);
  });
  return { calendar: { daysOff, workingDays }, problems };
}
