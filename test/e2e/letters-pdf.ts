import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { signaturePng } from '@touchbase/demo';
import { SignersService } from '@touchbase/templates';

// pdf-parse runs pdf.js, which loads its worker with a dynamic import that Jest's module sandbox
// refuses; a plain node process does it fine.
const EXTRACT = `
  const { PDFParse } = require('pdf-parse');
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', async () => {
    const parser = new PDFParse({ data: Buffer.concat(chunks) });
    try {
      const result = await parser.getText();
      process.stdout.write(JSON.stringify(result.pages.map((p) => p.text)));
    } finally {
      await parser.destroy();
    }
  });`;

/** The text of each page of a PDF, through pdf-parse. */
export async function pdfPages(pdf: Buffer): Promise<string[]> {
  const child = promisify(execFile)(process.execPath, ['-e', EXTRACT], {
    cwd: process.cwd(),
    maxBuffer: 64 * 1024 * 1024,
  });
  child.child.stdin!.end(pdf);
  const { stdout } = await child;
  return JSON.parse(stdout) as string[];
}

/** Image XObjects in a PDF (pdfkit writes object dictionaries uncompressed). */
export function imageXObjects(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Subtype \/Image/g)?.length ?? 0;
}

export { signaturePng };

/** The CEO who signs the letters, with a signature image: its id. */
export async function createCeoSigner(
  app: INestApplication,
  email = 'ceo@touchbase.example',
): Promise<string> {
  const signers = app.get(SignersService);
  const signer = await signers.create({
    name: 'Иван Петров',
    nameEn: 'Ivan Petrov',
    title: 'генеральный директор',
    titleEn: 'Chief Executive Officer',
    email,
  });
  await signers.setSignature(signer.id, signaturePng());
  return signer.id;
}
