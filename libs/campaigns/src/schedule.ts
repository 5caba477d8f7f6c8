import { DateTime, IANAZone } from 'luxon';
import { Frequency, Options, RRule } from 'rrule';
import { FieldError, ValidationException } from '@touchbase/core';
import { BusinessCalendar, DEFAULT_BUSINESS_CALENDAR } from './business-calendar';
import type { ScheduleSpec } from './schedule.types';

/*
 * Schedules are evaluated on "floating" wall-clock time: the rule runs over dates whose UTC fields
 * are the local fields in the campaign's zone, and each result is then placed in the zone with luxon.
 * So "monthly on the 1st at 10:00" is 10:00 local on both sides of a DST change, a wall time that
 * does not exist (spring forward) moves to the next valid one, and one that occurs twice (fall back) is
 * its first occurrence (RFC 5545, 3.3.5). "First business day" follows the workspace's holiday calendar.
 */

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const LOCAL_KEY_FORMAT = "yyyy-MM-dd'T'HH:mm";
const BUSINESS_DAYS = [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR];
const DAY_MS = 86_400_000;
// A rule that yields nothing in this many years after its start is refused as never occurring.
const NEVER_YEARS = 10;
const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

export type ScheduleType = ScheduleSpec['type'];
export const SCHEDULE_TYPES: readonly ScheduleType[] = ['monthly', 'quarterly', 'once', 'rrule'];

/** One occurrence of a schedule: when (UTC), the local wall time in the campaign zone, its period key. */
export interface Occurrence {
  at: Date;
  local: string;
  periodKey: string;
}

export function isValidTimeZone(zone: unknown): zone is string {
  return typeof zone === 'string' && zone.length > 0 && IANAZone.isValidZone(zone);
}

/** The occurrences in [from, to] (both inclusive), in time order. */
export function occurrences(
  spec: ScheduleSpec,
  zone: string,
  from: Date,
  to: Date,
  calendar: BusinessCalendar = DEFAULT_BUSINESS_CALENDAR,
): Date[] {
  if (to.getTime() < from.getTime()) return [];
  const inRange = (d: Date) => d.getTime() >= from.getTime() && d.getTime() <= to.getTime();
  if (spec.type === 'once') {
    const at = onceInstant(spec.at, zone);
    return inRange(at) ? [at] : [];
  }
  if (spec.type === 'quarterly') {
    const out: Date[] = [];
    const last = DateTime.fromJSDate(to, { zone });
    // From the quarter before `from` (a first business day can be late in its month) to `to`'s.
    for (let q = quarterOf(DateTime.fromJSDate(from, { zone })) - 1; q <= quarterOf(last); q++) {
      const at = firstBusinessDayOfQuarter(spec, zone, q, calendar);
      if (at && inRange(at)) out.push(at);
    }
    return out;
  }
  // One day of slack either side covers any UTC offset; exact bounds are applied after conversion.
  const fromLocal = DateTime.fromJSDate(from, { zone });
  const rule = buildRule(spec, zone, fromLocal);
  const found = rule.between(
    new Date(toFloating(fromLocal).getTime() - DAY_MS),
    new Date(toFloating(DateTime.fromJSDate(to, { zone })).getTime() + DAY_MS),
    true,
  );
  return dedupe(
    found
      .map((d) => fromFloating(d, zone).toJSDate())
      .filter((d) => d.getTime() >= from.getTime() && d.getTime() <= to.getTime()),
  );
}

