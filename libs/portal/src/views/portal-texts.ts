import { Locale } from '@touchbase/core';
import { Frequency } from '@touchbase/preferences';
import { CLIENT_PAGE_TEXTS, ClientPageTexts } from '../pages/client-page';

/** Bumped whenever the wording of the portal changes: written to the consent log with each change. */
export const PORTAL_WORDING_VERSION = 'portal/1';

export interface PortalTexts extends ClientPageTexts {
  title: string;
  nav: { preferences: string; contact: string; survey: string; unsubscribe: string };
  greeting: (name: string) => string;
  intro: string;
  saved: Record<'preferences' | 'contact' | 'survey' | 'unsubscribed' | 'resubscribed', string>;
  errorsTitle: string;
  optedOut: { title: string; text: string; button: string };
  preferences: {
    title: string;
    frequency: string;
    frequencyHint: string;
    frequencies: Record<Frequency, string>;
    channels: string;
    channelsHint: string;
    channelNames: Record<'email' | 'sms' | 'call' | 'letter', string>;
    preferred: string;
    preferredHint: string;
    noPreference: string;
    topics: string;
    topicsHint: string;
    quiet: string;
    quietEnabled: string;
    quietHint: string;
    quietStart: string;
    quietEnd: string;
    quietFormat: string;
    tracking: string;
    trackingEnabled: string;
    trackingHint: string;
    language: string;
    save: string;
  };
  contact: {
    title: string;
    hint: string;
    email: string;
    phone: string;
    phoneHint: string;
    recipient: string;
    line1: string;
    line2: string;
    city: string;
    region: string;
    postalCode: string;
    country: string;
    countryHint: string;
    verifiedAt: (date: string) => string;
    save: string;
  };
  survey: {
    title: string;
    intro: string;
    valued: string;
    improve: string;
    rating: string;
    ratingHint: string;
    ratingNone: string;
    ratingLow: string;
    ratingHigh: string;
    answered: string;
    submit: string;
  };
  unsubscribe: {
    title: string;
    linkText: string;
    hint: string;
    question: string;
    explain: string;
    confirm: string;
    cancel: string;
  };
  link: {
    expiredTitle: string;
    expiredText: string;
    requestTitle: string;
    requestText: string;
    address: string;
    addressHint: string;
    send: string;
    tooMany: string;
    sentTitle: string;
    sentText: string;
    emailSubject: string;
    emailGreeting: string;
    emailText: string;
    emailButton: string;
    emailIgnore: string;
  };
  invalid: { title: string; text: string; newLink: string };
  csrf: string;
  fields: {
    frequency: string;
    preferredChannel: string;
    quietHours: string;
    email: string;
    phone: string;
    country: string;
    address: string;
    rating: string;
    answers: string;
    topics: string;
    locale: string;
  };
}

