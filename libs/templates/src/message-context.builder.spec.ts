import { AppConfig } from '@touchbase/config';
import { Locale } from '@touchbase/core';
import { LinksService } from '@touchbase/links';
import { MessageSigner } from './message-context';
import { MessageContextBuilder } from './message-context.builder';
import { BrandingService } from './branding/branding.service';
import { sampleMessage } from './sample-message';

const config = {
  http: { publicUrl: 'https://tb.example' },
  links: { portalSecret: 'p'.repeat(32), unsubscribeSecret: 'u'.repeat(32), portalTtlDays: 30 },
  workspace: { timeZone: 'Europe/Moscow', phoneRegion: 'RU', currency: 'RUB', locale: 'ru' },
  company: { name: 'Альфа', nameEn: 'Alfa LLC', address: null, phone: null, website: 'https://alfa.example' },
  dataDir: '/nonexistent',
} as unknown as AppConfig;

describe('MessageContextBuilder', () => {
  const links = new LinksService(config);
  const builder = new MessageContextBuilder(links, config, BrandingService.ofEnvironment(config));
  const token = (url: string) => url.replace(/^.*\/(?:u|portal)\//, '').replace(/\?.*$/, '');

  it('gives templates only what a client may see', () => {
    const m = sampleMessage(Locale.Ru);
    const ctx = builder.build(
      { ...m.client, ...{ revenueTotal: 1e6, tags: ['debtor'], externalRef: 'ERP-1' } },
      m.options,
    );
    expect(Object.keys(ctx).sort()).toEqual(
      [
        'campaign',
        'client',
        'company',
        'edition',
        'owner',
        'portal',
        'signer',
        'today',
        'unsubscribe',
      ].sort(),
    );
    expect(Object.keys(ctx.client).sort()).toEqual(
      [
        'address',
        'addressBlock',
        'category',
        'email',
        'greeting',
        'kind',
        'locale',
        'name',
        'phone',
        'stage',
        'timeZone',
      ].sort(),
    );
    expect(JSON.stringify(ctx)).not.toMatch(/debtor|ERP-1|1000000|00000000-0000/);
    expect(ctx.owner).toEqual({ name: 'Анна Смирнова', email: 'anna@example.com' });
    expect(ctx.signer).toEqual({
      name: 'Иван Петров',
      title: 'генеральный директор',
      titleInText: 'генеральный директор',
      email: 'ceo@example.com',
      hasSignature: true,
    });
    expect(ctx.company).toEqual({
      name: 'Альфа',
      address: null,
      phone: null,
      website: 'https://alfa.example',
    });
  });

  it.each([
    { field: 'title', en: 'titleEn', russian: 'Генеральный директор', english: 'Chief Executive Officer' },
    { field: 'name', en: 'nameEn', russian: 'Иван Петров', english: 'Ivan Petrov' },
  ] as const)(
    'gives the signer’s $field in the client’s language, the Russian one when there is no English',
    ({ field, en, russian, english }) => {
      const signer: MessageSigner = {
        name: 'Иван Петров',
        nameEn: null,
        title: 'Генеральный директор',
        titleEn: null,
        email: null,
        signatureMime: null,
        [en]: english,
      };
      const shown = (locale: Locale, s = signer) =>
        builder.build(sampleMessage(locale).client, { signer: s }).signer?.[field];
      expect(shown(Locale.En)).toBe(english);
      expect(shown(Locale.Ru)).toBe(russian);
      expect(shown(Locale.En, { ...signer, [en]: null })).toBe(russian);
      expect(shown(Locale.En, { ...signer, [en]: '' })).toBe(russian);
    },
  );

  it('signs the portal link and the unsubscribe links for the client, topic and delivery', () => {
    const m = sampleMessage(Locale.En);
    const ctx = builder.build({ ...m.client, linkVersion: 3 }, { ...m.options, deliveryId: '42' });
    expect(ctx.portal.url).toMatch(/^https:\/\/tb\.example\/portal\/[\w-]+\.[\w-]+\?lang=en$/);
    expect(links.verifyPortalToken(token(ctx.portal.url))).toMatchObject({
      ok: true,
      payload: { c: m.client.id, v: 3 },
    });
    expect(links.verifyUnsubscribeToken(token(ctx.unsubscribe.url))).toEqual({
      ok: true,
      payload: { c: m.client.id, v: 3, t: 'news', d: '42' },
    });
    expect(links.verifyUnsubscribeToken(token(ctx.unsubscribe.allUrl))).toMatchObject({
      ok: true,
      payload: { t: null },
    });
    // Without a campaign there is no topic: both links unsubscribe from everything.
    const bare = builder.build(m.client);
    expect(bare.unsubscribe.url).toBe(bare.unsubscribe.allUrl);
    expect([bare.campaign, bare.edition, bare.signer]).toEqual([null, null, null]);
  });

  it('builds the postal block, with the country only for mail abroad', () => {
    expect(builder.build(sampleMessage(Locale.Ru).client).client.addressBlock).toEqual([
      'ООО «Ромашка», отдел закупок',
      'ул. Ленина, д. 1, оф. 5',
      'Екатеринбург',
      'Свердловская область',
      '620014',
    ]);
    const en = sampleMessage(Locale.En).client;
    expect(builder.build(en).client.addressBlock).toEqual([
      'Northwind Trading Ltd, Purchasing',
      '12 Baker Street',
      'London',
      'NW1 6XE',
      'United Kingdom',
    ]);
    expect(builder.build({ ...en, addressRecipient: null }).client.addressBlock[0]).toBe(
      'Northwind Trading Ltd',
    );
    expect(builder.build({ ...en, addressLines: [], addressCity: null }).client.addressBlock).toEqual([]);
  });

  it('prints a federal city once: no region that repeats it', () => {
    const spb = { ...sampleMessage(Locale.Ru).client, addressCity: 'Санкт-Петербург', addressRegion: 'Санкт-Петербург' };
    expect(builder.build(spb).client.addressBlock).toEqual([
      'ООО «Ромашка», отдел закупок',
      'ул. Ленина, д. 1, оф. 5',
      'Санкт-Петербург',
      '620014',
    ]);
  });

  it('greets a person, or a company through its contact person, in Russian business style', () => {
    const ru = sampleMessage(Locale.Ru).client;
    expect(builder.build(ru).client.greeting).toBe('Уважаемая Анна Сергеевна!');
    expect(builder.build({ ...ru, contactName: null }).client.greeting).toBeNull();
    expect(builder.build({ ...ru, kind: 'person', name: 'Козлов Пётр Ильич' }).client.greeting).toBe(
      'Уважаемый Пётр Ильич!',
    );
    expect(builder.build({ ...ru, kind: 'person', name: 'Пётр Козлов' }).client.greeting).toBe(
      'Здравствуйте, Пётр Козлов!',
    );
    expect(builder.build(sampleMessage(Locale.En).client).client.greeting).toBe('Dear Jane Doe,');
  });

  it('names the company in the client’s language, and puts a title inside a sentence in lower case', () => {
    const signer: MessageSigner = {
      name: 'Иван Петров',
      nameEn: null,
      title: 'Генеральный директор',
      titleEn: 'Chief Executive Officer',
      email: null,
      signatureMime: null,
    };
    const ru = builder.build(sampleMessage(Locale.Ru).client, { signer });
    expect(ru.company.name).toBe('Альфа');
    expect(ru.signer?.titleInText).toBe('генеральный директор');
    expect(builder.build(sampleMessage(Locale.En).client, { signer }).company.name).toBe('Alfa LLC');
  });

  it('takes the edition in the client’s locale, else the other one', () => {
    const m = sampleMessage(Locale.En);
    const edition = {
      ...m.options.edition!,
      id: '00000000-0000-4000-8000-0000000000b1',
      subjectEn: null,
      blocks: [{ type: 'paragraph', ru: 'Только по-русски' }],
    };
    const ctx = builder.build(m.client, { edition });
    expect(ctx.edition).toMatchObject({
      subject: 'Новости ноября',
      blocks: [{ type: 'paragraph', text: 'Только по-русски', url: null }],
      text: 'Только по-русски',
    });
  });

  it('dates today in the client’s zone, and a bad zone falls back to the workspace’s', () => {
    const now = new Date('2026-11-30T20:30:00Z');
    const ru = sampleMessage(Locale.Ru).client; // Asia/Yekaterinburg, +5
    expect(builder.build(ru, { now }).today).toBe('2026-12-01');
    const broken = builder.build({ ...ru, timeZone: 'Mars/Olympus' }, { now });
    expect(broken.client.timeZone).toBe('Europe/Moscow');
    expect(broken.today).toBe('2026-11-30');
  });

  it('moves to the next day at midnight in the zone, before and after, going back and forth', () => {
    const ru = sampleMessage(Locale.Ru).client; // Asia/Yekaterinburg, +5: midnight is 19:00Z
    const at = (iso: string) => builder.build(ru, { now: new Date(iso) }).today;
    expect(at('2026-11-30T18:59:59.999Z')).toBe('2026-11-30');
    expect(at('2026-11-30T19:00:00.000Z')).toBe('2026-12-01');
    expect(at('2026-11-30T18:59:59.999Z')).toBe('2026-11-30');
    expect(at('2026-12-01T18:59:59.999Z')).toBe('2026-12-01');
    expect(at('2026-12-01T19:00:00.000Z')).toBe('2026-12-02');
    expect(builder.build({ ...ru, timeZone: 'Europe/Moscow' }, { now: new Date('2026-11-30T20:30:00Z') }).today).toBe(
      '2026-11-30',
    );
  });
});
