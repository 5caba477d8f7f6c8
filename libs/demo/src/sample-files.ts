import * as fs from 'node:fs';
import * as path from 'node:path';
import { DateTime } from 'luxon';
import { SampleClient, SampleCompany, SamplePreference, SamplePurchase } from './sample-company';

export interface SampleFiles {
  clients: string;
  purchases: string;
  preferences: string;
}

const FREQUENCY_TEXT: Record<NonNullable<SamplePreference['frequency']>, string> = {
  weekly: 'раз в неделю',
  'twice-monthly': 'дважды в месяц',
  monthly: 'раз в месяц',
  quarterly: 'раз в квартал',
};

const CHANNEL_TEXT: Record<NonNullable<SamplePreference['preferredChannel']>, string> = {
  email: 'email',
  sms: 'смс',
  call: 'звонок',
  letter: 'письмо',
};

/**
 * The sample company as the files a company exports from its accounting system (Russian headers, as
 * the import reads them), so that it is loaded through the import exactly like a real base.
 */
export function writeSampleFiles(company: SampleCompany, dir: string): SampleFiles {
  fs.mkdirSync(dir, { recursive: true });
  const files: SampleFiles = {
    clients: path.join(dir, 'clients.csv'),
    purchases: path.join(dir, 'purchases.csv'),
    preferences: path.join(dir, 'preferences.csv'),
  };
  writeCsv(
    files.clients,
    [
      'Код',
      'ФИО',
      'Тип',
      'Телефон',
      'Email',
      'Адрес',
      'Город',
      'Регион',
      'Индекс',
      'Страна',
      'Менеджер',
      'Теги',
      'Язык',
      'Часовой пояс',
      'VIP',
      'Контактное лицо',
    ],
    company.clients.map((c: SampleClient) => [
      c.ref,
      c.name,
      c.kind === 'person' ? 'физ. лицо' : 'юр. лицо',
      c.phone ?? '',
      c.email ?? '',
      c.addressLine,
      c.city,
      c.region,
      c.postalCode,
      'RU',
      c.ownerEmail ?? '',
      c.tags.join(', '),
      c.locale,
      c.timeZone,
      c.vip ? 'да' : '',
      c.contactName ?? '',
    ]),
  );
  writeCsv(
    files.purchases,
    ['Номер документа', 'Код клиента', 'Дата', 'Сумма', 'Валюта', 'Товар', 'Категория товара'],
    company.purchases.map((p: SamplePurchase) => [
      p.id,
      p.clientRef,
      DateTime.fromJSDate(p.at, { zone: 'Europe/Moscow' }).toFormat('dd.MM.yyyy H:mm'),
      p.amount.toFixed(2),
      'RUB',
      p.product,
      p.productCategory,
    ]),
  );
  writeCsv(
    files.preferences,
    [
      'Код клиента',
      'Отписан',
      'SMS разрешены',
      'Звонки разрешены',
      'Предпочтительный канал',
      'Частота',
      'Темы',
    ],
    company.preferences.map((p) => [
      p.clientRef,
      p.optedOut ? 'да' : '',
      p.sms === false ? 'нет' : '',
      p.calls === false ? 'нет' : '',
      p.preferredChannel ? CHANNEL_TEXT[p.preferredChannel] : '',
      p.frequency ? FREQUENCY_TEXT[p.frequency] : '',
      p.topics?.join(', ') ?? '',
    ]),
  );
  return files;
}

function writeCsv(file: string, header: string[], rows: string[][]): void {
  const line = (cells: string[]) => cells.map(quote).join(';');
  fs.writeFileSync(file, [line(header), ...rows.map(line)].join('\r\n') + '\r\n', 'utf8');
}

function quote(cell: string): string {
  return /[";\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}