/** The first `count` occurrences strictly after `after`. */
export function nextOccurrences(
  spec: ScheduleSpec,
  zone: string,
  after: Date,
  count: number,
  calendar: BusinessCalendar = DEFAULT_BUSINESS_CALENDAR,
): Date[] {
  if (spec.type === 'once') {
    const at = onceInstant(spec.at, zone);
    return at.getTime() > after.getTime() && count > 0 ? [at] : [];
  }
  if (spec.type === 'quarterly') {
    const out: Date[] = [];
    const first = quarterOf(DateTime.fromJSDate(after, { zone })) - 1;
    for (let q = first; out.length < count && q < first + 4 * NEVER_YEARS; q++) {
      const at = firstBusinessDayOfQuarter(spec, zone, q, calendar);
      if (at && at.getTime() > after.getTime()) out.push(at);
    }
    return out;
  }
  const afterLocal = DateTime.fromJSDate(after, { zone });
  const rule = buildRule(spec, zone, afterLocal);
  const out: Date[] = [];
  let cursor = new Date(toFloating(afterLocal).getTime() - DAY_MS);
  // Walk floating dates; a few extra steps absorb the day of slack.
  for (let guard = 0; out.length < count && guard < count + 50; guard++) {
    const next = rule.after(cursor, false);
    if (!next) break;
    cursor = next;
    const at = fromFloating(next, zone).toJSDate();
    if (at.getTime() > after.getTime() && !out.some((o) => o.getTime() === at.getTime())) out.push(at);
  }
  return out;
}

/** The latest occurrence at or before `at`, looking back at most `withinDays`. */
export function previousOccurrence(
  spec: ScheduleSpec,
  zone: string,
  at: Date,
  withinDays = 400,
  calendar: BusinessCalendar = DEFAULT_BUSINESS_CALENDAR,
): Date | null {
  const found = occurrences(spec, zone, new Date(at.getTime() - withinDays * DAY_MS), at, calendar);
  return found.at(-1) ?? null;
}

/** The local wall time of an instant in a zone: `2026-11-05T10:00`. */
export function localTime(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat(LOCAL_KEY_FORMAT);
}

/** The stable name of an occurrence: monthly `2026-11`, quarterly `2026-Q4`, else `2026-11-05T10:00`. */
export function periodKey(spec: ScheduleSpec, occurrence: Date, zone: string): string {
  const local = DateTime.fromJSDate(occurrence, { zone });
  switch (spec.type) {
    case 'monthly':
      return local.toFormat('yyyy-MM');
    case 'quarterly':
      return `${local.year}-Q${local.quarter}`;
    default:
      return local.toFormat(LOCAL_KEY_FORMAT);
  }
}

export function occurrencesWithKeys(
  spec: ScheduleSpec,
  zone: string,
  from: Date,
  to: Date,
  calendar: BusinessCalendar = DEFAULT_BUSINESS_CALENDAR,
): Occurrence[] {
  return occurrences(spec, zone, from, to, calendar).map((at) => ({
    at,
    local: localTime(at, zone),
    periodKey: periodKey(spec, at, zone),
  }));
}

/**
 * The period an edition made "now" is for: the month or quarter containing `now`; for a one-off its
 * occurrence; for an RRULE the latest occurrence at or before now, else the next one.
 */
export function currentPeriodKey(spec: ScheduleSpec, zone: string, now: Date): string | null {
  switch (spec.type) {
    case 'monthly':
    case 'quarterly':
      return periodKey(spec, now, zone);
    case 'once':
      return periodKey(spec, onceInstant(spec.at, zone), zone);
    case 'rrule': {
      const at = previousOccurrence(spec, zone, now) ?? nextOccurrences(spec, zone, now, 1)[0];
      return at ? periodKey(spec, at, zone) : null;
    }
  }
}

/** Whether `key` names a period of this schedule (for RRULE and one-off: an actual occurrence). */
export function isPeriodKeyOf(spec: ScheduleSpec, zone: string, key: string): boolean {
  switch (spec.type) {
    case 'monthly':
      return /^\d{4}-(0[1-9]|1[0-2])$/.test(key);
    case 'quarterly':
      return /^\d{4}-Q[1-4]$/.test(key);
    case 'once':
      return key === periodKey(spec, onceInstant(spec.at, zone), zone);
    case 'rrule': {
      const m = LOCAL_DATE_TIME.exec(key);
      if (!m) return false;
      const day = DateTime.fromObject({ year: +m[1], month: +m[2], day: +m[3] }, { zone });
      if (!day.isValid) return false;
      return occurrences(spec, zone, day.toJSDate(), day.endOf('day').toJSDate()).some(
        (at) => periodKey(spec, at, zone) === key,
      );
    }
  }
}

