import { DateTime } from 'luxon';
import { ValidationException } from '@touchbase/core';

/** `2026` (a year), `2026-11` (a month) or `2026-Q4` (a quarter). */
export const PERIOD_PATTERN = /^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$/;
export const PERIOD_MESSAGE = 'period must be a month (2026-11), a quarter (2026-Q4) or a year (2026)';

/** A report's period: [from, to) in the workspace time zone. */
export interface ReportPeriod {
  key: string;
  from: Date;
  to: Date;
  /** The quarters the period overlaps, as campaign period keys (`2026-Q4`). */
  quarters: string[];
}

/** The period a key names, in `zone`; the current month when no key is given. */
export function parsePeriod(key: string | undefined, zone: string, now = new Date()): ReportPeriod {
  if (key === undefined) {
    const local = DateTime.fromJSDate(now, { zone });
    return parsePeriod(local.toFormat('yyyy-MM'), zone, now);
  }
  const match = PERIOD_PATTERN.exec(key);
  if (!match)
    throw new ValidationException(PERIOD_MESSAGE, [{ field: 'period', messages: [PERIOD_MESSAGE] }]);
  const year = Number(match[1]);
  let start: DateTime;
  let end: DateTime;
  if (match[2]) {
    start = DateTime.fromObject({ year, month: Number(match[2]), day: 1 }, { zone });
    end = start.plus({ months: 1 });
  } else if (match[3]) {
    start = DateTime.fromObject({ year, month: (Number(match[3]) - 1) * 3 + 1, day: 1 }, { zone });
    end = start.plus({ months: 3 });
  } else {
    start = DateTime.fromObject({ year, month: 1, day: 1 }, { zone });
    end = start.plus({ years: 1 });
  }
  const quarters: string[] = [];
  for (let q = start; q < end; q = q.plus({ months: 3 }).startOf('quarter')) {
    const name = `${q.year}-Q${q.quarter}`;
    if (!quarters.includes(name)) quarters.push(name);
  }
  return { key, from: start.toJSDate(), to: end.toJSDate(), quarters };
}
