import * as ExcelJS from 'exceljs';
import * as iconv from 'iconv-lite';

/** Test files for the import suites, generated in memory. */

export type Cell = string | number | Date | null;

export function csv(rows: Cell[][], delimiter = ';'): string {
  const field = (v: Cell) => {
    const s = v === null ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
    return s.includes(delimiter) || /["\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(field).join(delimiter)).join('\r\n') + '\r\n';
}

export function cp1251(text: string): Buffer {
  return iconv.encode(text, 'win1251');
}

export function utf8(text: string, bom = false): Buffer {
  return Buffer.from(`${bom ? '\uFEFF' : ''}${text}`, 'utf8');
}

export async function xlsx(rows: Cell[][], sheetName = 'Клиенты'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The client columns as a Russian ERP export names them (what clientRows fills, in this order). */
export const RU_HEADER = [
  'Внешний код',
  'Наименование',
  'Тип',
  'Телефон',
  'E-mail',
  'Адрес',
  'Город',
  'Область',
  'Индекс',
  'Страна',
  'Менеджер',
  'Теги',
  'Часовой пояс',
  'VIP',
  'Комментарий',
];

export type BadKind = 'phone' | 'email' | 'name' | 'duplicate';

export interface ClientFile {
  header: string[];
  rows: Cell[][];
  /** Data index → what is wrong with it. */
  bad: Map<number, BadKind>;
  /** Header text of the column each kind of bad row is reported on. */
  columnOf: Record<BadKind, string>;
}

/**
 * `count` client rows; 1 in 20 is bad, the four kinds in turn: a phone that is no number, an email
 * without @, no name, a reference already used on the row before.
 */
export function clientRows(count: number, header: string[], owner: string, prefix = 'ERP'): ClientFile {
  const bad = new Map<number, BadKind>();
  const kinds: BadKind[] = ['phone', 'email', 'name', 'duplicate'];
  const rows: Cell[][] = [];
  for (let i = 0; i < count; i++) {
    const n = String(1_000_000 + i).slice(-7);
    const row: Cell[] = [
      `${prefix}-${i}`,
      i % 50 === 3 ? `ООО "Север; Юг" ${i}` : `ООО «Клиент ${i}»`,
      i % 3 === 0 ? 'физ. лицо' : 'юр. лицо',
      i % 2 === 0 ? `8 (912) ${n.slice(0, 3)}-${n.slice(3, 5)}-${n.slice(5)}` : `+7912${n}`,
      `Client${i}@Example.RU`,
      `ул. Ленина, д. ${i}`,
      'Екатеринбург',
      'Свердловская область',
      '620014',
      'Россия',
      i % 10 === 0 ? owner : '',
      i % 4 === 0 ? 'Dealer, урал' : '',
      'Asia/Yekaterinburg',
      i % 100 === 0 ? 'да' : '',
      'заметка',
    ];
    if (i % 20 === 7) {
      const kind = kinds[Math.floor(i / 20) % 4];
      bad.set(i, kind);
      if (kind === 'phone') row[3] = `12-${i}`;
      if (kind === 'email') row[4] = `client${i}-at-example.ru`;
      if (kind === 'name') row[1] = '';
      if (kind === 'duplicate') row[0] = `${prefix}-${i - 1}`;
    }
    rows.push(row);
  }
  return {
    header,
    rows,
    bad,
    columnOf: { phone: header[3], email: header[4], name: header[1], duplicate: header[0] },
  };
}

/** A tiny valid PNG (1×1). */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
