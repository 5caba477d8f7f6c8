import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as QRCode from 'qrcode';
import { Locale } from '@touchbase/core';
import { letterFonts } from './letter-fonts';
import { LETTER_LAYOUT, LETTER_QR_MM, LetterPdfWriter } from './letter-pdf.writer';
import { addressLines, LetterSnapshot } from './letter-snapshot';

// A 2×1 RGB PNG (no alpha channel, so no soft mask image beside it).
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAD0lEQVR4nGNgYGD4//8/AAYBAv4CsjmuAAAAAElFTkSuQmCC',
  'base64',
);

function letter(overrides: Partial<LetterSnapshot> = {}): LetterSnapshot {
  return {
    locale: Locale.Ru,
    date: '2026-12-01',
    recipient: 'ООО «Альфа»',
    street: ['ул. Ленина, д. 1'],
    postalCode: '620014',
    city: 'Екатеринбург',
    region: 'Свердловская область',
    country: null,
    text: 'Уважаемые партнёры!\n\nСпасибо, что вы с нами.\n\nС уважением,',
    signer: { id: 's1', name: 'Иван Петров', title: 'Генеральный директор', hasSignature: true },
    ...overrides,
  };
}

const company = {
  name: 'ООО «Тачбейс»',
  address: 'Москва, ул. Тверская, 1',
  phone: '+7 495 000-00-00',
  website: null,
};

describe('LetterPdfWriter', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'letters-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lays a batch out page by page, embedding the font and each signature image once', async () => {
    const file = path.join(dir, 'batch.pdf');
    const writer = new LetterPdfWriter(file, company, letterFonts(), 'test');
    const long = Array.from({ length: 40 }, (_, i) => `Абзац ${i + 1}: ${'текст письма '.repeat(12)}`).join(
      '\n\n',
    );
    writer.add({ reference: '1', letter: letter(), signature: { key: 's1', data: PNG } });
    writer.add({
      reference: '2',
      letter: letter({ recipient: 'ООО «Бета»', text: `${long}\n\nС уважением,` }),
      signature: { key: 's1', data: PNG },
    });
    writer.add({
      reference: '3',
      letter: letter({
        recipient: 'Jane Doe',
        locale: Locale.En,
        country: 'GERMANY',
        text: 'Dear Jane,\n\nYours sincerely,',
      }),
      signature: null,
    });
    await writer.drain();
    const result = await writer.end();

    // Text is checked through a PDF parser in the e2e suite (test/e2e/letters.e2e-spec.ts); here, the structure.
    const raw = fs.readFileSync(file).toString('latin1');
    const pages = raw.match(/\/Type \/Page\b(?!s)/g) ?? [];
    expect(result).toMatchObject({ letters: 3, pages: pages.length, bytes: fs.statSync(file).size });
    // Three letters, the second long enough for more pages.
    expect(pages.length).toBeGreaterThanOrEqual(5);
    // The signature is embedded once, however many letters show it.
    expect(raw.match(/\/Subtype \/Image/g)).toHaveLength(1);
    // The font travels with the file.
    expect(raw).toMatch(/\/FontFile2/);
  });

  it('prints the portal link with a QR code that reads as that link, module by module', async () => {
    const url = 'https://tb.example/r/k3J9aQx2Lb';
    const file = path.join(dir, 'qr.pdf');
    const writer = new LetterPdfWriter(file, company, letterFonts(), 'test');
    writer.add({ reference: '1', letter: letter({ portalLink: url }), signature: null });
    await writer.end();

    // The page as a printer would see it (poppler, 200 dpi, greyscale), and the code it must carry.
    execFileSync('pdftoppm', [
      '-r',
      '200',
      '-gray',
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      file,
      path.join(dir, 'qr'),
    ]);
    const page = readPgm(fs.readFileSync(path.join(dir, 'qr.pgm')));
    const dark = (x: number, y: number) => page.data[Math.round(y) * page.width + Math.round(x)] < 128;
    const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
    const px = 200 / 25.4;
    const unit = (LETTER_QR_MM * px) / modules.size;
    const x0 = LETTER_LAYOUT.margin.left * px;
    // The code's top: the first dark run down its left column as tall as a finder pattern (7 modules).
    let y0 = -1;
    for (let y = 0, run = 0; y < page.height && y0 < 0; y += 1) {
      run = dark(x0 + unit / 2, y) ? run + 1 : 0;
      if (run >= 6.5 * unit) y0 = y - run + 1;
    }
    expect(y0).toBeGreaterThan(LETTER_LAYOUT.bodyTop * px);
    const printed = Array.from({ length: modules.size }, (_, r) =>
      Array.from({ length: modules.size }, (_, c) =>
        dark(x0 + (c + 0.5) * unit, y0 + (r + 0.5) * unit) ? 1 : 0,
      ).join(''),
    );
    const expected = Array.from({ length: modules.size }, (_, r) =>
      Array.from({ length: modules.size }, (_, c) => (modules.get(r, c) ? 1 : 0)).join(''),
    );
    expect(printed).toEqual(expected);
  });
});

/** A binary greyscale PGM (P5, 8 bits), as pdftoppm -gray writes it. */
function readPgm(file: Buffer): { width: number; height: number; data: Buffer } {
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(file.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('Not an 8-bit PGM');
  return { width: Number(header[1]), height: Number(header[2]), data: file.subarray(header[0].length) };
}

describe('addressLines', () => {
  it('puts the postal code before the city and keeps to six lines', () => {
    expect(addressLines(letter())).toEqual([
      'ООО «Альфа»',
      'ул. Ленина, д. 1',
      '620014 Екатеринбург',
      'Свердловская область',
    ]);
    const crowded = addressLines(
      letter({ street: ['корпус 2', 'ул. Ленина, д. 1', 'офис 5', 'этаж 3'], country: 'КАЗАХСТАН' }),
    );
    expect(crowded).toHaveLength(6);
    expect(crowded).toContain('620014 Екатеринбург, Свердловская область');
    expect(crowded.at(-1)).toBe('КАЗАХСТАН');
    expect(crowded.join('|')).toContain('офис 5, этаж 3');
  });
});
