import * as fs from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { DateTime } from 'luxon';
import PDFDocument from 'pdfkit';
import * as QRCode from 'qrcode';
import { Locale } from '@touchbase/core';
import { LetterFonts } from './letter-fonts';
import { addressLines, LetterSnapshot } from './letter-snapshot';

const MM = 72 / 25.4;

/**
 * A4, DIN 5008 form B, for C6/5 ("C65", 114 × 229 mm) and DL window envelopes (DIN 680 window
 * 90 × 45 mm, 20 mm from the left, 15 mm from the bottom) with the sheet folded in three at the fold
 * marks. The address field is 85 × 45 mm at 20 mm from the left and 45 mm from the top: a 17.7 mm
 * zone for the return line above a 27.3 mm zone of at most six address lines. In millimetres.
 */
export const LETTER_LAYOUT = {
  page: { width: 210, height: 297 },
  margin: { left: 25, right: 20, top: 20, bottom: 20 },
  sender: { x: 105, y: 15, width: 85, height: 27 },
  addressField: { x: 20, y: 45, width: 85, height: 45, noteZone: 17.7, indent: 5 },
  info: { x: 125, y: 50, width: 65 },
  bodyTop: 100,
  foldMarks: [105, 210],
  punchMark: 148.5,
} as const;

export interface LetterCompany {
  name: string;
  /** What English letters print; null or absent: `name`. */
  nameEn?: string | null;
  address: string | null;
  phone: string | null;
  website: string | null;
}

/** One letter to lay out: the snapshot, a reference printed on it, the signature image when there is one. */
export interface LetterInput {
  reference: string;
  letter: LetterSnapshot;
  signature: { key: string; data: Buffer } | null;
}

export interface LetterPdfResult {
  letters: number;
  pages: number;
  bytes: number;
}

/** What openImage() returns; @types/pdfkit lacks it. Drawn by reference, the image is embedded once. */
interface EmbeddedImage {
  width: number;
  height: number;
}

interface ImageCapableDocument {
  openImage(src: Buffer): EmbeddedImage;
  image(src: EmbeddedImage, x: number, y: number, options: { fit: [number, number] }): unknown;
}

type FontName = 'regular' | 'bold';

const WORDS: Record<Locale, { phone: string; reference: string; page: string; portal: string }> = {
  [Locale.Ru]: {
    phone: 'Тел.',
    reference: 'Исх. №',
    page: 'стр.',
    portal: 'Ваш личный кабинет: наведите камеру телефона на код или наберите адрес',
  },
  [Locale.En]: {
    phone: 'Phone',
    reference: 'Ref.',
    page: 'page',
    portal: 'Your personal page: point your phone’s camera at the code or type the address',
  },
};

const BODY_SIZE = 11;
const LINE_GAP = 2;
// A closing phrase this short stays on the page of the signature.
const CLOSING_MAX_CHARS = 80;
const SIGNATURE_BOX: [number, number] = [50 * MM, 18 * MM];
/** The portal's QR code: 22 mm square (a version 2–3 code of a short link: modules of 0.7 mm and more). */
export const LETTER_QR_MM = 22;
const QR_SIZE = LETTER_QR_MM * MM;
const QR_GAP = 8 * MM;

/**
 * Streams a batch of letters into one PDF file: each letter starts on a page of its own and takes
 * as many pages as it needs. Pages are flushed as they are finished (pdfkit does not buffer pages),
 * so memory holds the letters of one page of rows, not the document; `drain()` waits for the file.
 */
export class LetterPdfWriter {
  private readonly doc: PDFKit.PDFDocument;
  private readonly out: fs.WriteStream;
  private readonly images = new Map<string, EmbeddedImage>();
  private pages = 0;
  private letters = 0;
  private letterPage = 0;
  private pageLabel = '';
  private font: { name: FontName; size: number } = { name: 'regular', size: BODY_SIZE };
  private error: Error | null = null;
  /** The company's name in the language of the letter being laid out. */
  private companyName: string;

  constructor(
    file: string,
    private readonly company: LetterCompany,
    fonts: LetterFonts,
    title: string,
  ) {
    this.companyName = company.name;
    this.out = fs.createWriteStream(file);
    this.out.on('error', (e) => (this.error = e));
    const m = LETTER_LAYOUT.margin;
    this.doc = new PDFDocument({
      size: 'A4',
      autoFirstPage: false,
      margins: { top: m.top * MM, bottom: m.bottom * MM, left: m.left * MM, right: m.right * MM },
      info: { Title: title, Author: company.name, Creator: 'touchbase' },
      compress: true,
    });
    this.doc.registerFont('regular', fonts.regular);
    this.doc.registerFont('bold', fonts.bold);
    this.doc.on('data', (chunk: Buffer) => this.out.write(chunk));
    this.doc.on('error', (e: Error) => (this.error = e));
    this.doc.on('pageAdded', () => this.onPageAdded());
  }

