// The holdout groups' texts (campaign holdout, control group, their comparison); en has the same keys
// as ru (the type checker holds them equal).
import type { Texts } from '../texts';

export const ru = {
  field: {
    label: 'Отложенная доля',
    hint: 'Столько процентов подходящих клиентов не получат кампанию — всегда одни и те же — чтобы сравнить их покупки с получившими. 0 — без отложенной доли.',
    range: 'От 0 до 50 %',
    notFor: 'Сервисные и обязательные кампании доходят до всех, кого могут: отложенной доли у них нет.',
    review: '{{percent}} % аудитории',
    none: 'нет',
  },
  result: {
    title: 'Эффект кампании: отложенная доля',
    controlTitle: 'Контрольная группа против получивших касания',
    none: 'У кампании нет отложенной доли: сравнивать не с чем. Задайте её в настройках кампании.',
    days: 'Покупки за, дней после запуска',
    group: 'Группа',
    clients: 'Клиентов',
    purchasers: 'Купили',
    revenue: 'Выручка',
    mean: 'На клиента',
    touched: 'С касанием',
    heldOut: 'Без касания',
    control: 'Контрольная группа',
    difference: 'Разница на клиента',
    interval: '95% доверительный интервал',
    intervalValue: 'от {{low}} до {{high}}',
    pValue: 'p-значение',
    runs: 'Запусков в сравнении',
    windowOpen: 'Окно покупок ещё открыто (до {{date}}): цифры могут измениться.',
    csv: 'Скачать CSV',
    verdict: {
      'touched-more':
        'Клиенты с касанием купили больше: {{difference}} на клиента (95% ДИ от {{low}} до {{high}}).',
      'no-difference':
        'Значимой разницы пока нет: {{difference}} на клиента (95% ДИ от {{low}} до {{high}}).',
      'held-out-more':
        'Клиенты без касания купили больше: на {{amount}} на клиента (95% ДИ от {{low}} до {{high}}).',
      'too-few':
        'Слишком мало клиентов, чтобы судить: нужно хотя бы 30 в каждой группе (с касанием {{touched}}, без касания {{heldOut}}).',
    },
  },
  control: {
    title: 'Контрольная группа',
    intro:
      'Доля клиентов, которым не отправляются рекламные касания (рассылки и планы), чтобы измерить, что касания дают. Сервисные кампании доходят и до неё. Состав группы постоянный.',
    share: 'Доля клиентов, %',
    shareHint: 'От 0 до 20 %; 0 — контрольная группа выключена.',
    range: 'От 0 до 20 %',
    includeCeoLetters: 'Не отправлять контрольной группе и письма CEO',
    members: 'Сейчас в группе {{members}} из {{clients}} клиентов',
    off: 'Контрольная группа выключена.',
    save: 'Сохранить',
    saved: 'Контрольная группа сохранена',
    readOnly: 'Менять контрольную группу может только администратор.',
    report: 'Сравнение за месяц',
  },
  report: {
    intro:
      'Купили ли клиенты, получившие касания, больше, чем отложенные? Выберите кампанию с отложенной долей или контрольную группу.',
    subject: 'Что сравнить',
    controlGroup: 'Контрольная группа (рекламные кампании за период)',
  },
};

export const en: Texts<typeof ru> = {
  field: {
    label: 'Holdout share',
    hint: 'This percentage of the eligible clients does not get the campaign — always the same clients — so their purchases can be compared with those who got it. 0: no holdout.',
    range: 'From 0 to 50%',
    notFor: 'Service and must-send campaigns reach everyone they can: they hold nobody out.',
    review: '{{percent}}% of the audience',
    none: 'none',
  },
  result: {
    title: 'Campaign effect: the holdout',
    controlTitle: 'The control group against the touched clients',
    none: 'The campaign holds nobody out: there is nothing to compare with. Set a holdout share in the campaign.',
    days: 'Purchases within, days after the run',
    group: 'Group',
    clients: 'Clients',
    purchasers: 'Bought',
    revenue: 'Revenue',
    mean: 'Per client',
    touched: 'Touched',
    heldOut: 'Held out',
    control: 'Control group',
    difference: 'Difference per client',
    interval: '95% confidence interval',
    intervalValue: '{{low}} to {{high}}',
    pValue: 'p-value',
    runs: 'Runs compared',
    windowOpen: 'The purchase window is still open (until {{date}}): the figures may change.',
    csv: 'Download CSV',
    verdict: {
      'touched-more': 'Touched clients bought more: {{difference}} per client (95% CI {{low}} to {{high}}).',
      'no-difference':
        'No significant difference yet: {{difference}} per client (95% CI {{low}} to {{high}}).',
      'held-out-more':
        'Held-out clients bought more: {{amount}} per client more (95% CI {{low}} to {{high}}).',
      'too-few':
        'Too few clients to tell: at least 30 are needed in each group (touched {{touched}}, held out {{heldOut}}).',
    },
  },
  control: {
    title: 'Control group',
    intro:
      'A share of the clients who get no promotional touches (broadcasts and plans), to measure what the touches bring. Service campaigns still reach them. The members stay the same.',
    share: 'Share of the clients, %',
    shareHint: 'From 0 to 20%; 0 turns the control group off.',
    range: 'From 0 to 20%',
    includeCeoLetters: 'Keep CEO letters from the control group too',
    members: '{{members}} of {{clients}} clients are in the group now',
    off: 'The control group is off.',
    save: 'Save',
    saved: 'Control group saved',
    readOnly: 'Only an admin can change the control group.',
    report: 'This month’s comparison',
  },
  report: {
    intro:
      'Did the touched clients buy more than those held out? Choose a campaign with a holdout share, or the control group.',
    subject: 'Compare',
    controlGroup: 'Control group (the promotional campaigns of the period)',
  },
};
