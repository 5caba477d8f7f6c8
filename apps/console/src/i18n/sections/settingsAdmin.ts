// The admin settings' texts (policy and windows, topics, signers, workspace); en has the same keys as ru.
import type { Texts } from '../texts';

export const ru = {
  title: 'Настройки',
};

export const en: Texts<typeof ru> = {
  title: 'Settings',
};
