// The engagement texts (open tracking, clicks and opens); en has the same keys as ru (the type checker holds them equal).
import type { Texts } from '../texts';

export const ru = {
  openTracking: 'Учитывать открытия писем',
  openTrackingHint:
    'В письмо добавляется невидимая картинка 1×1. Работает, только если открытия включены для всей системы (Настройки → Отклик) и ссылки отслеживаются; открытия машинами (Apple Mail, антивирусные сканеры) считаются отдельно.',
  run: {
    title: 'Отклик',
    reached: 'Доставлено',
    tracked: 'С учётом переходов',
    clicked: 'Перешли по ссылке',
    clickRate: 'Доля перешедших',
    clicks: 'Переходов всего',
    opened: 'Открыли',
    machineOpens: 'Открытия машинами',
    channel: 'Канал',
    byChannel: 'Отклик по каналам',
    untracked: 'Переходы в этом запуске не учитываются: отслеживание выключено для кампании или клиентов.',
    note: 'Доля перешедших — от сообщений с учётом переходов. Открытия машинами (Apple Mail, антивирусные сканеры) не считаются откликом.',
  },
  timeline: {
    clicks_one: '{{count}} переход по ссылке',
    clicks_few: '{{count}} перехода по ссылкам',
    clicks_many: '{{count}} переходов по ссылкам',
    clicks_other: '{{count}} перехода по ссылкам',
    clickedAt: 'первый {{first}}, последний {{last}}',
    noClicks: 'Переходов не было',
    untracked: 'Переходы не учитываются: отслеживание выключено для клиента или кампании',
    opened_one: 'Открыто {{at}}',
    opened_few: 'Открыто {{count}} раза, впервые {{at}}',
    opened_many: 'Открыто {{count}} раз, впервые {{at}}',
    opened_other: 'Открыто {{count}} раза, впервые {{at}}',
    machineClicks: 'Переходы машинами: {{count}}',
    machineOpens: 'Открытия машинами: {{count}}',
    machineHint:
      'Антивирусные сканеры почты, Apple Mail и боты открывают письма и ссылки сами; такие переходы и открытия не считаются откликом клиента.',
  },
};

export const en: Texts<typeof ru> = {
  openTracking: 'Count email opens',
  openTrackingHint:
    'The email carries an invisible 1×1 image. Works only when opens are on for the workspace (Settings → Engagement) and links are tracked; opens by machines (Apple Mail, security scanners) are counted apart.',
  run: {
    title: 'Engagement',
    reached: 'Reached',
    tracked: 'With click tracking',
    clicked: 'Clicked',
    clickRate: 'Click rate',
    clicks: 'Clicks in all',
    opened: 'Opened',
    machineOpens: 'Machine opens',
    channel: 'Channel',
    byChannel: 'Engagement by channel',
    untracked: 'Clicks are not counted in this run: tracking is off for the campaign or its clients.',
    note: 'The click rate is of the messages whose clicks are counted. Opens by machines (Apple Mail, security scanners) are not engagement.',
  },
  timeline: {
    clicks_one: '{{count}} click',
    clicks_few: '{{count}} clicks',
    clicks_many: '{{count}} clicks',
    clicks_other: '{{count}} clicks',
    clickedAt: 'first {{first}}, last {{last}}',
    noClicks: 'No clicks',
    untracked: 'Clicks not counted: tracking is off for the client or the campaign',
    opened_one: 'Opened {{at}}',
    opened_few: 'Opened {{count}} times, first {{at}}',
    opened_many: 'Opened {{count}} times, first {{at}}',
    opened_other: 'Opened {{count}} times, first {{at}}',
    machineClicks: 'Machine clicks: {{count}}',
    machineOpens: 'Machine opens: {{count}}',
    machineHint:
      'Mail security scanners, Apple Mail and bots open messages and follow links by themselves; such clicks and opens are not the client’s engagement.',
  },
};
