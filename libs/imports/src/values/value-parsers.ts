import { DateTime } from 'luxon';
import { ClientKind, isValidTimeZone, Normalized } from '@touchbase/clients';
import { Channel, Locale } from '@touchbase/core';
import { Frequency } from '@touchbase/preferences';

// Every value a person may type, compared in this form: lower case, ё → е, letters and digits only.
function key(text: string): string {
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}+]+/gu, '');
}

// Symbols ('-', '✓', '$') have no letters: they are looked up as typed.
function lookup<T>(table: Record<string, T>, raw: string, ru: string, en: string): Normalized<T> {
  const k = key(raw);
  const value = k ? table[k] : table[raw.trim()];
  return value === undefined
    ? { ok: false, message: `${ru} «${raw.trim()}» / ${en} "${raw.trim()}"` }
    : { ok: true, value };
}

function table<T>(entries: [T, string[]][]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [value, words] of entries) for (const w of words) out[key(w) || w] = value;
  return out;
}

const YES_NO = table<boolean>([
  [
    true,
    [
      'да',
      'д',
      'yes',
      'y',
      'true',
      'истина',
      '1',
      '+',
      'x',
      'х',
      '✓',
      '✔',
      'вкл',
      'on',
      'разрешено',
      'разрешен',
      'разрешена',
      'разрешены',
      'allowed',
    ],
  ],
  [
    false,
    [
      'нет',
      'н',
      'no',
      'n',
      'false',
      'ложь',
      '0',
      '-',
      '—',
      '–',
      'выкл',
      'off',
      'запрещено',
      'запрещен',
      'запрещена',
      'запрещены',
      'not allowed',
    ],
  ],
]);

export function parseYesNo(raw: string): Normalized<boolean> {
  if (raw.trim() === '') return { ok: false, message: 'Пустое значение / Empty value' };
  return lookup(YES_NO, raw, 'Ожидается «да» или «нет», получено', 'Expected yes or no, got');
}

const KINDS = table<ClientKind>([
  [
    ClientKind.Company,
    [
      'юр. лицо',
      'юрлицо',
      'юридическое лицо',
      'юл',
      'компания',
      'организация',
      'ип',
      'индивидуальный предприниматель',
      'company',
      'legal entity',
      'business',
      'organization',
      'organisation',
      'b2b',
    ],
  ],
  [
    ClientKind.Person,
    [
      'физ. лицо',
      'физлицо',
      'физическое лицо',
      'фл',
      'частное лицо',
      'person',
      'individual',
      'private person',
      'private',
      'b2c',
    ],
  ],
]);

export function parseClientKind(raw: string): Normalized<ClientKind> {
  return lookup(
    KINDS,
    raw,
    'Неизвестный тип клиента (юр. лицо или физ. лицо)',
    'Unknown client kind (company or person)',
  );
}

const LOCALES = table<Locale>([
  [Locale.Ru, ['ru', 'rus', 'ru-ru', 'рус', 'русский', 'russian', 'ру']],
  [Locale.En, ['en', 'eng', 'en-us', 'en-gb', 'англ', 'английский', 'english']],
]);

export function parseLocale(raw: string): Normalized<Locale> {
  return lookup(LOCALES, raw, 'Неизвестный язык (ru или en)', 'Unknown language (ru or en)');
}

const FREQUENCIES = table<Frequency>([
  [
    Frequency.Weekly,
    [
      'раз в неделю',
      '1 раз в неделю',
      'не чаще раза в неделю',
      'еженедельно',
      'weekly',
      'once a week',
      'at most once a week',
    ],
  ],
  [
    Frequency.TwiceMonthly,
    [
      'дважды в месяц',
      '2 раза в месяц',
      'два раза в месяц',
      'twice a month',
      'twice monthly',
      'twice-monthly',
      'at most twice a month',
    ],
  ],
  [
    Frequency.Monthly,
    ['раз в месяц', '1 раз в месяц', 'ежемесячно', 'monthly', 'once a month', 'at most once a month'],
  ],
  [
    Frequency.Quarterly,
    [
      'раз в квартал',
      '1 раз в квартал',
      'ежеквартально',
      'quarterly',
      'once a quarter',
      'at most once a quarter',
    ],
  ],
  [Frequency.Unlimited, ['без ограничений', 'не ограничено', 'unlimited', 'no limit', 'any']],
]);

export function parseFrequency(raw: string): Normalized<Frequency> {
  return lookup(
    FREQUENCIES,
    raw,
    'Неизвестная частота (раз в неделю, дважды в месяц, раз в месяц, раз в квартал, без ограничений)',
    'Unknown frequency (weekly, twice a month, monthly, quarterly, unlimited)',
  );
}

const CHANNELS = table<Channel>([
  [Channel.Email, ['email', 'e-mail', 'эл. почта', 'электронная почта', 'емейл', 'имейл']],
  [Channel.Sms, ['sms', 'смс']],
  [Channel.Call, ['звонок', 'звонки', 'телефон', 'call', 'calls', 'phone']],
  [Channel.Letter, ['письмо', 'письма', 'почта', 'почтовое письмо', 'letter', 'letters', 'post']],
]);

