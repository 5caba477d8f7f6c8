// The imports section's texts; en has the same keys as ru (the type checker holds them equal).
import type { Texts } from '../texts';

export const ru = {
  title: 'Импорт',
};

export const en: Texts<typeof ru> = {
  title: 'Imports',
};
