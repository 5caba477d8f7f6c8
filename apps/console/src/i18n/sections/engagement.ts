// The engagement texts (open tracking, clicks and opens); en has the same keys as ru (the type checker holds them equal).
import type { Texts } from '../texts';

export const ru = {
  openTracking: 'Учитывать открытия писем',
  openTrackingHint:
    'В письмо добавляется невидимая картинка 1×1. Работает, только если открытия включены для всей системы (OPEN_TRACKING) и ссылки отслеживаются; открытия машинами (Apple Mail, антивирусные сканеры) считаются отдельно.',
};

export const en: Texts<typeof ru> = {
  openTracking: 'Count email opens',
  openTrackingHint:
    'The email carries an invisible 1×1 image. Works only when opens are on for the workspace (OPEN_TRACKING) and links are tracked; opens by machines (Apple Mail, security scanners) are counted apart.',
};