export function parseChannel(raw: string): Normalized<Channel> {
  return lookup(
    CHANNELS,
    raw,
    'Неизвестный канал (email, SMS, звонок, письмо)',
    'Unknown channel (email, sms, call, letter)',
  );
}

// isValidTimeZone builds an Intl.DateTimeFormat (~150 µs); a file has a handful of distinct zones.
const zoneValidity = new Map<string, boolean>();

export function parseTimeZone(raw: string): Normalized<string> {
  const value = raw.trim();
  let valid = zoneValidity.get(value);
  if (valid === undefined) {
    valid = isValidTimeZone(value);
    if (zoneValidity.size < 10_000) zoneValidity.set(value, valid);
  }
  return valid
    ? { ok: true, value }
    : {
        ok: false,
        message: `Неизвестный часовой пояс «${value}» (нужен IANA, например Europe/Moscow) / Unknown time zone "${value}" (use IANA, e.g. Europe/Moscow)`,
      };
}

/** Tags separated by commas or semicolons. */
export function splitList(raw: string): string[] {
  return raw
    .split(/[,;\n]/)
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/**
 * "1 234,56", "1234.56", "1,234.56", "12 500 ₽" → "1234.56" (a decimal string, exact); two decimals at
 * most; negative is a return, zero is refused.
 */
export function parseAmount(raw: string): Normalized<string> {
  let text = raw.replace(/[\s\u00a0\u202f']/g, '').replace(/(руб\.?|р\.|₽|rub|rur)$/i, '');
  const lastComma = text.lastIndexOf(',');
  const lastDot = text.lastIndexOf('.');
  if (lastComma > lastDot) text = text.replace(/\./g, '').replace(',', '.');
  else text = text.replace(/,/g, '');
  const bad = `Сумма «${raw.trim()}» не является числом / Amount "${raw.trim()}" is not a number`;
  if (!/^-?\d{1,12}(\.\d+)?$/.test(text)) return { ok: false, message: bad };
  if (!/^-?\d+(\.\d{1,2})?$/.test(text)) {
    return {
      ok: false,
      message: 'В сумме больше двух знаков после запятой / The amount has more than two decimals',
    };
  }
  if (Number(text) === 0)
    return { ok: false, message: 'Сумма не может быть нулевой / The amount cannot be zero' };
  return { ok: true, value: text.replace(/^(-?)0+(?=\d)/, '$1') };
}

const CURRENCIES = table<string>([
  ['RUB', ['rub', 'rur', 'руб', 'руб.', 'р', 'р.', '₽', 'рубль', 'рубли', 'рублей']],
  ['USD', ['usd', '$', 'долл', 'доллар', 'доллары']],
  ['EUR', ['eur', '€', 'евро']],
]);

export function parseCurrency(raw: string): Normalized<string> {
  const text = raw.trim();
  const k = key(text);
  const known = k ? CURRENCIES[k] : CURRENCIES[text];
  if (known) return { ok: true, value: known };
  if (/^[A-Za-z]{3}$/.test(text)) return { ok: true, value: text.toUpperCase() };
  return {
    ok: false,
    message: `Неизвестная валюта «${text}» (нужен код ISO 4217, например RUB) / Unknown currency "${text}" (use ISO 4217, e.g. RUB)`,
  };
}

const DATE_FORMATS = [
  'dd.MM.yyyy',
  'dd.MM.yyyy H:mm',
  'dd.MM.yyyy H:mm:ss',
  'dd.MM.yy',
  'd.M.yyyy',
  'd.M.yyyy H:mm',
  'd.M.yy',
  'dd/MM/yyyy',
  'dd/MM/yyyy H:mm',
  'yyyy-MM-dd',
  'yyyy-MM-dd H:mm',
  'yyyy-MM-dd H:mm:ss',
  "yyyy-MM-dd'T'HH:mm",
  "yyyy-MM-dd'T'HH:mm:ss",
];

/** A date (and time) as people write them, read in the workspace's time zone unless it carries an offset. */
export function parseDate(raw: string, zone: string): Normalized<Date> {
  const text = raw.trim();
  const iso = DateTime.fromISO(text, { setZone: true });
  if (iso.isValid && /[zZ]|[+-]\d\d:?\d\d$/.test(text)) return { ok: true, value: iso.toJSDate() };
  for (const format of DATE_FORMATS) {
    const d = DateTime.fromFormat(text, format, { zone });
    if (d.isValid) {
      if (d.year < 1900 || d.year > 2200) break;
      return { ok: true, value: d.toJSDate() };
    }
  }
  return {
    ok: false,
    message: `Дата «${text}» не распознана (ДД.ММ.ГГГГ или ГГГГ-ММ-ДД) / Date "${text}" is not recognised (DD.MM.YYYY or YYYY-MM-DD)`,
  };
}
