import { AppConfig } from '@touchbase/config';
import { Channel, Locale, ValidationException } from '@touchbase/core';
import { LinksService } from '@touchbase/links';
import { MessageContext, MessageContextOptions } from './message-context';
import { MessageContextBuilder } from './message-context.builder';
import { BrandingService } from './branding/branding.service';
import { sampleMessage } from './sample-message';
import { RenderedEmail, RenderedText, TemplateRenderer, TemplateSource } from './template-renderer';

const config = {
  http: { publicUrl: 'https://tb.example' },
  links: { portalSecret: 'p'.repeat(32), unsubscribeSecret: 'u'.repeat(32), portalTtlDays: 30 },
  workspace: { timeZone: 'Europe/Moscow', phoneRegion: 'RU', currency: 'RUB', locale: 'ru' },
  company: {
    name: 'Компания «Альфа»',
    address: 'Москва, ул. Тверская, 1',
    phone: '+7 495 000-00-00',
    website: null,
  },
  dataDir: '/nonexistent',
} as unknown as AppConfig;

const builder = new MessageContextBuilder(new LinksService(config), config, BrandingService.ofEnvironment(config));

function context(
  locale = Locale.Ru,
  patch: (m: ReturnType<typeof sampleMessage>) => void = () => undefined,
): MessageContext {
  const m = sampleMessage(locale);
  patch(m);
  return builder.build(m.client, m.options);
}

function bare(locale = Locale.Ru, options: MessageContextOptions = {}): MessageContext {
  const m = sampleMessage(locale);
  return builder.build({ ...m.client, owner: null }, options);
}

const sms = (body: string): TemplateSource => ({ channel: Channel.Sms, subject: null, body });
const email = (subject: string, body: string): TemplateSource => ({ channel: Channel.Email, subject, body });

function failure(fn: () => unknown): ValidationException {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationException) return e;
    throw e;
  }
  throw new Error('expected a ValidationException');
}

