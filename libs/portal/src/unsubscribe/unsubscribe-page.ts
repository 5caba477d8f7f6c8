import { Locale } from '@touchbase/core';
import { ClientMessage, ClientPageFrame, renderClientMessage } from '../pages/client-page';

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
  },
};

/**
 * The pages of the unsubscribe link, in the chrome of the portal (one layout, stylesheet and CSP;
 * see client-page.ts). Every value is escaped by the shared views.
 */
export interface UnsubscribePageFrame extends ClientPageFrame {
  /** The link to the client's portal (preferences), without its query. */
  portalPath: string;
}

/** The question, with a form that posts back to the same link; GET changes nothing (mail scanners follow links). */
export function confirmPage(
  frame: UnsubscribePageFrame,
  p: { topic: PageTopic | null; action: string; already: boolean },
): string {
  const t = TEXTS[frame.locale];
  const topic = p.topic?.name ?? null;
  if (p.already) {
    return message(frame, { heading: topic ? t.alreadyTopic(topic) : t.alreadyAll, paragraphs: [] });
  }
  return message(frame, {
    heading: topic ? t.confirmTopic(topic) : t.confirmAll,
    paragraphs: [topic ? t.explainTopic(topic) : t.explainAll],
    form: { action: p.action, button: t.button, fields: [{ name: 'source', value: 'page' }] },
  });
}

export function donePage(frame: UnsubscribePageFrame, p: { topic: PageTopic | null }): string {
  const t = TEXTS[frame.locale];
  const topic = p.topic?.name ?? null;
  return message(frame, { heading: topic ? t.doneTopic(topic) : t.doneAll, paragraphs: [t.doneExplain] });
}

export function invalidPage(frame: ClientPageFrame): string {
  const t = TEXTS[frame.locale];
  return renderClientMessage(frame, { heading: t.invalidTitle, paragraphs: [t.invalidText] });
}

function message(frame: UnsubscribePageFrame, m: ClientMessage): string {
  const t = TEXTS[frame.locale];
  return renderClientMessage(frame, {
    ...m,
    title: t.title,
    more: { path: frame.portalPath, text: t.preferences },
  });
}
