import fc from 'fast-check';
import { DateTime } from 'luxon';
import { ValidationException } from '@touchbase/core';
import {
  checkSchedule,
  currentPeriodKey,
  describeSchedule,
  isPeriodKeyOf,
  localTime,
  nextOccurrences,
  occurrences,
  occurrencesWithKeys,
  periodKey,
  previousOccurrence,
  scheduleRRule,
  validateSchedule,
} from './schedule';
import { BusinessCalendar } from './business-calendar';
import type { ScheduleSpec } from './schedule.types';

const utc = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const locals = (dates: Date[], zone: string) => dates.map((d) => localTime(d, zone));
const year = (y: number) => [utc(`${y}-01-01T00:00:00Z`), utc(`${y}-12-31T23:59:59Z`)] as const;

/** The field → messages of a schedule's problems. */
function problems(input: unknown): Record<string, string> {
  const result = checkSchedule(input);
  return Object.fromEntries(result.problems.map((p) => [p.field, p.messages.join(' | ')]));
}

describe('schedules', () => {
  describe('monthly', () => {
    it('runs on the day at the local time, converted to UTC (Moscow has no DST: always 07:00Z)', () => {
      const spec: ScheduleSpec = { type: 'monthly', day: 1, time: '10:00' };
      const found = occurrences(spec, 'Europe/Moscow', ...year(2026));
      expect(found).toHaveLength(12);
      expect(iso(found).slice(0, 3)).toEqual([
        '2026-01-01T07:00:00.000Z',
        '2026-02-01T07:00:00.000Z',
        '2026-03-01T07:00:00.000Z',
      ]);
      expect(found.map((d) => periodKey(spec, d, 'Europe/Moscow'))).toEqual([
        '2026-01',
        '2026-02',
        '2026-03',
        '2026-04',
        '2026-05',
        '2026-06',
        '2026-07',
        '2026-08',
        '2026-09',
        '2026-10',
        '2026-11',
        '2026-12',
      ]);
    });

    it('day 31 runs on the last day of shorter months (30 April, 28 February)', () => {
      const spec: ScheduleSpec = { type: 'monthly', day: 31, time: '09:30' };
      expect(locals(occurrences(spec, 'UTC', ...year(2026)), 'UTC')).toEqual([
        '2026-01-31T09:30',
        '2026-02-28T09:30',
        '2026-03-31T09:30',
        '2026-04-30T09:30',
        '2026-05-31T09:30',
        '2026-06-30T09:30',
        '2026-07-31T09:30',
        '2026-08-31T09:30',
        '2026-09-30T09:30',
        '2026-10-31T09:30',
        '2026-11-30T09:30',
        '2026-12-31T09:30',
      ]);
    });

    it('day 31 and day 30 in a leap year run on 29 February', () => {
      const feb = [utc('2028-02-01T00:00:00Z'), utc('2028-03-01T00:00:00Z')] as const;
      expect(locals(occurrences({ type: 'monthly', day: 31, time: '10:00' }, 'UTC', ...feb), 'UTC')).toEqual([
        '2028-02-29T10:00',
      ]);
      expect(locals(occurrences({ type: 'monthly', day: 30, time: '10:00' }, 'UTC', ...feb), 'UTC')).toEqual([
        '2028-02-29T10:00',
      ]);
    });

    it('day 29 runs on 28 February in a non-leap year and on 29 February in a leap year', () => {
      const spec: ScheduleSpec = { type: 'monthly', day: 29, time: '10:00' };
      const zone = 'Europe/Moscow';
      const between = (from: string, to: string) => locals(occurrences(spec, zone, utc(from), utc(to)), zone);
      expect(between('2027-01-15T00:00:00Z', '2027-04-15T00:00:00Z')).toEqual([
        '2027-01-29T10:00',
        '2027-02-28T10:00',
        '2027-03-29T10:00',
      ]);
      expect(between('2028-01-15T00:00:00Z', '2028-04-15T00:00:00Z')).toEqual([
        '2028-01-29T10:00',
        '2028-02-29T10:00',
        '2028-03-29T10:00',
      ]);
      // Every month has exactly one occurrence: no month is skipped.
      expect(occurrences(spec, zone, ...year(2027))).toHaveLength(12);
    });

    it('keeps 10:00 local across DST changes (Berlin: 09:00Z in winter, 08:00Z in summer)', () => {
      const spec: ScheduleSpec = { type: 'monthly', day: 1, time: '10:00' };
      const found = occurrences(
        spec,
        'Europe/Berlin',
        utc('2026-02-15T00:00:00Z'),
        utc('2026-11-15T00:00:00Z'),
      );
      expect(iso(found)).toEqual([
        '2026-03-01T09:00:00.000Z', // CET, +01:00
        '2026-04-01T08:00:00.000Z', // CEST, +02:00 (DST began on 29 March)
        '2026-05-01T08:00:00.000Z',
        '2026-06-01T08:00:00.000Z',
        '2026-07-01T08:00:00.000Z',
        '2026-08-01T08:00:00.000Z',
        '2026-09-01T08:00:00.000Z',
        '2026-10-01T08:00:00.000Z',
        '2026-11-01T09:00:00.000Z', // back to CET (DST ended on 25 October)
      ]);
      expect(new Set(locals(found, 'Europe/Berlin').map((l) => l.slice(11)))).toEqual(new Set(['10:00']));
    });

    it('property: every month of any year has one occurrence, on min(day, last day) at the time', () => {
      const zones = [
        'Europe/Moscow',
        'Europe/Berlin',
        'America/New_York',
        'Asia/Kolkata',
        'Australia/Sydney',
      ];
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 31 }),
          fc.integer({ min: 0, max: 23 }),
          fc.integer({ min: 0, max: 59 }),
          fc.integer({ min: 2020, max: 2040 }),
          fc.constantFrom(...zones),
          (day, hour, minute, y, zone) => {
            const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
            const spec: ScheduleSpec = { type: 'monthly', day, time };
            const from = DateTime.fromObject({ year: y }, { zone });
            const found = occurrences(spec, zone, from.toJSDate(), from.endOf('year').toJSDate());
            expect(found).toHaveLength(12);
            found.forEach((at, i) => {
              const local = DateTime.fromJSDate(at, { zone });
              expect(local.month).toBe(i + 1);
              expect(local.day).toBe(Math.min(day, local.daysInMonth!));
              // A wall time skipped by a DST change moves forward by the gap; otherwise it is exact.
              if (local.toFormat('HH:mm') !== time) expect(local.hour).toBe((hour + 1) % 24);
              expect(periodKey(spec, at, zone)).toBe(`${y}-${String(i + 1).padStart(2, '0')}`);
            });
          },
        ),
        { numRuns: 100 },
      );
    });
  });

  describe('quarterly', () => {
    const spec: ScheduleSpec = { type: 'quarterly', time: '10:00' };

    it('runs on the first business day of January, April, July and October', () => {
      const found = occurrences(spec, 'Europe/Moscow', ...year(2026));
      expect(locals(found, 'Europe/Moscow')).toEqual([
        '2026-01-12T10:00', // 1–9 January are days off, 10–11 a weekend
        '2026-04-01T10:00', // Wednesday
        '2026-07-01T10:00', // Wednesday
        '2026-10-01T10:00', // Thursday
      ]);
      expect(found.map((d) => periodKey(spec, d, 'Europe/Moscow'))).toEqual([
        '2026-Q1',
        '2026-Q2',
        '2026-Q3',
        '2026-Q4',
      ]);
    });

    it('moves past a weekend: 1 April and 1 July 2028 are Saturdays → Monday the 3rd', () => {
      const found = occurrences(spec, 'Europe/Moscow', ...year(2028));
      expect(locals(found, 'Europe/Moscow')).toEqual([
        '2028-01-10T10:00', // 1–8 January are holidays, the 9th a Sunday
        '2028-04-03T10:00',
        '2028-07-03T10:00',
        '2028-10-02T10:00', // 1 October 2028 is a Sunday
      ]);
      expect(found.map((d) => DateTime.fromJSDate(d, { zone: 'Europe/Moscow' }).weekday)).toEqual([
        1, 1, 1, 1,
      ]);
      expect(periodKey(spec, found[1], 'Europe/Moscow')).toBe('2028-Q2');
    });

    it('skips public holidays: 1 January 2027 (a Friday) is a holiday, so the quarter opens on 11 January', () => {
      const [first] = occurrences(spec, 'Europe/Moscow', ...year(2027));
      expect(first.toISOString()).toBe('2027-01-11T07:00:00.000Z');
      expect(localTime(first, 'Europe/Moscow')).toBe('2027-01-11T10:00');
      expect(
        nextOccurrences(spec, 'Europe/Moscow', utc('2026-12-07T00:00:00Z'), 2).map((d) =>
          localTime(d, 'Europe/Moscow'),
        ),
      ).toEqual(['2027-01-11T10:00', '2027-04-01T10:00']);
      expect(describeSchedule(spec, 'Europe/Moscow')).toContain(
        'first business day (by the holiday calendar)',
      );
    });

    it("follows the workspace's own calendar: its days off and its working Saturdays", () => {
      const calendar = new BusinessCalendar({
        daysOff: ['2027-04-01', '2027-04-02'],
        workingDays: ['2027-01-02'],
      });
      const found = occurrences(spec, 'Europe/Moscow', ...year(2027), calendar);
      expect(locals(found, 'Europe/Moscow')).toEqual([
        '2027-01-01T10:00', // not a day off in this calendar
        '2027-04-05T10:00',
        '2027-07-01T10:00',
        '2027-10-01T10:00',
      ]);
      const saturday = new BusinessCalendar({ daysOff: ['2027-01-01'], workingDays: ['2027-01-02'] });
      expect(locals(occurrences(spec, 'Europe/Moscow', ...year(2027), saturday), 'Europe/Moscow')[0]).toBe(
        '2027-01-02T10:00',
      );
    });

    it('the period key is the quarter of the local date, not of UTC', () => {
      // 1 Oct 2026 00:30 in Moscow is still 30 September in UTC.
      const q: ScheduleSpec = { type: 'quarterly', time: '00:30' };
      const [oct] = occurrences(q, 'Europe/Moscow', utc('2026-09-20T00:00:00Z'), utc('2026-10-20T00:00:00Z'));
      expect(oct.toISOString()).toBe('2026-09-30T21:30:00.000Z');
      expect(periodKey(q, oct, 'Europe/Moscow')).toBe('2026-Q4');
    });
  });

  describe('once', () => {
    it('a time without an offset is wall time in the campaign zone', () => {
      const spec: ScheduleSpec = { type: 'once', at: '2026-11-05T10:00' };
      const found = occurrences(spec, 'Europe/Moscow', ...year(2026));
      expect(iso(found)).toEqual(['2026-11-05T07:00:00.000Z']);
      expect(periodKey(spec, found[0], 'Europe/Moscow')).toBe('2026-11-05T10:00');
    });

    it('a time with an offset is an instant; the key is its local time in the zone', () => {
      const spec: ScheduleSpec = { type: 'once', at: '2026-11-05T07:00:00Z' };
      const [at] = occurrences(spec, 'Europe/Moscow', ...year(2026));
      expect(at.toISOString()).toBe('2026-11-05T07:00:00.000Z');
      expect(periodKey(spec, at, 'Europe/Moscow')).toBe('2026-11-05T10:00');
    });

    it('outside the range: nothing', () => {
      expect(occurrences({ type: 'once', at: '2026-11-05T10:00' }, 'UTC', ...year(2027))).toEqual([]);
    });
  });

  describe('rrule', () => {
    it('evaluates from dtstart in the zone, with COUNT', () => {
      const spec: ScheduleSpec = {
        type: 'rrule',
        rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3',
        dtstart: '2026-11-02T09:15',
      };
      const found = occurrences(spec, 'Europe/Moscow', ...year(2026));
      expect(locals(found, 'Europe/Moscow')).toEqual([
        '2026-11-02T09:15',
        '2026-11-09T09:15',
        '2026-11-16T09:15',
      ]);
      expect(found.map((d) => periodKey(spec, d, 'Europe/Moscow'))).toEqual([
        '2026-11-02T09:15',
        '2026-11-09T09:15',
        '2026-11-16T09:15',
      ]);
    });

    it('keeps the wall time across the New York DST changes (spring and autumn)', () => {
      const spec: ScheduleSpec = { type: 'rrule', rrule: 'FREQ=DAILY', dtstart: '2026-03-01T10:00' };
      const zone = 'America/New_York';
      expect(iso(occurrences(spec, zone, utc('2026-03-07T00:00:00Z'), utc('2026-03-09T23:00:00Z')))).toEqual([
        '2026-03-07T15:00:00.000Z', // EST, −05:00
        '2026-03-08T14:00:00.000Z', // EDT from 8 March, −04:00
        '2026-03-09T14:00:00.000Z',
      ]);
      expect(iso(occurrences(spec, zone, utc('2026-10-31T00:00:00Z'), utc('2026-11-02T23:00:00Z')))).toEqual([
        '2026-10-31T14:00:00.000Z',
        '2026-11-01T15:00:00.000Z', // EST again from 1 November
        '2026-11-02T15:00:00.000Z',
      ]);
    });

    it('a wall time that occurs twice (fall back) is its first occurrence (RFC 5545): New York and London', () => {
      // Weekly on Sunday at 01:30: 7 Nov 2027 in New York (EDT → EST), 31 Oct 2027 in London (BST → GMT).
      const spec: ScheduleSpec = {
        type: 'rrule',
        rrule: 'FREQ=WEEKLY;BYDAY=SU',
        dtstart: '2027-10-03T01:30',
      };
      const cases = [
        { zone: 'America/New_York', day: '2027-11-07', first: '2027-11-07T05:30:00.000Z' }, // not 06:30Z
        { zone: 'Europe/London', day: '2027-10-31', first: '2027-10-31T00:30:00.000Z' }, // not 01:30Z
      ];
      for (const { zone, day, first } of cases) {
        const dayBefore = new Date(Date.parse(`${day}T00:00:00Z`) - 12 * 3_600_000);
        const found = occurrences(spec, zone, dayBefore, utc(`${day}T23:00:00Z`));
        expect(iso(found)).toEqual([first]);
        expect(iso(nextOccurrences(spec, zone, dayBefore, 1))).toEqual([first]);
      }
      const once = occurrences({ type: 'once', at: '2027-11-07T01:30' }, 'America/New_York', ...year(2027));
      expect(iso(once)).toEqual(['2027-11-07T05:30:00.000Z']);
    });

    it('a wall time that does not exist (spring forward) moves to the next valid one', () => {
      const spec: ScheduleSpec = { type: 'rrule', rrule: 'FREQ=DAILY', dtstart: '2026-03-01T02:30' };
      const found = occurrences(
        spec,
        'America/New_York',
        utc('2026-03-07T12:00:00Z'),
        utc('2026-03-09T12:00:00Z'),
      );
      expect(locals(found, 'America/New_York')).toEqual(['2026-03-08T03:30', '2026-03-09T02:30']);
    });

    it('a UTC UNTIL is an instant; a date UNTIL includes that local day', () => {
      const zone = 'Europe/Moscow';
      const instant: ScheduleSpec = {
        type: 'rrule',
        rrule: 'FREQ=DAILY;UNTIL=20261103T070000Z',
        dtstart: '2026-11-01T10:00',
      };
      expect(locals(occurrences(instant, zone, ...year(2026)), zone)).toEqual([
        '2026-11-01T10:00',
        '2026-11-02T10:00',
        '2026-11-03T10:00',
      ]);
      const date: ScheduleSpec = {
        type: 'rrule',
        rrule: 'FREQ=DAILY;UNTIL=20261102',
        dtstart: '2026-11-01T10:00',
      };
      expect(locals(occurrences(date, zone, ...year(2026)), zone)).toEqual([
        '2026-11-01T10:00',
        '2026-11-02T10:00',
      ]);
    });

    it('twice a year on the 15th (the survey): March and September', () => {
      const spec: ScheduleSpec = {
        type: 'rrule',
        rrule: 'FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=15',
        dtstart: '2026-01-01T11:00',
      };
      expect(locals(occurrences(spec, 'Europe/Moscow', ...year(2027)), 'Europe/Moscow')).toEqual([
        '2027-03-15T11:00',
        '2027-09-15T11:00',
      ]);
    });
  });

  describe('ranges and helpers', () => {
    const spec: ScheduleSpec = { type: 'monthly', day: 1, time: '10:00' };

    it('both ends of the range are inclusive', () => {
      const at = utc('2026-11-01T07:00:00Z');
      expect(iso(occurrences(spec, 'Europe/Moscow', at, at))).toEqual([at.toISOString()]);
      expect(occurrences(spec, 'Europe/Moscow', new Date(at.getTime() + 1), at)).toEqual([]);
    });

    it('occurrencesWithKeys gives UTC, local time and period key', () => {
      expect(
        occurrencesWithKeys(spec, 'Europe/Moscow', utc('2026-11-01T00:00:00Z'), utc('2026-11-30T00:00:00Z')),
      ).toEqual([{ at: utc('2026-11-01T07:00:00Z'), local: '2026-11-01T10:00', periodKey: '2026-11' }]);
    });

    it('nextOccurrences and previousOccurrence', () => {
      expect(iso(nextOccurrences(spec, 'Europe/Moscow', utc('2026-11-01T07:00:00Z'), 2))).toEqual([
        '2026-12-01T07:00:00.000Z',
        '2027-01-01T07:00:00.000Z',
      ]);
      expect(previousOccurrence(spec, 'Europe/Moscow', utc('2026-11-20T00:00:00Z'))?.toISOString()).toBe(
        '2026-11-01T07:00:00.000Z',
      );
      const rrule: ScheduleSpec = { type: 'rrule', rrule: 'FREQ=DAILY;COUNT=2', dtstart: '2026-11-01T10:00' };
      expect(nextOccurrences(rrule, 'UTC', utc('2026-11-05T00:00:00Z'), 3)).toEqual([]);
      expect(
        nextOccurrences({ type: 'once', at: '2026-11-05T10:00' }, 'UTC', utc('2026-11-01T00:00:00Z'), 3),
      ).toHaveLength(1);
    });

    it('currentPeriodKey: the month or quarter of now; for an RRULE the latest occurrence, else the next', () => {
      const now = utc('2026-11-20T12:00:00Z');
      expect(currentPeriodKey(spec, 'Europe/Moscow', now)).toBe('2026-11');
      expect(currentPeriodKey({ type: 'quarterly', time: '10:00' }, 'Europe/Moscow', now)).toBe('2026-Q4');
      expect(currentPeriodKey({ type: 'once', at: '2027-01-05T10:00' }, 'Europe/Moscow', now)).toBe(
        '2027-01-05T10:00',
      );
      const weekly: ScheduleSpec = {
        type: 'rrule',
        rrule: 'FREQ=WEEKLY;BYDAY=MO',
        dtstart: '2026-11-02T09:00',
      };
      expect(currentPeriodKey(weekly, 'Europe/Moscow', now)).toBe('2026-11-16T09:00');
      expect(currentPeriodKey(weekly, 'Europe/Moscow', utc('2026-10-01T00:00:00Z'))).toBe('2026-11-02T09:00');
    });

    it('isPeriodKeyOf checks the format, and for RRULE and one-off schedules an actual occurrence', () => {
      expect(isPeriodKeyOf(spec, 'UTC', '2026-11')).toBe(true);
      expect(isPeriodKeyOf(spec, 'UTC', '2026-13')).toBe(false);
      expect(isPeriodKeyOf(spec, 'UTC', '2026-Q4')).toBe(false);
      expect(isPeriodKeyOf({ type: 'quarterly', time: '10:00' }, 'UTC', '2026-Q4')).toBe(true);
      expect(isPeriodKeyOf({ type: 'quarterly', time: '10:00' }, 'UTC', '2026-Q5')).toBe(false);
      const weekly: ScheduleSpec = {
        type: 'rrule',
        rrule: 'FREQ=WEEKLY;BYDAY=MO',
        dtstart: '2026-11-02T09:00',
      };
      expect(isPeriodKeyOf(weekly, 'Europe/Moscow', '2026-11-09T09:00')).toBe(true);
      expect(isPeriodKeyOf(weekly, 'Europe/Moscow', '2026-11-10T09:00')).toBe(false);
      expect(isPeriodKeyOf(weekly, 'Europe/Moscow', '2026-11-09T10:00')).toBe(false);
      expect(isPeriodKeyOf({ type: 'once', at: '2026-11-05T10:00' }, 'UTC', '2026-11-05T10:00')).toBe(true);
      expect(isPeriodKeyOf({ type: 'once', at: '2026-11-05T10:00' }, 'UTC', '2026-11')).toBe(false);
    });

    it('compiles presets to RRULE text and describes them in words', () => {
      expect(scheduleRRule({ type: 'monthly', day: 31, time: '10:00' }, 'Europe/Moscow')).toBe(
        'RRULE:FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1;BYHOUR=10;BYMINUTE=0;BYSECOND=0',
      );
      expect(scheduleRRule({ type: 'quarterly', time: '10:00' }, 'Europe/Moscow')).toBe(
        'RRULE:FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1;BYHOUR=10;BYMINUTE=0;BYSECOND=0',
      );
      expect(scheduleRRule({ type: 'rrule', rrule: 'freq=weekly', dtstart: '2026-11-02T09:00' }, 'UTC')).toBe(
        'DTSTART;TZID=UTC:20261102T090000\nRRULE:FREQ=WEEKLY',
      );
      expect(describeSchedule({ type: 'monthly', day: 31, time: '10:00' }, 'Europe/Moscow')).toContain(
        'last day',
      );
      expect(
        describeSchedule(
          { type: 'rrule', rrule: 'FREQ=WEEKLY;BYDAY=MO', dtstart: '2026-11-02T09:00' },
          'UTC',
        ),
      ).toBe('Every week on Monday at 09:00 UTC, from 2026-11-02');
    });
  });

  describe('validation', () => {
    it('accepts and normalises the four kinds', () => {
      expect(checkSchedule({ type: 'monthly', day: 31, time: '23:59' }).spec).toEqual({
        type: 'monthly',
        day: 31,
        time: '23:59',
      });
      expect(checkSchedule({ type: 'quarterly', time: '00:00' }).problems).toEqual([]);
      expect(checkSchedule({ type: 'once', at: '2026-11-05T10:00' }).problems).toEqual([]);
      expect(checkSchedule({ type: 'once', at: '2026-11-05T10:00:00+03:00' }).problems).toEqual([]);
      expect(
        checkSchedule({
          type: 'rrule',
          rrule: 'RRULE:freq=monthly;bymonthday=-1;count=12',
          dtstart: '2026-01-01T10:00',
        }).spec,
      ).toEqual({ type: 'rrule', rrule: 'FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=12', dtstart: '2026-01-01T10:00' });
      expect(
        checkSchedule({
          type: 'rrule',
          rrule: 'FREQ=DAILY;UNTIL=20271231T000000Z',
          dtstart: '2026-01-01T10:00',
        }).problems,
      ).toEqual([]);
    });

    it('names each bad field', () => {
      expect(problems(null)).toEqual({ schedule: expect.stringContaining('must be an object') });
      expect(problems({ type: 'weekly' })).toEqual({
        'schedule.type': expect.stringContaining('monthly, quarterly, once, rrule'),
      });
      expect(problems({ type: 'monthly', day: 0, time: '10:00' })).toEqual({
        'schedule.day': expect.stringContaining('1 to 31'),
      });
      expect(Object.keys(problems({ type: 'monthly', day: 32, time: '10:00' }))).toEqual(['schedule.day']);
      expect(Object.keys(problems({ type: 'monthly', day: 1.5, time: '10:00' }))).toEqual(['schedule.day']);
      expect(problems({ type: 'monthly', day: 1, time: '24:00' })).toEqual({
        'schedule.time': expect.stringContaining('HH:MM'),
      });
      expect(Object.keys(problems({ type: 'monthly', day: 1, time: '9:00' }))).toEqual(['schedule.time']);
      expect(Object.keys(problems({ type: 'quarterly' }))).toEqual(['schedule.time']);
      expect(problems({ type: 'quarterly', time: '10:00', day: 1 })).toEqual({
        'schedule.day': expect.stringContaining('not a field of a quarterly schedule'),
      });
      expect(problems({ type: 'once', at: 'tomorrow' })).toEqual({
        'schedule.at': expect.stringContaining('ISO 8601'),
      });
      expect(Object.keys(problems({ type: 'once', at: '2026-11-05' }))).toEqual(['schedule.at']);
      expect(problems({ type: 'rrule', rrule: 'FREQ=DAILY', dtstart: '2026-11-05' })).toEqual({
        'schedule.dtstart': expect.stringContaining('YYYY-MM-DDTHH:MM'),
      });
      expect(
        Object.keys(problems({ type: 'rrule', rrule: 'FREQ=DAILY', dtstart: '2026-02-30T10:00' })),
      ).toEqual(['schedule.dtstart']);
    });

    it('refuses a bad RRULE with the parser’s message', () => {
      const bad = (rrule: string) =>
        problems({ type: 'rrule', rrule, dtstart: '2026-01-01T10:00' })['schedule.rrule'];
      expect(bad('FREQ=DAILY;FOO=1')).toContain("Unknown RRULE property 'FOO'");
      expect(bad('garbage')).toContain('Unknown RRULE property');
      expect(bad('FREQ=FORTNIGHTLY')).toContain('FREQ must be one of YEARLY, MONTHLY, WEEKLY, DAILY');
      expect(bad('BYMONTH=3')).toContain('FREQ is required');
      expect(bad('FREQ=YEARLY;BYMONTH=13')).toContain('months are 1 to 12');
      expect(bad('FREQ=MONTHLY;BYMONTHDAY=0')).toContain('1 to 31');
      expect(bad('FREQ=WEEKLY;BYDAY=XX')).toContain('days are MO');
      expect(bad('FREQ=WEEKLY;COUNT=abc')).toContain('COUNT=ABC: must be a whole number');
      expect(bad('FREQ=DAILY;INTERVAL=0')).toContain('INTERVAL=0');
      expect(bad('FREQ=DAILY;COUNT=2;UNTIL=20261231')).toContain('COUNT and UNTIL cannot both be given');
      expect(bad('FREQ=DAILY;BYHOUR=9,17')).toContain('the time of day comes from dtstart');
      expect(bad('')).toContain('empty');
      expect(bad('DTSTART:20260101T100000\nRRULE:FREQ=DAILY')).toContain('dtstart');
      expect(bad('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30')).toContain('never occurs');
    });

    it('refuses sub-daily frequencies', () => {
      for (const freq of ['HOURLY', 'MINUTELY', 'SECONDLY']) {
        expect(
          problems({ type: 'rrule', rrule: `FREQ=${freq}`, dtstart: '2026-01-01T10:00' })['schedule.rrule'],
        ).toContain('sub-daily frequencies are not supported');
      }
    });

    it('validateSchedule throws a ValidationException naming the fields', () => {
      const error = (() => {
        try {
          validateSchedule({ type: 'monthly', day: 40, time: 'x' });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ValidationException);
      expect((error as ValidationException).details).toEqual([
        { field: 'schedule.day', messages: [expect.any(String)] },
        { field: 'schedule.time', messages: [expect.any(String)] },
      ]);
    });
  });
});
