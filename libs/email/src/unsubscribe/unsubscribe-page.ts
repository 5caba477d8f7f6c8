import { Locale } from '@touchbase/core';

/** Bumped whenever the wording below changes: written to the consent log with each unsubscribe. */
export const UNSUBSCRIBE_WORDING_VERSION = 'unsubscribe-page/1';

/** What the pages say about: one topic, or every message. */
export interface PageTopic {
  name: string;
}

interface Texts {
  title: string;
  confirmTopic: (topic: string) => string;
  confirmAll: string;
  explainTopic: (topic: string) => string;
  explainAll: string;
  button: string;
  doneTopic: (topic: string) => string;
  doneAll: string;
  doneExplain: string;
  alreadyTopic: (topic: string) => string;
  alreadyAll: string;
  preferences: string;
  invalidTitle: string;
  invalidText: string;
  errorTitle: string;
  errorText: string;
}

const TEXTS: Record<Locale, Texts> = {
  [Locale.Ru]: {
    title: 'Отписка от рассылки',
    confirmTopic: (t) => `Отписаться от рассылки «${t}»?`,
    confirmAll: 'Отписаться от всех писем?',
    explainTopic: (t) =>
      `Мы перестанем присылать вам сообщения на тему «${t}». Остальные сообщения продолжат приходить.`,
    explainAll:
      'Мы перестанем присылать вам письма и сообщения. Останутся только служебные, например просьба подтвердить контактные данные.',
    button: 'Отписаться',
    doneTopic: (t) => `Готово: вы отписаны от рассылки «${t}».`,
    doneAll: 'Готово: вы отписаны от всех писем.',
    doneExplain:
      'Изменения вступили в силу сразу. Письма, которые уже в пути, могут прийти в ближайшие минуты.',
    alreadyTopic: (t) => `Вы уже отписаны от рассылки «${t}».`,
    alreadyAll: 'Вы уже отписаны от всех писем.',
    preferences: 'Выбрать, как часто и о чём вам писать',
    invalidTitle: 'Эта ссылка больше не действует',
    invalidText:
      'Возможно, с тех пор вам пришло более новое письмо: воспользуйтесь ссылкой из него или напишите нам, и мы всё исправим.',
    errorTitle: 'Что-то пошло не так',
    errorText: 'Мы не смогли обработать запрос. Попробуйте ещё раз через несколько минут.',
  },
  [Locale.En]: {
    title: 'Unsubscribe',
    confirmTopic: (t) => `Unsubscribe from “${t}”?`,
    confirmAll: 'Unsubscribe from all messages?',
    explainTopic: (t) => `We will stop sending you messages about “${t}”. Other messages will keep coming.`,
    explainAll:
      'We will stop sending you emails and messages, except service ones such as a request to confirm your contact details.',
    button: 'Unsubscribe',
    doneTopic: (t) => `Done: you are unsubscribed from “${t}”.`,
    doneAll: 'Done: you are unsubscribed from all messages.',
    doneExplain:
      'This takes effect at once. A message already on its way may still arrive in the next few minutes.',
    alreadyTopic: (t) => `You are already unsubscribed from “${t}”.`,
    alreadyAll: 'You are already unsubscribed from all messages.',
    preferences: 'Choose how often and what we write to you about',
    invalidTitle: 'This link is no longer valid',
    invalidText:
      'You may have received a newer message since: use the link in that one, or write to us and we will sort it out.',
    errorTitle: 'Something went wrong',
    errorText: 'We could not process the request. Please try again in a few minutes.',
  },
};

/** The question, with a form that posts back to the same link; GET changes nothing (mail scanners follow links). */
export function confirmPage(p: {
  locale: Locale;
  topic: PageTopic | null;
  action: string;
  portalUrl: string;
  already: boolean;
}): string {
  const t = TEXTS[p.locale];
  const topic = p.topic ? escapeHtml(p.topic.name) : null;
  if (p.already) {
    return page(p.locale, t.title, topic ? t.alreadyTopic(topic) : t.alreadyAll, '', p.portalUrl);
  }
  const body =
    `<p>${topic ? t.explainTopic(topic) : t.explainAll}</p>\n` +
    `<form method="post" action="${escapeHtml(p.action)}">` +
    `<input type="hidden" name="source" value="page">` +
    `<button type="submit">${t.button}</button></form>`;
  return page(p.locale, t.title, topic ? t.confirmTopic(topic) : t.confirmAll, body, p.portalUrl);
}

export function donePage(p: { locale: Locale; topic: PageTopic | null; portalUrl: string }): string {
  const t = TEXTS[p.locale];
  const topic = p.topic ? escapeHtml(p.topic.name) : null;
  return page(
    p.locale,
    t.title,
    topic ? t.doneTopic(topic) : t.doneAll,
    `<p>${t.doneExplain}</p>`,
    p.portalUrl,
  );
}

export function invalidPage(locale: Locale): string {
  const t = TEXTS[locale];
  return page(locale, t.invalidTitle, t.invalidTitle, `<p>${t.invalidText}</p>`, null);
}

export function errorPage(locale: Locale): string {
  const t = TEXTS[locale];
  return page(locale, t.errorTitle, t.errorTitle, `<p>${t.errorText}</p>`, null);
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function page(
  locale: Locale,
  title: string,
  heading: string,
  body: string,
  portalUrl: string | null,
): string {
  const t = TEXTS[locale];
  const preferences = portalUrl
    ? `\n<p class="more"><a href="${escapeHtml(portalUrl)}">${t.preferences}</a></p>`
    : '';
  return `<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
body{margin:0;background:#f4f5f7;color:#1f2328;font:16px/1.5 -apple-system,"Segoe UI",Roboto,Arial,sans-serif}
main{max-width:480px;margin:8vh auto;padding:32px 28px;background:#fff;border-radius:8px}
h1{font-size:22px;line-height:1.3;margin:0 0 16px}
button{font:inherit;padding:12px 24px;border:0;border-radius:6px;background:#1a5fb4;color:#fff;cursor:pointer}
button:focus-visible,a:focus-visible{outline:3px solid #f6c343;outline-offset:2px}
.more{margin-top:24px;font-size:14px}
a{color:#1a5fb4}
</style>
</head>
<body>
<main>
<h1>${heading}</h1>
${body}${preferences}
</main>
</body>
</html>
`;
}
