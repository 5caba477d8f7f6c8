import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as iconv from 'iconv-lite';
import { detectDelimiter, openCsv } from './csv-reader';

describe('CSV reader', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csv-reader-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function read(content: Buffer) {
    const file = path.join(dir, `f${Math.random()}.csv`);
    fs.writeFileSync(file, content);
    const source = await openCsv(file);
    const rows = [];
    for await (const chunk of source.rows()) rows.push(...chunk);
    return { source, rows };
  }

  it('chooses the delimiter from the header line, outside quotes', () => {
    expect(detectDelimiter('Код;Имя;"Адрес, город"')).toBe(';');
    expect(detectDelimiter('a,b,"c;d;e"')).toBe(',');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('Имя')).toBe(';');
  });

  it('reads UTF-8 with a BOM and numbers rows as the user sees them (blank lines count, header is 1)', async () => {
    const { source, rows } = await read(
      Buffer.from('\uFEFFКод;Имя\r\n1;Анна\r\n\r\n2;"Борис\nмл."\r\n3;Вера\r\n'),
    );
    expect(source).toMatchObject({ encoding: 'utf-8', delimiter: ';', header: ['Код', 'Имя'] });
    expect(rows.map((r) => [r.rowNumber, r.cells])).toEqual([
      [2, ['1', 'Анна']],
      [4, ['2', 'Борис\nмл.']],
      [5, ['3', 'Вера']],
    ]);
  });

  it('reads Windows-1251 when the file is not valid UTF-8', async () => {
    const { source, rows } = await read(iconv.encode('Наименование,Город\nООО «Ёлка»,Пермь\n', 'win1251'));
    expect(source).toMatchObject({
      encoding: 'windows-1251',
      delimiter: ',',
      header: ['Наименование', 'Город'],
    });
    expect(rows[0].cells).toEqual(['ООО «Ёлка»', 'Пермь']);
  });

  it('flags a row with more values than the header has columns', async () => {
    const { rows } = await read(Buffer.from('a,b\n1,2\n1,2,3\n1,2,,\n'));
    expect(rows.map((r) => r.problem === undefined)).toEqual([true, false, true]);
  });

  it('streams large files in chunks with a header found after leading blank lines', async () => {
    const body = Array.from({ length: 20_000 }, (_, i) => `${i};значение ${i}`).join('\n');
    const { source, rows } = await read(Buffer.from(`\n\nКод;Значение\n${body}\n`));
    expect(source.header).toEqual(['Код', 'Значение']);
    expect(rows).toHaveLength(20_000);
    expect(rows[0]).toEqual({ rowNumber: 4, cells: ['0', 'значение 0'] });
    expect(rows.at(-1)).toEqual({ rowNumber: 20_003, cells: ['19999', 'значение 19999'] });
  });
});