/** The RRULE the preset compiles to (RFC 5545 text, with DTSTART in the campaign zone). */
export function scheduleRRule(spec: ScheduleSpec, zone: string): string {
  const dtstart = (local: string) => `DTSTART;TZID=${zone}:${local.replace(/[-:]/g, '')}00`;
  switch (spec.type) {
    case 'monthly':
    case 'quarterly': {
      const options = presetOptions(spec);
      return RRule.optionsToString({ ...options, dtstart: null });
    }
    case 'once':
      return `${dtstart(localTime(onceInstant(spec.at, zone), zone))}\nRRULE:FREQ=DAILY;COUNT=1`;
    case 'rrule':
      return `${dtstart(spec.dtstart)}\nRRULE:${normaliseRRule(spec.rrule)}`;
  }
}

/** In words, for people: "Monthly on day 31 at 10:00 (the last day in shorter months)". */
export function describeSchedule(spec: ScheduleSpec, zone: string): string {
  switch (spec.type) {
    case 'monthly':
      return (
        `Monthly on day ${spec.day} at ${spec.time} ${zone}` +
        (spec.day > 28 ? ' (the last day of the month when it is shorter)' : '')
      );
    case 'quarterly':
      return `Quarterly on the first business day (by the holiday calendar) of January, April, July and October at ${spec.time} ${zone}`;
    case 'once':
      return `Once, at ${localTime(onceInstant(spec.at, zone), zone)} ${zone}`;
    case 'rrule': {
      const rule = new RRule({ ...parseRRuleOptions(spec.rrule), dtstart: localToFloating(spec.dtstart) });
      // rrule's wording covers most rules; the rule itself is the fallback.
      const words = rule.isFullyConvertibleToText() ? capitalise(rule.toText()) : spec.rrule;
      return `${words} at ${spec.dtstart.slice(11)} ${zone}, from ${spec.dtstart.slice(0, 10)}`;
    }
  }
}

