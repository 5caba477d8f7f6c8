import { AppConfig, validateEnvironment } from '@touchbase/config';
import { Channel, Locale } from '@touchbase/core';
import { Frequency } from '@touchbase/preferences';
import { BrandingService } from '@touchbase/templates';
import type { PortalView } from '../portal.service';
import { PortalRenderer } from './portal-renderer';
import { PORTAL_TEXTS } from './portal-texts';

const config = new AppConfig(validateEnvironment({ NODE_ENV: 'test', COMPANY_NAME: 'Альфа & Ко' }));
const renderer = new PortalRenderer(BrandingService.ofEnvironment(config));

const view = (overrides: Partial<PortalView> = {}): PortalView => ({
  clientId: '11111111-1111-4111-8111-111111111111',
  name: 'Анна <Петрова>',
  locale: Locale.Ru,
  timeZone: 'Europe/Moscow',
  optedOut: false,
  channels: { email: true, sms: false, call: true, letter: false },
  preferredChannel: Channel.Call,
  frequency: Frequency.Monthly,
  quietHours: { start: '22:00', end: '08:00' },
  clickTracking: true,
  topics: [
    {
      key: 'tips',
      nameRu: 'Советы',
      nameEn: 'Tips',
      descriptionRu: 'Как',
      descriptionEn: 'How',
      subscribed: false,
    },
    {
      key: 'news',
      nameRu: 'Новости',
      nameEn: 'News',
      descriptionRu: 'Что',
      descriptionEn: 'What',
      subscribed: true,
    },
  ],
  contact: {
    email: 'anna@example.com',
    phone: '+79120000001',
    address: {
      recipient: 'Анна Петрова',
      lines: ['ул. Ленина, 1', 'кв. 2'],
      city: 'Екатеринбург',
      region: null,
      postalCode: '620014',
      country: 'RU',
    },
  },
  contactVerifiedAt: '2026-11-02T10:00:00Z',
  survey: null,
  updatedAt: '2026-11-02T10:00:00Z',
  ...overrides,
});

const frame = (locale: Locale) => ({
  locale,
  path: '/portal/tok',
  base: '/portal/tok',
  csrf: 'csrf-token-1',
});

