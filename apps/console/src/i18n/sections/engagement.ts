// The engagement texts (open tracking, clicks and opens); en has the same keys as ru (the type checker holds them equal).
import type { Texts } from '../texts';

export const ru = {
  openTracking: 'Учитывать открытия писем',
  openTrackingHint:
    'В письмо добавляется невидимая картинка 1×1. Работает, только если открытия включены для всей системы (OPEN_TRACKING) и ссылки отслеживаются; открытия машинами (Apple Mail, антивирусные сканеры) считаются отдельно.',
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
};

export const en: Texts<typeof ru> = {
  openTracking: 'Count email opens',
  openTrackingHint:
    'The email carries an invisible 1×1 image. Works only when opens are on for the workspace (OPEN_TRACKING) and links are tracked; opens by machines (Apple Mail, security scanners) are counted apart.',
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
};
