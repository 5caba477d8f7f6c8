// The engagement settings card (Settings): en has the same keys as ru (the type checker holds them equal).
import type { Texts } from '../texts';

export const ru = {
  title: 'Отклик: переходы, открытия, атрибуция',
  intro:
    'Общие переключатели для всей системы. Кампания и сам клиент (в личном кабинете) могут только выключить учёт для себя, но не включить его, если он выключен здесь.',
  clickTracking: 'Учитывать переходы по ссылкам',
  clickTrackingHint:
    'Ссылки в письмах, SMS и бумажных письмах идут через короткие ссылки, которые считают переходы. Если выключить, ссылки уходят как написаны в шаблоне.',
  openTracking: 'Учитывать открытия писем',
  openTrackingHint:
    'В письма кампаний, где включены открытия, добавляется невидимая картинка 1×1 (только при учёте переходов). По умолчанию выключено.',
  attributionWindow: 'Окно атрибуции, дней',
  attributionWindowHint:
    'Покупка засчитывается последнему касанию за столько дней до неё. Отчёты берут это окно, если другое не выбрано.',
  range: 'Целое число дней от 1 до 365',
  readOnly: 'Менять эти настройки может только администратор.',
  save: 'Сохранить',
  saved: 'Настройки отклика сохранены',
};

export const en: Texts<typeof ru> = {
  title: 'Engagement: clicks, opens, attribution',
  intro:
    'Switches for the whole workspace. A campaign and the client (in their portal) can only turn tracking off for themselves, never on when it is off here.',
  clickTracking: 'Count link clicks',
  clickTrackingHint:
    'Links in emails, SMS and letters go through short links that count clicks. Off: links go out as the template writes them.',
  openTracking: 'Count email opens',
  openTrackingHint:
    'Emails of campaigns that ask for opens carry an invisible 1×1 image (only with click counting on). Off by default.',
  attributionWindow: 'Attribution window, days',
  attributionWindowHint:
    'A purchase is credited to the last touch within this many days before it. Reports use this window unless another is chosen.',
  range: 'A whole number of days from 1 to 365',
  readOnly: 'Only an administrator can change these settings.',
  save: 'Save',
  saved: 'Engagement settings saved',
};