/** Validates and normalises a schedule; the problems name their field under `field`. */
export function checkSchedule(
  input: unknown,
  field = 'schedule',
): { spec: ScheduleSpec; problems: [] } | { spec: null; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const fail = (name: string | null, message: string) =>
    problems.push({ field: name ? `${field}.${name}` : field, messages: [message] });
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail(null, `${field} must be an object with a type: ${SCHEDULE_TYPES.join(', ')}`);
    return { spec: null, problems };
  }
  const o = input as Record<string, unknown>;
  const allowed: Record<ScheduleType, string[]> = {
    monthly: ['type', 'day', 'time'],
    quarterly: ['type', 'time'],
    once: ['type', 'at'],
    rrule: ['type', 'rrule', 'dtstart'],
  };
  if (!SCHEDULE_TYPES.includes(o.type as ScheduleType)) {
    fail('type', `${field}.type must be one of ${SCHEDULE_TYPES.join(', ')}`);
    return { spec: null, problems };
  }
  const type = o.type as ScheduleType;
  for (const key of Object.keys(o).filter((k) => !allowed[type].includes(k))) {
    fail(key, `${field}.${key} is not a field of a ${type} schedule (fields: ${allowed[type].join(', ')})`);
  }
  const time = () => {
    if (typeof o.time !== 'string' || !TIME.test(o.time))
      fail('time', `${field}.time must be HH:MM (00:00–23:59)`);
    return o.time as string;
  };
  let spec: ScheduleSpec | null = null;
  switch (type) {
    case 'monthly': {
      if (!Number.isInteger(o.day) || (o.day as number) < 1 || (o.day as number) > 31) {
        fail(
          'day',
          `${field}.day must be a whole number from 1 to 31 (a shorter month runs on its last day)`,
        );
      }
      spec = { type, day: o.day as number, time: time() };
      break;
    }
    case 'quarterly':
      spec = { type, time: time() };
      break;
    case 'once': {
      const at = typeof o.at === 'string' ? DateTime.fromISO(o.at, { setZone: true }) : null;
      if (!at || !at.isValid || !/T\d{2}:\d{2}/.test(o.at as string)) {
        fail(
          'at',
          `${field}.at must be an ISO 8601 date and time, e.g. 2026-11-05T10:00 (campaign zone) or with an offset`,
        );
      } else if (at.year < MIN_YEAR || at.year > MAX_YEAR) {
        fail('at', `${field}.at must be between ${MIN_YEAR} and ${MAX_YEAR}`);
      }
      spec = { type, at: typeof o.at === 'string' ? o.at.trim() : '' };
      break;
    }
    case 'rrule': {
      const dtstart = typeof o.dtstart === 'string' ? o.dtstart : '';
      const m = LOCAL_DATE_TIME.exec(dtstart);
      const valid =
        m &&
        DateTime.fromObject({ year: +m[1], month: +m[2], day: +m[3], hour: +m[4], minute: +m[5] }).isValid;
      if (!valid) {
        fail(
          'dtstart',
          `${field}.dtstart must be a local date and time YYYY-MM-DDTHH:MM in the campaign zone`,
        );
      } else if (+m[1] < MIN_YEAR || +m[1] > MAX_YEAR) {
        fail('dtstart', `${field}.dtstart must be between ${MIN_YEAR} and ${MAX_YEAR}`);
      }
      const ruleProblems =
        typeof o.rrule === 'string'
          ? rruleProblems(o.rrule)
          : ['rrule must be a string, e.g. FREQ=WEEKLY;BYDAY=MO'];
      for (const message of ruleProblems) fail('rrule', `${field}.rrule: ${message}`);
      if (ruleProblems.length === 0 && valid && problems.length === 0) {
        const start = localToFloating(dtstart);
        const rule = new RRule({ ...parseRRuleOptions(o.rrule as string), dtstart: start });
        const horizon = new Date(start.getTime() + NEVER_YEARS * 366 * DAY_MS);
        if (rule.between(start, horizon, true, (_d, i) => i < 1).length === 0) {
          fail('rrule', `${field}.rrule never occurs in the ${NEVER_YEARS} years after dtstart`);
        }
      }
      spec = { type, rrule: typeof o.rrule === 'string' ? normaliseRRule(o.rrule) : '', dtstart };
      break;
    }
  }
  return problems.length > 0 || !spec ? { spec: null, problems } : { spec, problems: [] };
}

/** Like checkSchedule, throwing a ValidationException (400) that names each bad field. */
export function validateSchedule(input: unknown, field = 'schedule'): ScheduleSpec {
  const result = checkSchedule(input, field);
  if (!result.spec) {
    throw new ValidationException(
      `The schedule is invalid: ${result.problems.map((p) => p.field).join(', ')}`,
      result.problems,
    );
  }
  return result.spec;
}

// ---------------------------------------------------------------------------------------------------

const SUB_DAILY = ['HOURLY', 'MINUTELY', 'SECONDLY'];
const FREQUENCIES = ['YEARLY', 'MONTHLY', 'WEEKLY', 'DAILY'];
const WEEKDAY = /^([+-]?([1-9]|[1-4]\d|5[0-3]))?(MO|TU|WE|TH|FR|SA|SU)$/;

function intList(value: string, min: number, max: number, allowNegative: boolean): boolean {
  return value.split(',').every((part) => {
    if (!/^[+-]?\d{1,3}$/.test(part)) return false;
    const n = Number(part);
    return n !== 0 && Math.abs(n) >= min && Math.abs(n) <= max && (allowNegative || n > 0);
  });
}