/** The opening tags of the inputs named `name`. */
const inputs = (html: string, name: string) =>
  html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`, 'g')) ?? [];

describe('PortalRenderer', () => {
  it('shows the client’s preferences as they are, in Russian', () => {
    const html = renderer.home(frame(Locale.Ru), view());
    const t = PORTAL_TEXTS[Locale.Ru];
    expect(html).toContain('<html lang="ru">');
    expect(html).toContain(`<title>${t.title} · Альфа &amp; Ко</title>`);
    expect(html).toContain(t.greeting('Анна &lt;Петрова&gt;'));
    expect(inputs(html, 'frequency').filter((i) => i.includes('checked'))).toEqual([
      expect.stringContaining(`value="${Frequency.Monthly}"`),
    ]);
    const checkedChannels = inputs(html, 'channels')
      .filter((i) => i.includes('checked'))
      .map((i) => /value="(\w+)"/.exec(i)![1]);
    expect(checkedChannels).toEqual(['email', 'call']);
    expect(inputs(html, 'preferredChannel').find((i) => i.includes('checked'))).toContain('value="call"');
    expect(inputs(html, 'quietStart')[0]).toContain('value="22:00"');
    // Topics in the alphabetical order of the page's language.
    expect(html.indexOf('Новости')).toBeLessThan(html.indexOf('Советы'));
    expect(inputs(html, 'email')[0]).toContain('value="anna@example.com"');
    expect(inputs(html, 'line2')[0]).toContain('value="кв. 2"');
    expect(html).toContain(t.contact.verifiedAt('2 ноября 2026 г.'));
  });

  it('says the same page in English, topics in English order', () => {
    const html = renderer.home(frame(Locale.En), view({ locale: Locale.En }));
    const t = PORTAL_TEXTS[Locale.En];
    expect(html).toContain('<html lang="en">');
    expect(html).toContain(t.preferences.title);
    expect(html).toContain(t.contact.verifiedAt('2 November 2026'));
    expect(html.indexOf('>News<')).toBeLessThan(html.indexOf('>Tips<'));
    expect(html).not.toContain(PORTAL_TEXTS[Locale.Ru].preferences.title);
  });

  it('puts the CSRF token into every form it renders', () => {
    const html = renderer.home(frame(Locale.Ru), view({ survey: surveyState() }));
    const forms = html.match(/<form method="post"/g) ?? [];
    expect(forms.length).toBeGreaterThanOrEqual(3);
    expect(inputs(html, '_csrf')).toHaveLength(forms.length);
    for (const i of inputs(html, '_csrf')) expect(i).toContain('value="csrf-token-1"');
    expect(inputs(renderer.unsubscribe(frame(Locale.En)), '_csrf')).toHaveLength(1);
    expect(inputs(renderer.linkRequest(frame(Locale.En)), '_csrf')).toHaveLength(1);
  });

  it('lists each field error once, in the page’s language, linking to its field', () => {
    const html = renderer.home(frame(Locale.En), view(), {
      errors: [
        { field: 'email', messages: ['email must be an email'] },
        { field: 'email', messages: ['again'] },
        { field: 'address.city', messages: ['too long'] },
      ],
      contactInput: { email: 'not-an-email', city: 'X'.repeat(3) },
    });
    const t = PORTAL_TEXTS[Locale.En];
    expect(html).toContain(`<a href="#contact-email">${t.fields.email}</a>`);
    expect(html).toContain(`<a href="#contact-city">${t.fields.address}</a>`);
    expect(html.split(`href="#contact-email"`)).toHaveLength(2);
    // What the person typed comes back, not the stored value; the services' English never shows.
    expect(inputs(html, 'email')[0]).toContain('value="not-an-email"');
    expect(inputs(html, 'email')[0]).toContain('aria-invalid="true"');
    expect(html).not.toContain('email must be an email');
  });

  it('renders the survey with the client’s answer, and says when it was answered', () => {
    const html = renderer.home(
      frame(Locale.Ru),
      view({ survey: surveyState({ answered: true, rating: 9 }) }),
    );
    expect(inputs(html, 'rating').find((i) => i.includes('checked'))).toContain('value="9"');
    expect(inputs(html, 'rating')).toHaveLength(12); // 0–10 and "no answer"
    expect(html).toContain(PORTAL_TEXTS[Locale.Ru].survey.answered);
  });

  it('asks for a new link with the right wording for an expired link', () => {
    const expired = renderer.linkRequest(frame(Locale.Ru), { expired: true, address: 'a@b.c' });
    expect(expired).toContain(PORTAL_TEXTS[Locale.Ru].link.expiredTitle);
    expect(inputs(expired, 'address')[0]).toContain('value="a@b.c"');
    const fresh = renderer.linkRequest(frame(Locale.En));
    expect(fresh).toContain(PORTAL_TEXTS[Locale.En].link.requestTitle);
  });

  it('writes the new-link email in the client’s language with the link and the company', () => {
    const url = 'https://tb.example/portal/abc?lang=en';
    for (const locale of [Locale.Ru, Locale.En]) {
      const t = PORTAL_TEXTS[locale];
      const mail = renderer.linkEmail(locale, url);
      expect(mail.subject).toBe(t.link.emailSubject);
      expect(mail.text).toContain(url);
      expect(mail.text).toContain('Альфа & Ко');
      // Handlebars escapes `=` too; a browser reads the same URL.
      expect(mail.html).toContain(`href="${url.replace('=', '&#x3D;')}"`);
      expect(mail.html).toContain('Альфа &amp; Ко');
      expect(mail.html).toContain(`lang="${locale}"`);
    }
  });

  it('answers an invalid link with a way to ask for a new one', () => {
    const html = renderer.invalid(frame(Locale.En));
    expect(html).toContain(PORTAL_TEXTS[Locale.En].invalid.title);
    expect(html).toContain(
      `<a class="button" href="/portal/link?lang=en">${PORTAL_TEXTS[Locale.En].invalid.newLink}</a>`,
    );
  });
});

function surveyState(
  overrides: Partial<NonNullable<PortalView['survey']>> = {},
): NonNullable<PortalView['survey']> {
  return { runId: 'r1', answered: false, valued: 'Доставка', improve: '', rating: null, ...overrides };
}