const RU: PortalTexts = {
  ...CLIENT_PAGE_TEXTS[Locale.Ru],
  title: 'Настройки рассылок',
  nav: { preferences: 'Рассылки', contact: 'Контакты', survey: 'Опрос', unsubscribe: 'Отписка' },
  greeting: (name) => `Здравствуйте, ${name}!`,
  intro: 'Здесь вы решаете, как часто, каким способом и о чём мы вам пишем.',
  saved: {
    preferences: 'Готово: настройки сохранены. Следующие рассылки учтут их.',
    contact: 'Готово: контактные данные сохранены. Спасибо, что помогаете нам держать их в порядке.',
    survey: 'Спасибо! Ваши ответы получены, мы читаем каждый.',
    unsubscribed: 'Готово: вы отписаны от всех рассылок.',
    resubscribed: 'Готово: рассылки снова включены.',
  },
  errorsTitle: 'Проверьте, пожалуйста, поля:',
  optedOut: {
    title: 'Вы отписаны от всех рассылок',
    text: 'Мы присылаем вам только служебные сообщения. Если передумаете — рассылки можно включить снова.',
    button: 'Снова получать рассылки',
  },
  preferences: {
    title: 'Как часто и о чём вам писать',
    frequency: 'Как часто',
    frequencyHint: 'Не больше одного сообщения за выбранный срок, по всем темам вместе.',
    frequencies: {
      [Frequency.Weekly]: 'Не чаще раза в неделю',
      [Frequency.TwiceMonthly]: 'Не чаще двух раз в месяц',
      [Frequency.Monthly]: 'Не чаще раза в месяц',
      [Frequency.Quarterly]: 'Не чаще раза в квартал',
      [Frequency.Unlimited]: 'Без ограничений',
    },
    channels: 'Способы связи',
    channelsHint: 'Снимите отметку, и мы перестанем связываться с вами этим способом.',
    channelNames: {
      email: 'Электронная почта',
      sms: 'SMS',
      call: 'Телефонный звонок',
      letter: 'Письмо по почте',
    },
    preferred: 'Предпочтительный способ',
    preferredHint: 'Им мы будем пользоваться в первую очередь.',
    noPreference: 'Без предпочтений',
    topics: 'Темы',
    topicsHint: 'Отметьте темы, о которых вам интересно получать сообщения.',
    quiet: 'Тихие часы',
    quietEnabled: 'Не беспокоить в определённые часы',
    quietHint: 'Время вашего часового пояса. В эти часы мы не звоним и не присылаем SMS.',
    quietStart: 'С',
    quietEnd: 'До',
    quietFormat: 'Время в 24-часовом формате, ЧЧ:ММ: например, 22:00 и 08:00.',
    tracking: 'Статистика переходов',
    trackingEnabled: 'Учитывать, по каким ссылкам из наших сообщений я перехожу',
    trackingHint:
      'Так мы понимаем, что вам интересно, и пишем реже о том, что нет. Если снять отметку, ссылки будут работать как прежде, но мы не будем записывать ни переходы, ни открытия писем.',
    language: 'Язык сообщений',
    save: 'Сохранить настройки',
  },
  contact: {
    title: 'Контактные данные',
    hint: 'Проверьте, что данные верны, и сохраните — так мы будем знать, что они актуальны.',
    email: 'Электронная почта',
    phone: 'Телефон',
    phoneHint: 'Например, +7 912 345-67-89',
    recipient: 'Получатель',
    line1: 'Улица, дом, офис',
    line2: 'Адрес, вторая строка',
    city: 'Город',
    region: 'Регион',
    postalCode: 'Индекс',
    country: 'Страна',
    countryHint: 'Двухбуквенный код, например RU',
    verifiedAt: (date) => `Последнее подтверждение: ${date}`,
    save: 'Сохранить контакты',
  },
  survey: {
    title: 'Два вопроса о работе с нами',
    intro: 'Это займёт пару минут. Отвечайте так, как удобно: можно коротко.',
    valued: 'Что вы цените в работе с нами?',
    improve: 'Что нам стоит улучшить?',
    rating: 'Насколько вероятно, что вы порекомендуете нас коллегам? (необязательно)',
    ratingHint: '0 — точно нет, 10 — обязательно порекомендую',
    ratingNone: 'Без оценки',
    ratingLow: 'точно нет',
    ratingHigh: 'обязательно',
    answered: 'Вы уже ответили на опрос. Ответы можно изменить.',
    submit: 'Отправить ответы',
  },
  unsubscribe: {
    title: 'Отписаться от всего',
    linkText: 'Отписаться от всех рассылок',
    hint: 'Вместо этого можно выбрать темы или реже получать сообщения — в настройках выше.',
    question: 'Отписаться от всех рассылок?',
    explain:
      'Мы перестанем присылать вам письма, SMS и звонить с предложениями. Останутся только служебные сообщения, например просьба подтвердить контактные данные.',
    confirm: 'Да, отписаться от всего',
    cancel: 'Нет, вернуться к настройкам',
  },
  link: {
    expiredTitle: 'Срок действия ссылки истёк',
    expiredText:
      'Ничего страшного: мы пришлём новую ссылку. Укажите адрес почты или телефон, на которые получаете наши сообщения.',
    requestTitle: 'Получить новую ссылку',
    requestText: 'Укажите адрес почты или телефон, на которые получаете наши сообщения.',
    address: 'Электронная почта или телефон',
    addressHint: 'Например, ivan@example.com или +7 912 345-67-89',
    send: 'Прислать ссылку',
    tooMany: 'Слишком много запросов для этого адреса. Попробуйте снова через час.',
    sentTitle: 'Проверьте почту',
    sentText:
      'Если мы знаем этот адрес или телефон, новая ссылка уже отправлена на электронную почту, указанную у нас. Она действует ограниченное время.',
    emailSubject: 'Ссылка на ваши настройки рассылок',
    emailGreeting: 'Здравствуйте!',
    emailText:
      'Вы запросили новую ссылку на страницу настроек рассылок. Нажмите на кнопку, чтобы открыть её:',
    emailButton: 'Открыть настройки',
    emailIgnore: 'Если вы ничего не запрашивали, просто проигнорируйте это письмо.',
  },
  invalid: {
    title: 'Ссылка недействительна',
    text: 'Эта ссылка повреждена или не от нас. Воспользуйтесь ссылкой из последнего письма или запросите новую.',
    newLink: 'Запросить новую ссылку',
  },
  csrf: 'Страница устарела. Мы обновили её — отправьте форму ещё раз.',
  fields: {
    frequency: 'Выберите, как часто вам писать.',
    preferredChannel: 'Предпочтительный способ связи должен быть среди разрешённых.',
    quietHours: 'Укажите начало и конец тихих часов в формате ЧЧ:ММ; они не должны совпадать.',
    email: 'Похоже, в адресе почты ошибка.',
    phone: 'Похоже, в номере телефона ошибка.',
    country: 'Укажите страну двухбуквенным кодом, например RU.',
    address: 'Строка адреса слишком длинная.',
    rating: 'Оценка — число от 0 до 10.',
    answers: 'Ответьте хотя бы на один вопрос или поставьте оценку.',
    topics: 'Неизвестная тема.',
    locale: 'Выберите язык из списка.',
  },
};

