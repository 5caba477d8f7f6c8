import { isValidPhoneNumber } from 'libphonenumber-js';
import { DateTime } from 'luxon';
import { generateSampleCompany } from './sample-company';

describe('generateSampleCompany', () => {
  const until = new Date('2026-10-23T07:00:00Z');
  const company = generateSampleCompany({ clients: 500, seed: 7, until });

  it('gives the same company for the same seed and date, and another for another seed', () => {
    expect(generateSampleCompany({ clients: 500, seed: 7, until })).toEqual(company);
    const other = generateSampleCompany({ clients: 500, seed: 8, until });
    expect(other.clients.map((c) => c.name)).not.toEqual(company.clients.map((c) => c.name));
  });

  it('makes clients with unique references, valid +7 phones and zones that match their cities', () => {
    const { clients } = company;
    expect(new Set(clients.map((c) => c.ref)).size).toBe(500);
    for (const c of clients.filter((x) => x.phone)) {
      expect({ phone: c.phone, valid: isValidPhoneNumber(c.phone!) }).toEqual({
        phone: c.phone,
        valid: true,
      });
      expect(c.phoneMobile).toBe(c.phone!.startsWith('+79'));
    }
    for (const c of clients) expect(DateTime.local().setZone(c.timeZone).isValid).toBe(true);
    const zoneOf = (city: string) => new Set(clients.filter((c) => c.city === city).map((c) => c.timeZone));
    expect(zoneOf('Калининград')).toEqual(new Set(['Europe/Kaliningrad']));
    expect(zoneOf('Владивосток')).toEqual(new Set(['Asia/Vladivostok']));
    expect(new Set(clients.map((c) => c.timeZone)).size).toBeGreaterThanOrEqual(6);
    expect(clients.some((c) => c.locale === 'en')).toBe(true);
    // Russian persons are written «Фамилия Имя Отчество».
    const russianPersons = clients.filter((c) => c.kind === 'person' && c.locale === 'ru');
    expect(russianPersons.every((c) => /^[А-ЯЁ][а-яё-]+ [А-ЯЁ][а-яё-]+ [А-ЯЁ][а-яё-]+$/.test(c.name))).toBe(
      true,
    );
  });

  it('spreads two years of purchases before the date, with lapsed and never-buying clients', () => {
    const { clients, purchases } = company;
    const earliest = DateTime.fromJSDate(until).minus({ days: 731 }).toMillis();
    expect(purchases.every((p) => p.at.getTime() <= until.getTime() && p.at.getTime() >= earliest)).toBe(
      true,
    );
    expect(new Set(purchases.map((p) => p.id)).size).toBe(purchases.length);
    const last = new Map<string, number>();
    for (const p of purchases) last.set(p.clientRef, Math.max(last.get(p.clientRef) ?? 0, p.at.getTime()));
    const dayMs = 86_400_000;
    const lapsed = [...last.values()].filter((t) => until.getTime() - t > 200 * dayMs).length;
    expect(lapsed).toBeGreaterThan(50);
    expect(clients.length - last.size).toBeGreaterThan(20);
  });

  it('gives some clients preferences of their own, never preferring a channel they refuse', () => {
    const { preferences } = company;
    expect(preferences.length).toBeGreaterThan(100);
    expect(preferences.some((p) => p.optedOut)).toBe(true);
    expect(preferences.some((p) => p.frequency)).toBe(true);
    expect(preferences.some((p) => p.topics && !p.topics.includes('promotions'))).toBe(true);
    for (const p of preferences) {
      if (p.preferredChannel === 'sms') expect(p.sms).not.toBe(false);
      if (p.preferredChannel === 'call') expect(p.calls).not.toBe(false);
    }
  });
});
