// The runs section's texts; en has the same keys as ru (the type checker holds them equal).
import type { Texts } from '../texts';

export const ru = {
  title: 'Запуски',
};

export const en: Texts<typeof ru> = {
  title: 'Runs',
};
