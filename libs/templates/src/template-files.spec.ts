import * as path from 'node:path';
import { AppConfig } from '@touchbase/config';
import { Channel, Locale } from '@touchbase/core';
import { LinksService } from '@touchbase/links';
import { MessageContextBuilder } from './message-context.builder';
import { BrandingService } from './branding/branding.service';
import { sampleMessage } from './sample-message';
import { parseTemplateFile, readTemplateFiles, TemplateFile } from './template-files';
import { RenderedEmail, TemplateRenderer } from './template-renderer';

const config = {
  http: { publicUrl: 'https://tb.example' },
  links: { portalSecret: 'p'.repeat(32), unsubscribeSecret: 'u'.repeat(32), portalTtlDays: 30 },
  workspace: { timeZone: 'Europe/Moscow', phoneRegion: 'RU', currency: 'RUB', locale: 'ru' },
  company: {
    name: 'ООО «Альфа»',
    address: 'Москва, ул. Тверская, 1',
    phone: '+7 495 000-00-00',
    website: null,
  },
  dataDir: '/nonexistent',
} as unknown as AppConfig;

describe('parseTemplateFile', () => {
  it('reads name, channel and locale from the path and subject and description from the front matter', () => {
    const f = parseTemplateFile(
      'spring-promo/email.ru.hbs',
      '\uFEFF---\r\nsubject: Весна: {{client.name}}\r\ndescription: Весенняя акция\r\n---\r\n\r\n<p>Привет</p>\r\n',
    );
    expect(f).toEqual({
      file: 'spring-promo/email.ru.hbs',
      name: 'spring-promo',
      channel: Channel.Email,
      locale: Locale.Ru,
      subject: 'Весна: {{client.name}}',
      description: 'Весенняя акция',
      body: '<p>Привет</p>',
    });
  });

  it('takes a text template without front matter', () => {
    expect(parseTemplateFile('x/sms.en.hbs', 'Hi {{client.name}}\n')).toMatchObject({
      subject: null,
      body: 'Hi {{client.name}}',
    });
  });

  it.each([
    ['x/email.ru.hbs', '<p>x</p>', /needs "subject:"/],
    ['x/sms.ru.hbs', '---\nsubject: s\n---\nx', /only email templates have a subject/],
    ['x/fax.ru.hbs', 'x', /unknown channel "fax"/],
    ['x/sms.de.hbs', 'x', /unknown locale "de"/],
    ['Bad_Name/sms.ru.hbs', 'x', /not a template name/],
    ['x/sms.ru.hbs', '---\nsubject: s\nx', /not closed/],
    ['x/sms.ru.hbs', '---\nauthor: me\n---\nx', /unexpected front-matter line "author: me"/],
    ['x/sms.ru.hbs', '---\n---\n  \n', /the body is empty/],
    ['sms.ru.hbs', 'x', /expected <name>\/<channel>\.<locale>\.hbs/],
  ])('refuses %s (%#)', (file, content, error) => {
    expect(() => parseTemplateFile(file, content)).toThrow(error);
  });
});

describe('the default templates', () => {
  const builder = new MessageContextBuilder(new LinksService(config), config, BrandingService.ofEnvironment(config));
  const renderer = new TemplateRenderer({ currency: 'RUB' });
  let files: TemplateFile[];

  beforeAll(async () => {
    const read = await readTemplateFiles(path.resolve(__dirname, '../../../templates'));
    expect(read.errors).toEqual([]);
    files = read.files;
  });

  it('cover the playbook in Russian and English', () => {
    const names = files.map((f) => `${f.name}/${f.channel}.${f.locale}`);
    for (const [name, channels] of Object.entries({
      'monthly-broadcast': ['email', 'sms', 'letter'],
      'ceo-letter': ['email', 'letter'],
      'win-back': ['email', 'sms'],
      'vip-call': ['call'],
      'contact-verification-call': ['call'],
      'survey-invitation': ['email', 'sms'],
    })) {
      for (const channel of channels)
        for (const locale of ['ru', 'en']) expect(names).toContain(`${name}/${channel}.${locale}`);
    }
    expect(files.every((f) => f.description.length > 20)).toBe(true);
  });

  it('pass the checks a saved template passes', () => {
    for (const f of files) expect(() => renderer.check(f)).not.toThrow();
  });

  it('render a complete message: links, Cyrillic, nothing left unrendered', () => {
    for (const f of files) {
      const m = sampleMessage(f.locale);
      const ctx = builder.build(m.client, m.options);
      const out = renderer.render(f, ctx);
      const all = out.channel === Channel.Email ? `${out.subject}\n${out.html}\n${out.text}` : out.text;
      expect({ file: f.file, portal: all.includes(ctx.portal.url) }).toEqual({ file: f.file, portal: true });
      if (out.channel === Channel.Email) {
        expect(out.html).toContain(ctx.unsubscribe.url.replace(/=/g, '&#x3D;'));
        expect(out.text).toContain(ctx.unsubscribe.allUrl);
        expect(out.html).toContain(`lang="${f.locale}"`);
      } else {
        expect(out.text).not.toMatch(/&(amp|lt|gt|quot|#x27|#x3D);/);
      }
      expect(all).not.toMatch(/\{\{|\}\}|undefined|\bnull\b|\[object|\[data\]/);
      if (f.locale === Locale.Ru) expect(all).toMatch(/[а-яё]{4}/);
      expect(all).not.toContain('\uFFFD');
      if (f.name === 'ceo-letter') expect(all).toContain(ctx.signer!.name);
      if (f.name === 'survey-invitation') {
        expect(all).toMatch(
          f.locale === Locale.Ru ? /что вы цените в работе с нами/i : /what do you value in working with us/i,
        );
        expect(all).toMatch(
          f.locale === Locale.Ru ? /что нам (стоит )?улучшить/i : /what should we improve/i,
        );
      }
    }
  });

  it('render a lean message: no owner, edition or contact data, where the template can do without', () => {
    for (const f of files) {
      const m = sampleMessage(f.locale);
      const client = {
        ...m.client,
        owner: null,
        email: null,
        phone: null,
        addressLines: [],
        addressCity: null,
      };
      const ctx = builder.build(client, {
        campaign: m.options.campaign,
        // The monthly broadcast needs its edition; letters and CEO mail need a signer.
        edition: f.name === 'monthly-broadcast' ? m.options.edition : null,
        signer: f.name === 'ceo-letter' || f.channel === Channel.Letter ? m.options.signer : null,
      });
      const out = renderer.render(f, ctx);
      const text = out.channel === Channel.Email ? (out as RenderedEmail).text : out.text;
      expect(text).not.toMatch(/undefined|\bnull\b/);
    }
  });

  it('keep SMS short enough for a few segments (the portal link aside)', () => {
    for (const f of files.filter((x) => x.channel === Channel.Sms)) {
      const m = sampleMessage(f.locale);
      const ctx = builder.build(m.client, m.options);
      const text = renderer.render(f, ctx).text.replace(ctx.portal.url, '');
      expect({ file: f.file, length: text.length <= 200 }).toEqual({ file: f.file, length: true });
    }
  });
});
