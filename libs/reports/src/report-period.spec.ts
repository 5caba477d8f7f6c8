import { ValidationException } from '@touchbase/core';
import { parsePeriod } from './report-period';

describe('parsePeriod', () => {
  it('reads a month in the workspace zone, with its quarter', () => {
    expect(parsePeriod('2026-11', 'Europe/Moscow')).toEqual({
      key: '2026-11',
      from: new Date('2026-10-31T21:00:00Z'),
      to: new Date('2026-11-30T21:00:00Z'),
      quarters: ['2026-Q4'],
    });
  });

  it('reads a quarter and a year', () => {
    const q = parsePeriod('2026-Q1', 'Asia/Vladivostok');
    expect([q.from, q.to]).toEqual([new Date('2025-12-31T14:00:00Z'), new Date('2026-03-31T14:00:00Z')]);
    expect(q.quarters).toEqual(['2026-Q1']);
    expect(parsePeriod('2026', 'UTC').quarters).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
  });

  it('defaults to the current month', () => {
    expect(parsePeriod(undefined, 'Europe/Moscow', new Date('2026-12-31T22:00:00Z')).key).toBe('2027-01');
  });

  it.each(['2026-13', '2026-00', '2026-Q0', '2026-Q5', '26-11', '2026-1', 'now'])(
    'refuses %s naming period',
    (key) => {
      expect(() => parsePeriod(key, 'UTC')).toThrow(ValidationException);
      try {
        parsePeriod(key, 'UTC');
      } catch (e) {
        expect((e as ValidationException).details).toEqual([
          { field: 'period', messages: [expect.stringMatching(/^period must be/)] },
        ]);
      }
    },
  );
});
