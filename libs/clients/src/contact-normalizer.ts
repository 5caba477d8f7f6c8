import { parsePhoneNumberFromString, CountryCode } from 'libphonenumber-js/max';

export type Normalized<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * Phone numbers are stored in E.164. A number without a country code is read in the workspace's
 * region (RU unless configured): "8 (912) 345-67-89" → "+79123456789".
 */
export function normalizePhone(raw: string, defaultRegion: string): Normalized<string> {
  const trimmed = raw.trim();
  if (!/\d/.test(trimmed)) return { ok: false, message: `"${trimmed}" is not a phone number` };
  const parsed = parsePhoneNumberFromString(trimmed, defaultRegion as CountryCode);
  if (!parsed || !parsed.isValid()) return { ok: false, message: `"${trimmed}" is not a valid phone number` };
  return { ok: true, value: parsed.number };
}

/** normalizePhone and isMobilePhone with one parse, for bulk writes. */
export function classifyPhone(
  raw: string,
  defaultRegion: string,
): Normalized<{ e164: string; mobile: boolean }> {
  const trimmed = raw.trim();
  if (!/\d/.test(trimmed)) return { ok: false, message: `"${trimmed}" is not a phone number` };
  const parsed = parsePhoneNumberFromString(trimmed, defaultRegion as CountryCode);
  if (!parsed || !parsed.isValid()) return { ok: false, message: `"${trimmed}" is not a valid phone number` };
  const type = parsed.getType();
  const mobile =
    type === undefined || type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE' || type === 'PERSONAL_NUMBER';
  return { ok: true, value: { e164: parsed.number, mobile } };
}

/** True when the number can receive SMS (mobile, or a type the metadata cannot tell apart). */
export function isMobilePhone(e164: string): boolean {
  const type = parsePhoneNumberFromString(e164)?.getType();
  return (
    type === undefined || type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE' || type === 'PERSONAL_NUMBER'
  );
}

// Deliberately simple and strict enough: one @, no spaces, a dot in the domain part.
const EMAIL = /^[^\s@"<>(),;:\\[\]]+@[^\s@"<>(),;:\\[\]]+\.[^\s@"<>(),;:\\[\]]{2,}$/;

export function normalizeEmail(raw: string): Normalized<string> {
  const value = raw.trim().toLowerCase();
  if (!EMAIL.test(value) || value.length > 320)
    return { ok: false, message: `"${raw.trim()}" is not a valid email address` };
  return { ok: true, value };
}

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

const COUNTRY_NAMES: Record<string, string> = {
  россия: 'RU',
  'российская федерация': 'RU',
  рф: 'RU',
  russia: 'RU',
  'russian federation': 'RU',
  беларусь: 'BY',
  belarus: 'BY',
  казахстан: 'KZ',
  kazakhstan: 'KZ',
  армения: 'AM',
  armenia: 'AM',
  узбекистан: 'UZ',
  uzbekistan: 'UZ',
  германия: 'DE',
  germany: 'DE',
};

/** ISO 3166-1 alpha-2 from a code or a common country name. */
export function normalizeCountry(raw: string): Normalized<string> {
  const v = raw.trim();
  if (/^[A-Za-z]{2}$/.test(v)) return { ok: true, value: v.toUpperCase() };
  const code = COUNTRY_NAMES[v.toLowerCase()];
  return code
    ? { ok: true, value: code }
    : { ok: false, message: `"${v}" is not a country code (use ISO 3166-1 alpha-2, e.g. RU)` };
}

export function normalizeTags(tags: string[]): string[] {
  return Array.from(new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0))).sort();
}
