import { Frequency } from '@touchbase/preferences';
import {
  parseAmount,
  parseChannel,
  parseClientKind,
  parseCurrency,
  parseDate,
  parseFrequency,
  parseLocale,
  parseTimeZone,
  parseYesNo,
} from './value-parsers';

const value = <T>(r: { ok: true; value: T } | { ok: false; message: string }) =>
  r.ok ? r.value : `ERR ${r.message}`;

describe('import value parsers', () => {
  it('reads yes/no the ways people write it', () => {
    expect(['да', 'Да', 'yes', '1', '+', 'x', 'Разрешено'].map((v) => value(parseYesNo(v)))).toEqual(
      Array(7).fill(true),
    );
    expect(['нет', 'No', '0', '-', '—', 'запрещены'].map((v) => value(parseYesNo(v)))).toEqual(
      Array(6).fill(false),
    );
    expect(parseYesNo('может быть').ok).toBe(false);
    expect(parseYesNo('?').ok).toBe(false);
  });

  it('reads kinds, locales and channels in Russian and English', () => {
    expect(value(parseClientKind('Юр. лицо'))).toBe('company');
    expect(value(parseClientKind('физлицо'))).toBe('person');
    expect(value(parseLocale('Русский'))).toBe('ru');
    expect(value(parseLocale('en-US'))).toBe('en');
    expect(value(parseChannel('Звонок'))).toBe('call');
    expect(value(parseChannel('e-mail'))).toBe('email');
    expect(parseClientKind('робот').ok).toBe(false);
  });

  it('reads frequencies in Russian and English', () => {
    expect(
      ['раз в неделю', 'Дважды в месяц', 'раз в месяц', 'раз в квартал', 'без ограничений'].map((v) =>
        value(parseFrequency(v)),
      ),
    ).toEqual([
      Frequency.Weekly,
      Frequency.TwiceMonthly,
      Frequency.Monthly,
      Frequency.Quarterly,
      Frequency.Unlimited,
    ]);
    expect(
      ['weekly', 'twice a month', 'once a month', 'quarterly', 'no limit'].map((v) =>
        value(parseFrequency(v)),
      ),
    ).toEqual([
      Frequency.Weekly,
      Frequency.TwiceMonthly,
      Frequency.Monthly,
      Frequency.Quarterly,
      Frequency.Unlimited,
    ]);
    expect(value(parseFrequency('иногда'))).toMatch(/^ERR .*Unknown frequency/);
  });

  it('reads amounts with spaces, decimal commas and currency signs, exactly', () => {
    expect(
      ['1 234,56', '1234.56', '1,234.56', '12 500 ₽', '0,5', '-100'].map((v) => value(parseAmount(v))),
    ).toEqual(['1234.56', '1234.56', '1234.56', '12500', '0.5', '-100']);
    expect(parseAmount('1,2345').ok).toBe(false);
    expect(parseAmount('0').ok).toBe(false);
    expect(parseAmount('abc').ok).toBe(false);
  });

  it('reads currencies and dates in the workspace zone', () => {
    expect(['руб.', '₽', 'usd', '€', 'KZT'].map((v) => value(parseCurrency(v)))).toEqual([
      'RUB',
      'RUB',
      'USD',
      'EUR',
      'KZT',
    ]);
    expect(value(parseDate('15.01.2025', 'Europe/Moscow'))).toEqual(new Date('2025-01-14T21:00:00Z'));
    expect(value(parseDate('2025-01-15 10:30', 'Asia/Yekaterinburg'))).toEqual(
      new Date('2025-01-15T05:30:00Z'),
    );
    expect(value(parseDate('2025-01-15T10:30:00Z', 'Europe/Moscow'))).toEqual(
      new Date('2025-01-15T10:30:00Z'),
    );
    expect(parseDate('31.02.2025', 'Europe/Moscow').ok).toBe(false);
  });

  it('accepts IANA time zones only', () => {
    expect(value(parseTimeZone('Asia/Yekaterinburg'))).toBe('Asia/Yekaterinburg');
    expect(parseTimeZone('МСК').ok).toBe(false);
  });
});