/** What is wrong with an RRULE body (FREQ=…;…), in words; empty when it is fine. */
export function rruleProblems(raw: string): string[] {
  const text = normaliseRRule(raw);
  if (!text) return ['rrule is empty; e.g. FREQ=WEEKLY;BYDAY=MO'];
  if (/DTSTART|\n|\r/i.test(raw)) return ['give the start in dtstart, not inside the rule'];
  try {
    RRule.parseString(text);
  } catch (e) {
    // The parser's own words: "Unknown RRULE property 'FOO'".
    return [(e as Error).message];
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const part of text.split(';')) {
    const [key, value = ''] = part.split('=', 2).map((s) => s.trim().toUpperCase());
    if (!key || !value) {
      problems.push(`"${part}" is not KEY=VALUE`);
      continue;
    }
    if (seen.has(key)) problems.push(`${key} is given twice`);
    seen.add(key);
    const bad = (what: string) => problems.push(`${key}=${value}: ${what}`);
    switch (key) {
      case 'FREQ':
        if (SUB_DAILY.includes(value)) {
          bad('sub-daily frequencies are not supported; a campaign runs at most once a day');
        } else if (!FREQUENCIES.includes(value)) bad(`FREQ must be one of ${FREQUENCIES.join(', ')}`);
        break;
      case 'INTERVAL':
      case 'COUNT':
        if (!/^[1-9]\d{0,3}$/.test(value)) bad('must be a whole number from 1 to 9999');
        break;
      case 'UNTIL':
        if (
          !/^\d{8}(T\d{6}Z?)?$/.test(value) ||
          !DateTime.fromFormat(value.slice(0, 8), 'yyyyMMdd').isValid
        ) {
          bad('must be a date YYYYMMDD or a UTC time YYYYMMDDTHHMMSSZ');
        }
        break;
      case 'BYMONTH':
        if (!intList(value, 1, 12, false)) bad('months are 1 to 12');
        break;
      case 'BYMONTHDAY':
        if (!intList(value, 1, 31, true)) bad('days of the month are 1 to 31 or -31 to -1');
        break;
      case 'BYYEARDAY':
        if (!intList(value, 1, 366, true)) bad('days of the year are 1 to 366 or -366 to -1');
        break;
      case 'BYWEEKNO':
        if (!intList(value, 1, 53, true)) bad('weeks are 1 to 53 or -53 to -1');
        break;
      case 'BYSETPOS':
        if (!intList(value, 1, 366, true)) bad('positions are 1 to 366 or -366 to -1');
        break;
      case 'BYDAY':
        if (!value.split(',').every((d) => WEEKDAY.test(d)))
          bad('days are MO, TU, WE, TH, FR, SA, SU, e.g. 1MO or -1FR');
        break;
      case 'WKST':
        if (!/^(MO|TU|WE|TH|FR|SA|SU)$/.test(value)) bad('WKST is one of MO, TU, WE, TH, FR, SA, SU');
        break;
      case 'BYHOUR':
      case 'BYMINUTE':
      case 'BYSECOND':
        bad('the time of day comes from dtstart; BYHOUR, BYMINUTE and BYSECOND are not supported');
        break;
      default:
        bad(`${key} is not supported`);
    }
  }
  if (!seen.has('FREQ')) problems.push(`FREQ is required (one of ${FREQUENCIES.join(', ')})`);
  if (seen.has('COUNT') && seen.has('UNTIL')) problems.push('COUNT and UNTIL cannot both be given');
  return problems;
}

function normaliseRRule(raw: string): string {
  return raw
    .trim()
    .replace(/^RRULE:/i, '')
    .replace(/;+$/, '')
    .toUpperCase();
}

function parseRRuleOptions(raw: string): Partial<Options> {
  return RRule.parseString(normaliseRRule(raw));
}

function presetOptions(spec: Extract<ScheduleSpec, { type: 'monthly' | 'quarterly' }>): Partial<Options> {
  const [hour, minute] = spec.time.split(':').map(Number);
  const clock = { byhour: [hour], byminute: [minute], bysecond: [0] };
  if (spec.type === 'quarterly') {
    // The RRULE text shown for the preset: the first Mon–Fri of each quarter's first month. Occurrences
    // come from firstBusinessDayOfQuarter, which also skips the holiday calendar's days off.
    return {
      freq: Frequency.MONTHLY,
      bymonth: [1, 4, 7, 10],
      byweekday: BUSINESS_DAYS,
      bysetpos: [1],
      ...clock,
    };
  }
  if (spec.day <= 28) return { freq: Frequency.MONTHLY, bymonthday: [spec.day], ...clock };
  // Day 29–31: the last of 28..day that the month has, so a shorter month runs on its last day.
  const days = Array.from({ length: spec.day - 27 }, (_, i) => 28 + i);
  return { freq: Frequency.MONTHLY, bymonthday: days, bysetpos: [-1], ...clock };
}