  add(input: LetterInput): void {
    this.failIfBroken();
    const { letter } = input;
    const words = WORDS[letter.locale] ?? WORDS[Locale.Ru];
    this.letterPage = 0;
    this.pageLabel = `${letter.recipient} · ${words.page}`;
    this.doc.addPage();
    this.companyName = (letter.locale === Locale.En && this.company.nameEn) || this.company.name;
    this.senderBlock(words.phone);
    this.addressField(letter);
    this.infoBlock(letter, `${words.reference} ${input.reference}`);
    this.body(letter, input.signature);
    if (letter.portalLink) this.portalBlock(letter.portalLink, words.portal);
    this.letters += 1;
  }

  /** Waits until the file has taken what was written so far. */
  async drain(): Promise<void> {
    this.failIfBroken();
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }

  async end(): Promise<LetterPdfResult> {
    this.failIfBroken();
    const ended = once(this.doc, 'end');
    this.doc.end();
    await ended;
    this.out.end();
    await finished(this.out);
    this.failIfBroken();
    return { letters: this.letters, pages: this.pages, bytes: this.out.bytesWritten };
  }

  /** Stops writing; the caller removes the file. */
  abort(): void {
    this.doc.removeAllListeners('data');
    this.out.destroy();
  }

  // ── layout ──────────────────────────────────────────────────────────────────

  private onPageAdded(): void {
    this.pages += 1;
    this.letterPage += 1;
    const doc = this.doc;
    const restore = { ...this.font };
    if (this.letterPage === 1) {
      // Fold marks (form B) and the punch mark, in the left margin.
      doc.save().lineWidth(0.4).strokeColor('#888888');
      const mark = (y: number, length: number) =>
        doc
          .moveTo(4 * MM, y * MM)
          .lineTo((4 + length) * MM, y * MM)
          .stroke();
      for (const y of LETTER_LAYOUT.foldMarks) mark(y, 5);
      mark(LETTER_LAYOUT.punchMark, 7);
      doc.restore();
    } else {
      // A continued letter: whose page it is, so printed pages are never mixed up.
      this.use('regular', 8);
      doc
        .fillColor('#666666')
        .text(`${this.pageLabel} ${this.letterPage}`, LETTER_LAYOUT.margin.left * MM, 10 * MM, {
          width: (LETTER_LAYOUT.page.width - LETTER_LAYOUT.margin.left - LETTER_LAYOUT.margin.right) * MM,
          height: 5 * MM,
          ellipsis: true,
        });
      doc.fillColor('black');
      doc.y = LETTER_LAYOUT.margin.top * MM;
    }
    this.use(restore.name, restore.size);
  }

  private senderBlock(phoneWord: string): void {
    const { x, y, width, height } = LETTER_LAYOUT.sender;
    const c = this.company;
    this.use('bold', 13);
    this.doc.text(this.companyName, x * MM, y * MM, {
      width: width * MM,
      align: 'right',
      height: 12 * MM,
      ellipsis: true,
    });
    const lines = [c.address, c.phone ? `${phoneWord} ${c.phone}` : null, c.website].filter(
      (l): l is string => !!l,
    );
    if (lines.length === 0) return;
    this.use('regular', 9);
    this.doc.text(lines.join('\n'), x * MM, this.doc.y + 1 * MM, {
      width: width * MM,
      align: 'right',
      height: (y + height) * MM - this.doc.y,
      ellipsis: true,
    });
  }

  private addressField(letter: LetterSnapshot): void {
    const f = LETTER_LAYOUT.addressField;
    const x = (f.x + f.indent) * MM;
    const width = (f.width - 2 * f.indent) * MM;
    // The return line sits at the foot of the note zone, where the window shows it above the address.
    const back = [this.companyName, this.company.address].filter(Boolean).join(', ');
    this.use('regular', 7);
    this.doc.text(back, x, (f.y + f.noteZone - 4.5) * MM, {
      width,
      height: 3.5 * MM,
      ellipsis: true,
      underline: true,
    });
    // Six lines of 10 pt at 12 pt leading fill the 27.3 mm address zone; a line too long is cut short
    // (one line each, with an ellipsis) rather than wrapped out of the window.
    const leading = 12;
    this.use('regular', 10);
    addressLines(letter).forEach((line, i) => {
      this.doc.text(line, x, (f.y + f.noteZone + 0.5) * MM + i * leading, {
        width,
        height: leading * 1.5,
        ellipsis: true,
      });
    });
  }

  private infoBlock(letter: LetterSnapshot, reference: string): void {
    const { x, y, width } = LETTER_LAYOUT.info;
    this.use('regular', 10);
    this.doc.text(formatLetterDate(letter.date, letter.locale), x * MM, y * MM, { width: width * MM });
    this.use('regular', 8);
    this.doc.fillColor('#555555').text(reference, x * MM, this.doc.y + 1 * MM, { width: width * MM });
    this.doc.fillColor('black');
  }

