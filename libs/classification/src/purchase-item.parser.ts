import { IANAZone } from 'luxon';
import { isUuid } from '@touchbase/core';

/** A purchase ready to be written: validated and normalised. */
export interface PurchaseRow {
  /** The id in the ERP; makes the row idempotent. Without it every submission is a new purchase. */
  externalId: string | null;
  /** Exactly one of clientId and clientExternalRef is set. */
  clientId: string | null;
  clientExternalRef: string | null;
  purchasedAt: Date;
  /** A decimal string with at most 2 decimals, never zero; negative for a return. */
  amount: string;
  /** ISO 4217, upper case. */
  currency: string;
  product: string | null;
  productCategory: string | null;
}

export interface PurchaseFieldError {
  field: string;
  message: string;
}

export type PurchaseParseResult =
  { ok: true; row: PurchaseRow } | { ok: false; errors: PurchaseFieldError[] };

export interface PurchaseParseContext {
  /** Used when an item has no currency. */
  currency: string;
  /** Dates and date-times without an offset are read in this zone. */
  timeZone: string;
  now?: Date;
}

export const PURCHASE_FIELDS = [
  'externalId',
  'clientId',
  'clientExternalRef',
  'purchasedAt',
  'amount',
  'currency',
  'product',
  'productCategory',
] as const;

const DECIMAL = /^-?\d{1,12}(\.\d{1,2})?$/;
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const TEXT_LIMITS = { externalId: 200, clientExternalRef: 200, product: 300, productCategory: 200 } as const;
// A purchase dated more than a day ahead is a typo, not a time zone difference.
const FUTURE_TOLERANCE_MS = 86_400_000;

/**
 * Validates one purchase item (a JSON object from the API, or a record mapped from an import row,
 * where every value may be a string) and reports every bad field at once.
 */
export function parsePurchaseItem(raw: unknown, ctx: PurchaseParseContext): PurchaseParseResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: '', message: 'an item must be an object' }] };
  }
  const item = raw as Record<string, unknown>;
  const errors: PurchaseFieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field, message });

  for (const key of Object.keys(item)) {
    if (!(PURCHASE_FIELDS as readonly string[]).includes(key)) fail(key, `${key} is not an allowed field`);
  }

  const text = (field: keyof typeof TEXT_LIMITS): string | null => {
    const value = item[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' && typeof value !== 'number') {
      fail(field, `${field} must be a string`);
      return null;
    }
    const trimmed = String(value).trim();
    if (trimmed.length > TEXT_LIMITS[field])
      fail(field, `${field} must be at most ${TEXT_LIMITS[field]} characters`);
    return trimmed === '' ? null : trimmed;
  };

  const externalId = text('externalId');
  const clientExternalRef = text('clientExternalRef');
  const product = text('product');
  const productCategory = text('productCategory');

  let clientId: string | null = null;
  const rawClientId = item.clientId;
  if (rawClientId !== undefined && rawClientId !== null && rawClientId !== '') {
    if (typeof rawClientId === 'string' && isUuid(rawClientId.trim()))
      clientId = rawClientId.trim().toLowerCase();
    else fail('clientId', 'clientId must be a UUID');
  }
  if (clientId && clientExternalRef) {
    fail('clientId', 'give either clientId or clientExternalRef, not both');
  } else if (!clientId && !clientExternalRef && !errors.some((e) => e.field === 'clientId')) {
    fail('clientId', 'clientId or clientExternalRef is required');
  }

  const purchasedAt = parseDate(item.purchasedAt, ctx, fail);
  const amount = parseAmount(item.amount, fail);

  let currency = ctx.currency;
  if (item.currency !== undefined && item.currency !== null && item.currency !== '') {
    const code = typeof item.currency === 'string' ? item.currency.trim().toUpperCase() : '';
    if (CURRENCIES.has(code)) currency = code;
    else fail('currency', 'currency must be an ISO 4217 code such as RUB, USD, EUR');
  }

  if (errors.length > 0 || !purchasedAt || amount === null) return { ok: false, errors };
  return {
    ok: true,
    row: { externalId, clientId, clientExternalRef, purchasedAt, amount, currency, product, productCategory },
  };
}