/** Quarters counted from year 0: 4 × year + (0…3). */
function quarterOf(local: DateTime): number {
  return local.year * 4 + (local.quarter - 1);
}

/** The occurrence of quarter `q`: its first month's first business day at the time, or null if none. */
function firstBusinessDayOfQuarter(
  spec: Extract<ScheduleSpec, { type: 'quarterly' }>,
  zone: string,
  q: number,
  calendar: BusinessCalendar,
): Date | null {
  const [hour, minute] = spec.time.split(':').map(Number);
  const year = Math.floor(q / 4);
  const month = (q % 4) * 3 + 1;
  const days = DateTime.utc(year, month, 1).daysInMonth!;
  for (let day = 1; day <= days; day++) {
    const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (calendar.isBusinessDay(date)) {
      return fromFloating(new Date(Date.UTC(year, month - 1, day, hour, minute)), zone).toJSDate();
    }
  }
  return null;
}

/** The floating-time rule; presets start at the month before `near` (they have no start of their own). */
function buildRule(
  spec: Exclude<ScheduleSpec, { type: 'once' | 'quarterly' }>,
  zone: string,
  near: DateTime,
): RRule {
  if (spec.type === 'rrule') {
    const options = parseRRuleOptions(spec.rrule);
    const until = untilOf(spec.rrule, zone);
    return new RRule({ ...options, until, dtstart: localToFloating(spec.dtstart) });
  }
  const start = near.startOf('month').minus({ months: 1 });
  return new RRule({ ...presetOptions(spec), dtstart: toFloating(start) });
}

// RFC 5545: with a zoned DTSTART, a UTC UNTIL is an instant; a date-only or floating one is local.
function untilOf(raw: string, zone: string): Date | null {
  const m = /UNTIL=(\d{8})(T(\d{6})(Z?))?/i.exec(normaliseRRule(raw));
  if (!m) return null;
  const time = m[3] ?? '235959';
  const fields = {
    year: +m[1].slice(0, 4),
    month: +m[1].slice(4, 6),
    day: +m[1].slice(6, 8),
    hour: +time.slice(0, 2),
    minute: +time.slice(2, 4),
    second: +time.slice(4, 6),
  };
  if (m[4] === 'Z') return toFloating(DateTime.fromObject(fields, { zone: 'utc' }).setZone(zone));
  return toFloating(DateTime.fromObject(fields, { zone: 'utc' }));
}

/** A one-off's instant: with an offset it is absolute; without one it is wall time in the zone. */
export function onceInstant(at: string, zone: string): Date {
  const dt = DateTime.fromISO(at, { zone });
  return (/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(at.trim()) ? dt : firstOccurrence(dt)).toJSDate();
}

// A wall time that occurs twice (fall back) is its first occurrence (RFC 5545, 3.3.5); luxon takes the second.
function firstOccurrence(dt: DateTime): DateTime {
  return dt.getPossibleOffsets().reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a), dt);
}

function toFloating(dt: DateTime): Date {
  return new Date(Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second));
}

function fromFloating(d: Date, zone: string): DateTime {
  const local = DateTime.fromObject(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    },
    { zone },
  );
  return firstOccurrence(local);
}

function localToFloating(local: string): Date {
  const m = LOCAL_DATE_TIME.exec(local);
  if (!m) throw new Error(`Not a local date-time: ${local}`);
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]));
}

function dedupe(dates: Date[]): Date[] {
  const seen = new Set<number>();
  return dates.filter((d) => !seen.has(d.getTime()) && seen.add(d.getTime()));
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
