// The consent proof texts (the client page's Consent proof card, the topic editor's switch); en has
// the same keys as ru (the type checker holds them equal).
import type { Texts } from '../texts';

export const ru = {
  title: 'Согласие на рекламу',
  intro:
    'Для тем «нужно согласие» рекламные сообщения уходят только по каналам с записанным согласием (ст. 18 38-ФЗ). Здесь все согласия и отзывы клиента — их можно выгрузить для проверки.',
  item: 'Согласие',
  state: 'Сейчас',
  given: 'дано',
  withdrawn: 'отозвано',
  never: 'не давалось',
  when: 'Когда',
  record: 'Запись',
  channel: 'Канал',
  topic: 'Тема',
  action: 'Действие',
  source: 'Источник',
  wording: 'Версия текста',
  kind: { consent: 'согласие', channel: 'канал', topic: 'тема', 'opt-out': 'все рассылки' },
  actions: { granted: 'дано', withdrawn: 'отозвано' },
  empty: 'Согласий и отзывов пока нет',
  csv: 'Журнал согласий, CSV',
  pdf: 'Журнал согласий, PDF',
  personalData: 'Все данные клиента, JSON',
  requiresConsent: 'Нужно согласие (реклама)',
  requiresConsentHint:
    'Рекламная тема: сообщения уходят только клиентам, давшим согласие на канал (письмо, SMS). Служебные кампании не затрагиваются.',
  requiresConsentTag: 'нужно согласие',
};

export const en: Texts<typeof ru> = {
  title: 'Consent to promotions',
  intro:
    'For topics that need consent, promotional messages go only on channels with a recorded consent (38-FZ art. 18). Here are all of the client’s consents and withdrawals, ready to export as proof.',
  item: 'Consent',
  state: 'Now',
  given: 'given',
  withdrawn: 'withdrawn',
  never: 'never given',
  when: 'When',
  record: 'Record',
  channel: 'Channel',
  topic: 'Topic',
  action: 'Action',
  source: 'Source',
  wording: 'Wording version',
  kind: { consent: 'consent', channel: 'channel', topic: 'topic', 'opt-out': 'all messages' },
  actions: { granted: 'granted', withdrawn: 'withdrawn' },
  empty: 'No consents or withdrawals yet',
  csv: 'Consent record, CSV',
  pdf: 'Consent record, PDF',
  personalData: 'All client data, JSON',
  requiresConsent: 'Needs consent (promotional)',
  requiresConsentHint:
    'A promotional topic: messages go only to clients who consented to the channel (email, SMS). Service campaigns are not affected.',
  requiresConsentTag: 'needs consent',
};