function parseDate(
  value: unknown,
  ctx: PurchaseParseContext,
  fail: (field: string, message: string) => void,
): Date | null {
  if (value === undefined || value === null || value === '') {
    fail('purchasedAt', 'purchasedAt is required');
    return null;
  }
  const date = typeof value === 'string' ? parseIsoInstant(value.trim(), ctx.timeZone) : null;
  if (!date) {
    fail(
      'purchasedAt',
      'purchasedAt must be an ISO 8601 date (2025-03-31) or date-time (2025-03-31T14:05:00Z)',
    );
    return null;
  }
  const now = ctx.now ?? new Date();
  if (date.getUTCFullYear() < 1900 || date.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    fail('purchasedAt', 'purchasedAt must not be in the future or before 1900');
    return null;
  }
  return date;
}

function parseAmount(value: unknown, fail: (field: string, message: string) => void): string | null {
  if (value === undefined || value === null || value === '') {
    fail('amount', 'amount is required');
    return null;
  }
  let text: string | null = null;
  if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  // Import files often use a decimal comma and spaces between thousands.
  else if (typeof value === 'string')
    text = value
      .trim()
      .replace(/[\s\u00a0]/g, '')
      .replace(',', '.');
  if (text === null || !DECIMAL.test(text)) {
    fail(
      'amount',
      'amount must be a number with at most 2 decimals, below 1,000,000,000,000 in absolute value',
    );
    return null;
  }
  if (Number(text) === 0) {
    fail('amount', 'amount must not be zero (negative amounts are returns)');
    return null;
  }
  return text;
}

/**
 * An ISO 8601 date or date-time as an instant: with an offset as given; without one (or a date
 * alone, meaning midnight) as the wall-clock time in `timeZone`. Null when it is no real date
 * (2025-02-30, 24:00). Hand-rolled: luxon's fromISO costs ~90 µs a call, too slow for 10,000 items.
 */
export function parseIsoInstant(text: string, timeZone: string): Date | null {
  const parts = isoParts(text);
  return parts ? toInstant(parts.wallMs, parts.offsetMinutes, timeZone) : null;
}

/**
 * A `from`/`to` query bound: a date-time as given; a date alone is that day in `timeZone`, so as an
 * upper bound it means the start of the next day (the whole day included). Null when not a date.
 */
export function parseDateBound(text: string, timeZone: string, bound: 'from' | 'to'): Date | null {
  const parts = isoParts(text);
  if (!parts) return null;
  const wall = bound === 'to' && parts.dateOnly ? parts.wallMs + 86_400_000 : parts.wallMs;
  return toInstant(wall, parts.offsetMinutes, timeZone);
}

interface IsoParts {
  /** The date and time as written, read as if UTC. */
  wallMs: number;
  offsetMinutes: number | null;
  dateOnly: boolean;
}

/** YYYY-MM-DD, optionally Thh:mm[:ss[.ffffff]] and Z or ±hh[[:]mm]. */
export const ISO_DATE_OR_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|([+-])(\d{2}):?(\d{2})?)?)?$/;

function isoParts(text: string): IsoParts | null {
  const m = ISO_DATE_OR_DATE_TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  // (Date.UTC reads years below 100 as 19xx; such dates are refused anyway.)
  if (
    year < 1000 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > new Date(Date.UTC(year, month, 0)).getUTCDate()
  ) {
    return null;
  }
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  let offsetMinutes: number | null = null;
  if (m[8] === 'Z') offsetMinutes = 0;
  else if (m[8]) {
    const [h, min] = [Number(m[10]), Number(m[11] ?? 0)];
    if (h > 23 || min > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (h * 60 + min);
  }
  return {
    wallMs: Date.UTC(year, month - 1, day, hour, minute, second, millis),
    offsetMinutes,
    dateOnly: m[4] === undefined,
  };
}

function toInstant(wallMs: number, offsetMinutes: number | null, timeZone: string): Date {
  if (offsetMinutes !== null) return new Date(wallMs - offsetMinutes * 60_000);
  // The zone's offset at the wall time, corrected once if a DST change lies in between.
  const first = zoneOffset(timeZone, wallMs);
  const guess = wallMs - first * 60_000;
  const second = zoneOffset(timeZone, guess);
  return new Date(second === first ? guess : wallMs - second * 60_000);
}

// Zone offsets by the hour: they change on the hour (a DST change), and computing one through Intl
// is what makes date parsing slow.
const offsetCache = new Map<string, number>();

function zoneOffset(timeZone: string, utcMs: number): number {
  const key = `${timeZone}|${Math.floor(utcMs / 3_600_000)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    if (offsetCache.size > 100_000) offsetCache.clear();
    offset = IANAZone.create(timeZone).offset(utcMs);
    offsetCache.set(key, offset);
  }
  return offset;
}
