import dayjs from 'dayjs';
import 'dayjs/locale/ru';
import 'dayjs/locale/en';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../api/types';
import { en } from './en';
import { ru } from './ru';

const STORED = 'touchbase.console.locale';

/** Before sign-in: what this browser chose last, else its language. After: the person's own. */
export function initialLocale(): Locale {
  const stored = localStorage.getItem(STORED);
  if (stored === 'ru' || stored === 'en') return stored;
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export function applyLocale(locale: Locale): void {
  localStorage.setItem(STORED, locale);
  dayjs.locale(locale);
  document.documentElement.lang = locale;
  if (i18n.language !== locale) void i18n.changeLanguage(locale);
}

const start = initialLocale();
void i18n.use(initReactI18next).init({
  resources: { ru: { translation: ru }, en: { translation: en } },
  lng: start,
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});
applyLocale(start);

export default i18n;
