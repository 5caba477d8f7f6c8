import { Channel, Locale } from '@touchbase/core';

/** What the double opt-in email and pages say, in the person's language. */
export interface ConsentTexts {
  channel: Record<Channel, string>;
  email: {
    subject: string;
    greeting: string;
    text: (channels: string, company: string) => string;
    topics: (topics: string) => string;
    button: string;
    expires: (hours: number) => string;
    ignore: string;
  };
  page: {
    title: string;
    confirmHeading: string;
    confirmText: (channels: string) => string;
    button: string;
    doneHeading: string;
    doneText: (channels: string) => string;
    alreadyHeading: string;
    invalidHeading: string;
    invalidText: string;
    expiredHeading: string;
    expiredText: string;
  };
}

export const CONSENT_TEXTS: Record<Locale, ConsentTexts> = {
  [Locale.Ru]: {
    channel: { email: 'письма', sms: 'SMS', call: 'звонки', letter: 'бумажные письма' },
    email: {
      subject: 'Подтвердите согласие на рассылку',
      greeting: 'Здравствуйте!',
      text: (channels, company) =>
        `Вы (или кто-то от вашего имени) согласились получать от компании «${company}» рекламные и информационные сообщения: ${channels}. Чтобы подтвердить согласие, откройте ссылку:`,
      topics: (topics) => `Темы: ${topics}.`,
      button: 'Подтвердить согласие',
      expires: (hours) => `Ссылка действует ${hours} ч.`,
      ignore:
        'Если вы не оставляли согласия, просто не отвечайте на это письмо: без подтверждения мы ничего не пришлём.',
    },
    page: {
      title: 'Согласие на рассылку',
      confirmHeading: 'Подтвердите согласие на рассылку',
      confirmText: (channels) =>
        `Нажмите кнопку, чтобы подтвердить согласие получать рекламные и информационные сообщения: ${channels}. Отозвать согласие можно в любой момент по ссылке «Отписаться» в каждом сообщении.`,
      button: 'Подтвердить',
      doneHeading: 'Спасибо, согласие подтверждено',
      doneText: (channels) =>
        `Мы записали ваше согласие: ${channels}. Отозвать его можно в любой момент по ссылке «Отписаться» в каждом сообщении.`,
      alreadyHeading: 'Согласие уже подтверждено',
      invalidHeading: 'Ссылка недействительна',
      invalidText:
        'Ссылка повреждена или неполна. Скопируйте её из письма целиком или оставьте согласие на сайте ещё раз.',
      expiredHeading: 'Срок действия ссылки истёк',
      expiredText: 'Оставьте согласие на сайте ещё раз: мы пришлём новое письмо с новой ссылкой.',
    },
  },
  [Locale.En]: {
    channel: { email: 'emails', sms: 'SMS', call: 'calls', letter: 'letters' },
    email: {
      subject: 'Please confirm your subscription',
      greeting: 'Hello,',
      text: (channels, company) =>
        `You (or someone on your behalf) agreed to receive promotional and news messages from ${company}: ${channels}. To confirm, open the link:`,
      topics: (topics) => `Topics: ${topics}.`,
      button: 'Confirm my consent',
      expires: (hours) => `The link is valid for ${hours} hours.`,
      ignore: 'If this was not you, just ignore this email: without confirmation we will send you nothing.',
    },
    page: {
      title: 'Subscription consent',
      confirmHeading: 'Confirm your subscription',
      confirmText: (channels) =>
        `Press the button to confirm that you agree to receive promotional and news messages: ${channels}. You can withdraw at any time with the “Unsubscribe” link in every message.`,
      button: 'Confirm',
      doneHeading: 'Thank you, your consent is confirmed',
      doneText: (channels) =>
        `We have recorded your consent: ${channels}. You can withdraw it at any time with the “Unsubscribe” link in every message.`,
      alreadyHeading: 'Your consent is already confirmed',
      invalidHeading: 'This link is not valid',
      invalidText:
        'The link is damaged or incomplete. Copy the whole link from the email, or give your consent on the website again.',
      expiredHeading: 'This link has expired',
      expiredText: 'Please give your consent on the website again: we will send a new email with a new link.',
    },
  },
};

/** Bumped whenever the confirmation page's wording changes; written with the confirmed consent. */
export const CONSENT_PAGE_WORDING_VERSION = 'double-opt-in-page/1';