  private body(letter: LetterSnapshot, signature: LetterInput['signature']): void {
    const doc = this.doc;
    const left = LETTER_LAYOUT.margin.left * MM;
    const width = doc.page.width - left - LETTER_LAYOUT.margin.right * MM;
    const paragraphs = letter.text
      .split(/\n[ \t]*\n/)
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    // The short closing phrase ("С уважением,") is kept with the signature below it.
    const closing =
      paragraphs.length > 1 && paragraphs.at(-1)!.length <= CLOSING_MAX_CHARS ? paragraphs.pop()! : null;
    this.use('regular', BODY_SIZE);
    doc.x = left;
    doc.y = LETTER_LAYOUT.bodyTop * MM;
    for (const p of paragraphs) {
      doc.text(p, left, doc.y, { width, lineGap: LINE_GAP });
      doc.moveDown(0.6);
    }
    const closingHeight =
      (closing ? doc.heightOfString(closing, { width, lineGap: LINE_GAP }) : 0) +
      this.signatureHeight(letter, signature);
    if (doc.y + closingHeight > doc.page.height - doc.page.margins.bottom) doc.addPage();
    if (closing) doc.text(closing, left, doc.y, { width, lineGap: LINE_GAP });
    this.signatureBlock(letter, signature, left, width);
  }

  /**
   * The portal link under the signature: its QR code (vector squares, sharp at any print resolution)
   * with the address beside it, kept together on one page.
   */
  private portalBlock(url: string, caption: string): void {
    const doc = this.doc;
    const left = LETTER_LAYOUT.margin.left * MM;
    if (doc.y + QR_GAP + QR_SIZE > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const top = doc.y + QR_GAP;
    drawQrCode(doc, url, left, top, QR_SIZE);
    const textLeft = left + QR_SIZE + 5 * MM;
    const width = doc.page.width - LETTER_LAYOUT.margin.right * MM - textLeft;
    this.use('regular', 9);
    doc.fillColor('#444444').text(caption, textLeft, top + 3 * MM, { width });
    this.use('bold', BODY_SIZE);
    doc.fillColor('black').text(url, textLeft, doc.y + 1.5 * MM, { width });
    doc.x = left;
    doc.y = Math.max(doc.y, top + QR_SIZE);
  }

  private signatureHeight(letter: LetterSnapshot, signature: LetterInput['signature']): number {
    const space = signature ? SIGNATURE_BOX[1] + 2 * MM : 12 * MM;
    return space + (letter.signer ? 11 * MM : 6 * MM);
  }

  private signatureBlock(
    letter: LetterSnapshot,
    signature: LetterInput['signature'],
    left: number,
    width: number,
  ): void {
    const doc = this.doc;
    const top = doc.y + 1 * MM;
    if (signature) {
      const image = this.image(signature.key, signature.data);
      (doc as unknown as ImageCapableDocument).image(image, left, top, { fit: SIGNATURE_BOX });
      doc.y = top + SIGNATURE_BOX[1] + 1 * MM;
    } else {
      // Room for a signature by hand.
      doc.y = top + 11 * MM;
    }
    if (letter.signer) {
      this.use('bold', BODY_SIZE);
      doc.text(letter.signer.name, left, doc.y, { width });
      this.use('regular', 10);
      doc.text(letter.signer.title, left, doc.y, { width });
    } else {
      this.use('bold', BODY_SIZE);
      doc.text(this.companyName, left, doc.y, { width });
    }
  }

  private image(key: string, data: Buffer): EmbeddedImage {
    let image = this.images.get(key);
    if (!image) {
      image = (this.doc as unknown as ImageCapableDocument).openImage(data);
      this.images.set(key, image);
    }
    return image;
  }

  private use(name: FontName, size: number): void {
    this.font = { name, size };
    this.doc.font(name).fontSize(size);
  }

  private failIfBroken(): void {
    if (this.error) throw this.error;
  }
}

/** The QR code of `text` (error correction M), `size` points square at (x, y); no quiet zone drawn (the paper is one). */
export function drawQrCode(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const unit = size / n;
  doc.save();
  // A row's dark modules drawn as runs, one rectangle each; filled at once.
  for (let row = 0; row < n; row += 1) {
    let col = 0;
    while (col < n) {
      if (!modules.get(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col += 1;
      // A hair wider and taller than the module, so neighbouring rectangles leave no seam.
      doc.rect(x + start * unit, y + row * unit, (col - start) * unit + 0.05, unit + 0.05);
    }
  }
  doc.fill('black').restore();
}

/** "1 декабря 2026 г." / "December 1, 2026". */
export function formatLetterDate(isoDate: string, locale: Locale): string {
  const date = DateTime.fromISO(isoDate, { locale });
  return date.isValid ? date.toLocaleString(DateTime.DATE_FULL) : isoDate;
}