describe('TemplateRenderer', () => {
  const renderer = new TemplateRenderer({ currency: 'RUB' });
  const text = (body: string, ctx = context()) => (renderer.render(sms(body), ctx) as RenderedText).text;

  describe('escaping', () => {
    it('escapes client data in HTML, and only the author’s markup is raw', () => {
      const ctx = context(Locale.Ru, (m) => (m.client.name = '<script>alert(1)</script>'));
      const out = renderer.render(
        email('Для {{client.name}}', '<p><b>Здравствуйте</b>, {{client.name}}</p>'),
        ctx,
      ) as RenderedEmail;
      expect(out.html).toBe('<p><b>Здравствуйте</b>, &lt;script&gt;alert(1)&lt;/script&gt;</p>');
      expect(out.html).not.toContain('<script>');
      // The subject is a header, not HTML: the name as typed, on one line.
      expect(out.subject).toBe('Для <script>alert(1)</script>');
      expect(out.text).toBe('Здравствуйте, <script>alert(1)</script>');
    });

    it('gives text channels the value as typed, Cyrillic and quotes intact', () => {
      const ctx = context(Locale.Ru, (m) => (m.client.name = 'ООО "Ромашка" & Ко'));
      expect(text('{{client.name}}, ждём вас! {{company.name}}', ctx)).toBe(
        'ООО "Ромашка" & Ко, ждём вас! Компания «Альфа»',
      );
    });

    it('keeps a subject on one line', () => {
      const ctx = context(Locale.Ru, (m) => (m.client.name = 'A\r\nBcc: x@example.com'));
      const out = renderer.render(email('{{client.name}}', 'x'), ctx) as RenderedEmail;
      expect(out.subject).toBe('A Bcc: x@example.com');
    });

    it('builds edition.html from escaped blocks and drops unsafe links', () => {
      const ctx = context(Locale.Ru, (m) => {
        m.options.edition!.id = '00000000-0000-4000-8000-0000000000e1';
        m.options.edition!.blocks = [
          { type: 'paragraph', ru: '<img src=x onerror=alert(1)>' },
          { type: 'link', ru: 'клик', url: 'javascript:alert(1)' },
          { type: 'link', ru: 'Каталог', url: 'https://example.com/?a=1&b=2' },
        ];
      });
      const out = renderer.render(email('s', '<div>{{{edition.html}}}</div>'), ctx) as RenderedEmail;
      expect(out.html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
      expect(out.html).not.toContain('javascript:');
      expect(out.html).toContain('href="https://example.com/?a&#x3D;1&amp;b&#x3D;2"');
      expect(out.text).toContain('Каталог [https://example.com/?a=1&b=2]');
    });
  });

  describe('strict mode', () => {
    it('names a missing variable and what is available', () => {
      const e = failure(() => text('Здравствуйте, {{client.firstName}}!'));
      expect(e.message).toMatch(
        /^body: "client\.firstName" is not available; available: client\.name, client\.kind, /,
      );
      expect(e.details).toMatchObject({ field: 'body', variable: 'client.firstName', line: 1 });
      expect((e.details as { available: string[] }).available).toContain('client.email');
    });

    it('names an unknown top-level name', () => {
      const e = failure(() => text('line\n{{clent.name}}'));
      expect(e.message).toMatch(/"clent\.name" is not available; available: client, owner, signer, campaign/);
      expect(e.details).toMatchObject({ line: 2 });
    });

    it('names a path under a missing object, however deep', () => {
      expect(failure(() => text('{{client.address.street.name}}')).message).toMatch(
        /"client\.address\.street\.name" is not available; available: client\.address\.recipient/,
      );
      expect(failure(() => text('{{a.b.c}}')).message).toMatch(/"a\.b\.c" is not available/);
    });

    it('says when the message has no such object, in a value or a helper argument', () => {
      expect(failure(() => text('{{signer.name}}', bare())).message).toBe(
        'body: "signer.name" is not available: this message has no signer (guard it with {{#if signer}}…{{/if}})',
      );
      expect(failure(() => text('{{#if owner.name}}x{{/if}}', bare())).message).toMatch(
        /"owner\.name" is not available: this message has no owner/,
      );
      expect(text('{{#if owner}}{{owner.name}}{{else}}нет{{/if}}', bare())).toBe('нет');
    });

    it('names a missing variable inside a loop', () => {
      const e = failure(() => text('{{#each edition.blocks}}{{caption}}{{/each}}'));
      expect(e.message).toBe(
        'body: "caption" is not available inside {{#each edition.blocks}}; available: type, text, url',
      );
    });

    it('names a missing variable inside a loop over strings', () => {
      const e = failure(() => text('{{#each client.addressBlock}}{{line}}{{/each}}'));
      expect(e.message).toBe('body: "line" is not available inside {{#each client.addressBlock}}');
      expect(text('{{#each client.addressBlock}}{{this}}{{#unless @last}}, {{/unless}}{{/each}}')).toMatch(
        /^ООО «Ромашка», отдел закупок, ул\. Ленина, д\. 1, оф\. 5, Екатеринбург, Свердловская область, 620014$/,
      );
    });

    it('renders null values as empty, and a missing helper argument is an error', () => {
      const ctx = context(Locale.Ru, (m) => (m.client.email = null));
      expect(text('[{{client.email}}]', ctx)).toBe('[]');
      expect(failure(() => text('{{formatDate client.birthday}}')).message).toMatch(
        /formatDate got no value/,
      );
    });
  });

  describe('no prototype access', () => {
    it.each([
      '{{constructor.constructor}}',
      '{{__proto__}}',
      '{{client.constructor}}',
      '{{client.__proto__.constructor}}',
      '{{client.toString}}',
      '{{client.name.constructor}}',
      '{{client.name.length}}',
      '{{edition.blocks.constructor.constructor}}',
    ])('%s is not available', (body) => {
      expect(failure(() => text(body)).message).toMatch(/is not available/);
    });

    it.each([
      '{{lookup client "constructor"}}',
      '{{lookup edition.blocks "constructor"}}',
      '{{#with client}}{{lookup this "__proto__"}}{{/with}}',
    ])('%s leaks nothing', (body) => {
      const out = text(body);
      expect(out).not.toMatch(/function|native code|Object|\[data\]/);
    });

    it('refuses the known constructor-chain payload', () => {
      const payload =
        '{{#with "s" as |string|}}{{#with "e"}}{{#with split as |conslist|}}{{this.pop}}' +
        '{{this.push (lookup string.sub "constructor")}}{{this.pop}}{{#with string.split as |codelist|}}' +
        '{{this.pop}}{{this.push "return process.env;"}}{{this.pop}}{{#each conslist}}' +
        '{{#with (string.sub.apply 0 codelist)}}{{this}}{{/with}}{{/each}}{{/with}}{{/with}}{{/with}}{{/with}}';
      expect(() => renderer.check(sms(payload))).toThrow(ValidationException);
      expect(() => text(payload)).toThrow(ValidationException);
    });
  });

  describe('check (before saving)', () => {
    it('refuses raw output except the trusted edition.html in email bodies', () => {
      expect(failure(() => renderer.check(email('s', '<p>{{{client.name}}}</p>'))).message).toMatch(
        /^body: line 1: raw output \{\{\{client\.name\}\}\} is not allowed/,
      );
      expect(failure(() => renderer.check(email('s', 'a\n{{& client.name}}'))).details).toMatchObject({
        line: 2,
      });
      expect(() => renderer.check(email('s', '<div>{{{edition.html}}}</div>'))).not.toThrow();
      expect(() => renderer.check(email('{{{edition.html}}}', 'x'))).toThrow(/subject: line 1: raw output/);
      expect(() => renderer.check(sms('{{{edition.html}}}'))).toThrow(/raw output/);
      expect(() => renderer.check(email('s', '{{#each edition.blocks}}{{{edition.html}}}{{/each}}'))).toThrow(
        /raw output/,
      );
    });

    it('reports a syntax error with its line', () => {
      const e = failure(() => renderer.check(sms('Привет\n{{#if client.email}}\nбез конца')));
      expect(e.message).toMatch(/^body: syntax error on line 3: Expecting/);
      expect(e.details).toMatchObject({ field: 'body', line: 3 });
      expect(failure(() => renderer.check(sms('{{#if a}}x{{/each}}'))).message).toMatch(
        /^body: line 1: if doesn't match each/,
      );
    });

    it('refuses unknown helpers, log, partials and decorators', () => {
      expect(failure(() => renderer.check(sms('{{shout client.name}}'))).message).toMatch(
        /unknown helper "shout"; the helpers are formatDate, formatMoney, eq/,
      );
      expect(() => renderer.check(sms('{{log client.name}}'))).toThrow(/unknown helper "log"/);
      expect(() => renderer.check(sms('{{> footer}}'))).toThrow(/partials/);
      expect(() => renderer.check(sms('{{#*inline "x"}}y{{/inline}}'))).toThrow(/decorators/);
    });

    it('wants a subject for email and none elsewhere', () => {
      expect(() => renderer.check(email('  ', 'x'))).toThrow(/subject: an email template needs a subject/);
      expect(() => renderer.check({ channel: Channel.Sms, subject: 'x', body: 'y' })).toThrow(
        /only email templates/,
      );
    });
  });

  describe('helpers', () => {
    const now = new Date('2026-11-30T20:00:00Z'); // already 1 December in Yekaterinburg (+5)
    const at = (locale: Locale) => builder.build(sampleMessage(locale).client, { now });

    it('formatDate: the client’s locale and zone', () => {
      expect(text('{{formatDate today}}', at(Locale.Ru))).toBe('1 декабря 2026 г.');
      expect(text('{{formatDate today "dd.MM.yyyy"}}', at(Locale.Ru))).toBe('01.12.2026');
      expect(text('{{formatDate today}}', at(Locale.En))).toBe('November 30, 2026'); // London
      expect(text('{{formatDate "2026-03-08T09:00:00Z" "datetime"}}', at(Locale.Ru))).toMatch(
        /8 мар\. 2026 г\., 14:00/,
      );
    });

    it('formatMoney: the workspace currency in the client’s locale', () => {
      expect(text('{{formatMoney 1234.5}}', at(Locale.Ru))).toMatch(/^1\s234,50\s₽$/u);
      expect(text('{{formatMoney 1234.5 "EUR"}}', at(Locale.En))).toBe('€1,234.50');
      expect(failure(() => text('{{formatMoney "много"}}')).message).toMatch(/not a number/);
    });

    it('eq compares two values', () => {
      expect(text('{{#if (eq client.kind "company")}}компания{{else}}человек{{/if}}')).toBe('компания');
    });
  });

  describe('output', () => {
    it('tidies text: no trailing spaces or runs of blank lines', () => {
      expect(text('  a  \n\n\n\n{{#if owner}}\n\nb\n{{/if}}\n\n')).toBe('a\n\nb');
    });

    it('caches compiled templates by id and version', () => {
      const r = new TemplateRenderer({ currency: 'RUB' });
      const v1 = new Date('2026-01-01T00:00:00Z');
      const stored = { id: 't1', updatedAt: v1, channel: Channel.Sms, subject: null, body: 'one' };
      expect((r.render(stored, context()) as RenderedText).text).toBe('one');
      // Same version: the compiled one is reused even if the source object differs.
      expect((r.render({ ...stored, body: 'two' }, context()) as RenderedText).text).toBe('one');
      const v2 = { ...stored, body: 'two', updatedAt: new Date('2026-01-02T00:00:00Z') };
      expect((r.render(v2, context()) as RenderedText).text).toBe('two');
    });

    it('refuses an email whose subject renders empty', () => {
      expect(
        failure(() =>
          renderer.render(
            email('{{client.email}}', 'x'),
            context(Locale.Ru, (m) => (m.client.email = null)),
          ),
        ).message,
      ).toBe('subject: the subject is empty for this message');
    });
  });
});
