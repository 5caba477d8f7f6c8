import {
  BusinessCalendar,
  checkHolidayCalendar,
  DEFAULT_BUSINESS_CALENDAR,
  statutoryDaysOff,
} from './business-calendar';

const days = (from: string, n: number) =>
  Array.from({ length: n }, (_, i) =>
    new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10),
  );
const business = (dates: string[]) => dates.map((d) => DEFAULT_BUSINESS_CALENDAR.isBusinessDay(d));

describe('the Russian production calendar (default)', () => {
  it('1–8 January 2027 are days off; Monday 11 January is the first business day', () => {
    expect(business(days('2027-01-01', 8))).toEqual(Array(8).fill(false));
    expect(business(['2027-01-09', '2027-01-10', '2027-01-11'])).toEqual([false, false, true]);
  });

  it('2025 by decree № 1335: 2, 8 and 13 May, 3 November and 31 December off; Saturday 1 November works', () => {
    expect(business(['2025-05-02', '2025-05-08', '2025-06-13', '2025-11-03', '2025-12-31'])).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(DEFAULT_BUSINESS_CALENDAR.isBusinessDay('2025-11-01')).toBe(true);
    // 23 February and 8 March fell on a weekend and were moved to May and June, not to the Monday after.
    expect(business(['2025-02-24', '2025-03-10', '2025-05-07'])).toEqual([true, true, true]);
  });

  it('2026 by decree № 1466: 1–11 January off, 9 March and 11 May off, 31 December off', () => {
    expect(business(days('2026-01-01', 11))).toEqual(Array(11).fill(false));
    expect(business(['2026-01-12', '2026-03-09', '2026-05-11', '2026-11-04', '2026-12-31'])).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('counts 247 working days in 2025 and in 2026, as the official calendars do', () => {
    expect(business(days('2025-01-01', 365)).filter(Boolean)).toHaveLength(247);
    expect(business(days('2026-01-01', 365)).filter(Boolean)).toHaveLength(247);
  });

  it('art. 112 moves a weekend holiday to the next working day, but not the January ones', () => {
    expect(statutoryDaysOff(2027)).toEqual(
      expect.arrayContaining(['2027-05-01', '2027-05-03', '2027-05-09', '2027-05-10', '2027-06-14']),
    );
    expect(statutoryDaysOff(2027).filter((d) => d.startsWith('2027-01'))).toEqual(days('2027-01-01', 8));
    // 2028: 1 January is a Saturday; 8 March a Wednesday; 12 June a Monday.
    expect(statutoryDaysOff(2028)).not.toContain('2028-01-10');
  });
});

describe('checking a calendar an admin sends', () => {
  it('names each bad date, repeated date and weekday working day', () => {
    const { problems } = checkHolidayCalendar({
      daysOff: ['2027-02-30', '2027-01-01', '2027-01-01', 'tomorrow'],
      workingDays: ['2027-01-04', '2027-01-02', '2027-01-01'],
    });
    expect(Object.fromEntries(problems.map((p) => [p.field, p.messages.join(' | ')]))).toEqual({
      'daysOff[0]': expect.stringContaining('must be a calendar date YYYY-MM-DD'),
      'daysOff[2]': expect.stringContaining('given twice'),
      'daysOff[3]': expect.stringContaining('must be a calendar date YYYY-MM-DD'),
      'workingDays[0]': expect.stringContaining('is a Monday, already a working day'),
      'workingDays[2]': expect.stringContaining('also in daysOff'),
    });
  });

  it('returns the lists sorted', () => {
    const { calendar, problems } = checkHolidayCalendar({
      daysOff: ['2027-03-08', '2027-01-01'],
      workingDays: ['2027-11-13'],
    });
    expect(problems).toEqual([]);
    expect(calendar).toEqual({ daysOff: ['2027-01-01', '2027-03-08'], workingDays: ['2027-11-13'] });
    expect(new BusinessCalendar(calendar).isBusinessDay('2027-11-13')).toBe(true);
  });
});
