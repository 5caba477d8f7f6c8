import { Locale } from '@touchbase/core';
import { CLIENT_PAGE_CSS_VERSION } from './client-page-assets';
import { pageLocale, renderClientError, renderClientMessage } from './client-page';

const frame = { locale: Locale.Ru, path: '/u/abc', company: 'ООО «Ромашка» <&>' };

describe('client page chrome', () => {
  it('wraps a message in the shared layout: stylesheet, skip link, language links, footer', () => {
    const html = renderClientMessage(frame, {
      heading: 'Отписаться?',
      paragraphs: ['Мы перестанем писать.'],
      form: { action: '/u/abc', button: 'Отписаться', fields: [{ name: 'source', value: 'page' }] },
      more: { path: 'https://example.com/portal/t', text: 'Настройки' },
    });
    expect(html).toContain('<html lang="ru">');
    expect(html).toContain(
      `<link rel="stylesheet" href="/portal/assets/portal.css?v=${CLIENT_PAGE_CSS_VERSION}">`,
    );
    expect(html).toContain('<a class="skip" href="#content">Перейти к содержанию</a>');
    expect(html).toContain('<a href="/u/abc?lang=en" lang="en" hreflang="en">English</a>');
    expect(html).toContain(
      '<a href="/u/abc?lang=ru" lang="ru" hreflang="ru" aria-current="true">Русский</a>',
    );
    expect(html).toContain('<main id="content" class="wrap" tabindex="-1">');
    expect(html).toContain('<form method="post" action="/u/abc?lang=ru">');
    expect(html).toContain('<input type="hidden" name="source" value="page">');
    expect(html).toContain('<a href="https://example.com/portal/t?lang=ru">Настройки</a>');
    expect(html).toContain(
      'ООО «Ромашка» &lt;&amp;&gt; · эта страница доступна только по вашей личной ссылке',
    );
  });

  it('escapes every value and has no inline style or script (the CSP forbids them)', () => {
    const html = renderClientMessage(
      { ...frame, locale: Locale.En },
      { heading: '<script>alert(1)</script>', paragraphs: ['"quoted" & <b>bold</b>'] },
    );
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(html).not.toMatch(/<style|style="|<script>|onclick=/);
    expect(html).toContain('<script src="/portal/assets/portal.js?v=');
  });

  it('says the same error page in both languages', () => {
    expect(renderClientError(frame)).toContain('Что-то пошло не так');
    expect(renderClientError({ ...frame, locale: Locale.En })).toContain('Something went wrong');
  });

  it('takes ?lang= only when it names one of our languages', () => {
    expect(pageLocale('en', Locale.Ru)).toBe(Locale.En);
    expect(pageLocale('de', Locale.Ru)).toBe(Locale.Ru);
    expect(pageLocale(['en'], Locale.Ru)).toBe(Locale.Ru);
  });
});