const EN: PortalTexts = {
  ...CLIENT_PAGE_TEXTS[Locale.En],
  title: 'Message preferences',
  nav: { preferences: 'Messages', contact: 'Contact', survey: 'Survey', unsubscribe: 'Unsubscribe' },
  greeting: (name) => `Hello, ${name}!`,
  intro: 'Here you decide how often, how and about what we write to you.',
  saved: {
    preferences: 'Done: your preferences are saved. The next messages will follow them.',
    contact: 'Done: your contact details are saved. Thank you for helping us keep them up to date.',
    survey: 'Thank you! We have your answers, and we read every one.',
    unsubscribed: 'Done: you are unsubscribed from all messages.',
    resubscribed: 'Done: messages are switched back on.',
  },
  errorsTitle: 'Please check these fields:',
  optedOut: {
    title: 'You are unsubscribed from all messages',
    text: 'We only send you service messages. If you change your mind, you can switch messages back on.',
    button: 'Receive messages again',
  },
  preferences: {
    title: 'How often and what we write to you about',
    frequency: 'How often',
    frequencyHint: 'At most one message in the chosen period, all topics together.',
    frequencies: {
      [Frequency.Weekly]: 'At most once a week',
      [Frequency.TwiceMonthly]: 'At most twice a month',
      [Frequency.Monthly]: 'At most once a month',
      [Frequency.Quarterly]: 'At most once a quarter',
      [Frequency.Unlimited]: 'No limit',
    },
    channels: 'Ways to reach you',
    channelsHint: 'Untick a way, and we will stop contacting you that way.',
    channelNames: { email: 'Email', sms: 'Text message (SMS)', call: 'Phone call', letter: 'Postal letter' },
    preferred: 'Preferred way',
    preferredHint: 'We will use it first.',
    noPreference: 'No preference',
    topics: 'Topics',
    topicsHint: 'Tick the topics you want to hear about.',
    quiet: 'Quiet hours',
    quietEnabled: 'Do not disturb me at certain hours',
    quietHint: 'In your time zone. We neither call nor text you during these hours.',
    quietStart: 'From',
    quietEnd: 'Until',
    quietFormat: 'On the 24-hour clock, HH:MM: for example 22:00 and 08:00.',
    tracking: 'Link statistics',
    trackingEnabled: 'Record which links in our messages I follow',
    trackingHint:
      'It tells us what interests you, so we write less about what does not. Untick it and the links work as before, but we record neither your clicks nor the opening of our emails.',
    language: 'Language of messages',
    save: 'Save preferences',
  },
  contact: {
    title: 'Contact details',
    hint: 'Check that your details are right and save them: that tells us they are current.',
    email: 'Email',
    phone: 'Phone',
    phoneHint: 'For example, +7 912 345-67-89',
    recipient: 'Recipient',
    line1: 'Street, building, office',
    line2: 'Address line 2',
    city: 'City',
    region: 'Region',
    postalCode: 'Postal code',
    country: 'Country',
    countryHint: 'Two-letter code, for example RU',
    verifiedAt: (date) => `Last confirmed: ${date}`,
    save: 'Save contact details',
  },
  survey: {
    title: 'Two questions about working with us',
    intro: 'It takes a couple of minutes. Answer as you like: a few words are fine.',
    valued: 'What do you value in working with us?',
    improve: 'What should we improve?',
    rating: 'How likely are you to recommend us to a colleague? (optional)',
    ratingHint: '0: not at all, 10: definitely',
    ratingNone: 'No rating',
    ratingLow: 'not at all',
    ratingHigh: 'definitely',
    answered: 'You have answered this survey. You can still change your answers.',
    submit: 'Send answers',
  },
  unsubscribe: {
    title: 'Unsubscribe from everything',
    linkText: 'Unsubscribe from all messages',
    hint: 'Instead, you can choose topics or hear from us less often, in the preferences above.',
    question: 'Unsubscribe from all messages?',
    explain:
      'We will stop sending you emails and text messages and stop calling you with offers. Only service messages remain, such as a request to confirm your contact details.',
    confirm: 'Yes, unsubscribe from everything',
    cancel: 'No, back to my preferences',
  },
  link: {
    expiredTitle: 'This link has expired',
    expiredText:
      'No problem: we will send you a new one. Enter the email address or phone number you get our messages at.',
    requestTitle: 'Get a new link',
    requestText: 'Enter the email address or phone number you get our messages at.',
    address: 'Email or phone',
    addressHint: 'For example, ivan@example.com or +7 912 345-67-89',
    send: 'Send me a link',
    tooMany: 'Too many requests for this address. Please try again in an hour.',
    sentTitle: 'Check your inbox',
    sentText:
      'If we know this address or phone number, a new link is on its way to the email address we have for you. It is valid for a limited time.',
    emailSubject: 'The link to your message preferences',
    emailGreeting: 'Hello,',
    emailText: 'You asked for a new link to your message preferences. Press the button to open them:',
    emailButton: 'Open my preferences',
    emailIgnore: 'If you did not ask for it, just ignore this email.',
  },
  invalid: {
    title: 'This link is not valid',
    text: 'This link is damaged or not ours. Use the link in our latest message, or ask for a new one.',
    newLink: 'Get a new link',
  },
  csrf: 'This page was out of date. We have refreshed it: please send the form again.',
  fields: {
    frequency: 'Choose how often we may write to you.',
    preferredChannel: 'The preferred way must be one of the ways allowed.',
    quietHours: 'Enter the start and end of quiet hours as HH:MM; they must differ.',
    email: 'The email address looks wrong.',
    phone: 'The phone number looks wrong.',
    country: 'Enter the country as a two-letter code, for example RU.',
    address: 'An address line is too long.',
    rating: 'The rating is a number from 0 to 10.',
    answers: 'Answer at least one question or give a rating.',
    topics: 'Unknown topic.',
    locale: 'Choose a language from the list.',
  },
};

export const PORTAL_TEXTS: Record<Locale, PortalTexts> = { [Locale.Ru]: RU, [Locale.En]: EN };
