import { Locale } from '@touchbase/core';
import { confirmPage, donePage, invalidPage, UnsubscribePageFrame } from './unsubscribe-page';

const frame = (locale: Locale): UnsubscribePageFrame => ({
  locale,
  path: '/u/tok',
  company: 'Альфа',
  portalPath: 'https://tb.example/portal/ptok',
});

describe('unsubscribe pages', () => {
  it('ask before unsubscribing, with a form that posts back to the link, in Russian and English', () => {
    const ru = confirmPage(frame(Locale.Ru), {
      topic: { name: 'Новости' },
      action: '/u/tok',
      already: false,
    });
    expect(ru).toContain('Отписаться от рассылки «Новости»?');
    expect(ru).toContain('<form method="post" action="/u/tok?lang=ru">');
    expect(ru).toContain('<input type="hidden" name="source" value="page">');
    expect(ru).toContain('<a href="https://tb.example/portal/ptok?lang=ru">');
    const en = confirmPage(frame(Locale.En), { topic: null, action: '/u/tok', already: false });
    expect(en).toContain('Unsubscribe from all messages?');
    expect(en).toContain('<form method="post" action="/u/tok?lang=en">');
  });

  it('say so, without a form, when the client is already unsubscribed', () => {
    const html = confirmPage(frame(Locale.En), { topic: { name: 'News' }, action: '/u/tok', already: true });
    expect(html).toContain('You are already unsubscribed from “News”.');
    expect(html).not.toContain('<form');
  });

  it('confirm what was done, and explain an invalid link', () => {
    expect(donePage(frame(Locale.Ru), { topic: null })).toContain('Готово: вы отписаны от всех писем.');
    expect(donePage(frame(Locale.En), { topic: { name: 'News' } })).toContain(
      'Done: you are unsubscribed from “News”.',
    );
    expect(invalidPage(frame(Locale.Ru))).toContain('Эта ссылка больше не действует');
    expect(invalidPage(frame(Locale.En))).toContain('This link is no longer valid');
  });

  it('escape the topic name', () => {
    const html = donePage(frame(Locale.En), { topic: { name: '<script>x</script>' } });
    expect(html).not.toContain('<script>x');
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
  });
});
