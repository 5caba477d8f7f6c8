import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ExcelJS from 'exceljs';
import { UnreadableFileError } from './table-source';
import { openXlsx } from './xlsx-reader';

describe('XLSX reader', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xlsx-reader-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads the first worksheet: cells as text, rows numbered as in Excel, blank rows skipped', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Клиенты');
    workbook.addWorksheet('Другой').addRow(['не этот']);
    sheet.addRow(['Код', 'Телефон', 'Email', 'Дата', 'Сумма', 'Имя']);
    sheet.addRow([
      'A-1',
      79123456789,
      { text: 'a@b.ru', hyperlink: 'mailto:a@b.ru' },
      new Date(Date.UTC(2025, 0, 15)),
      12.5,
      { richText: [{ text: 'ООО ' }, { text: '«Ёлка»' }] },
    ]);
    sheet.addRow([]);
    sheet.addRow(['A-2', null, null, null, { formula: '1+1', result: 2 }, 'Б']);
    const file = path.join(dir, 'book.xlsx');
    await workbook.xlsx.writeFile(file);

    const source = await openXlsx(file);
    expect(source).toMatchObject({ format: 'xlsx', encoding: null, delimiter: null });
    expect(source.header).toEqual(['Код', 'Телефон', 'Email', 'Дата', 'Сумма', 'Имя']);
    const rows = [];
    for await (const chunk of source.rows()) rows.push(...chunk);
    expect(rows).toEqual([
      { rowNumber: 2, cells: ['A-1', '79123456789', 'a@b.ru', '2025-01-15', '12.5', 'ООО «Ёлка»'] },
      { rowNumber: 4, cells: ['A-2', '', '', '', '2', 'Б'] },
    ]);
    expect(source.bytesRead()).toBe(source.totalBytes);
  });

  it('refuses a damaged file', async () => {
    const file = path.join(dir, 'broken.xlsx');
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]));
    await expect(openXlsx(file)).rejects.toBeInstanceOf(UnreadableFileError);
  });
});
