import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { Channel, ValidationException } from '@touchbase/core';
import { BrandingService, PreviewTemplateDto, TemplatePreviewService } from '@touchbase/templates';
import { letterFonts, LetterFonts } from '../letter-fonts';
import { LetterPdfWriter } from '../letter-pdf.writer';
import { letterSnapshot } from '../letter-snapshot';
import { SIGNATURE_SQL } from '../letters.sql';

/** What is printed where a batch letter has its delivery id. */
export const PREVIEW_REFERENCE = 'PREVIEW';

/**
 * A letter template laid out for one client exactly as a batch prints it (the same writer, fonts and
 * branding), as a one-letter PDF: for checking the page before a campaign sends it.
 */
@Injectable()
export class TemplateLetterPreviewService implements OnModuleInit {
  private fonts!: LetterFonts;

  constructor(
    private readonly previews: TemplatePreviewService,
    private readonly branding: BrandingService,
    private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.fonts = letterFonts();
  }

  async pdf(templateId: string, dto: PreviewTemplateDto): Promise<{ pdf: Buffer; fileName: string }> {
    const prepared = await this.previews.prepare(templateId, dto);
    const { template, context, signer, rendered } = prepared;
    if (template.channel !== Channel.Letter) {
      throw new ValidationException(
        `Template ${templateId} is a ${template.channel} template, not a letter`,
        [{ field: 'id', messages: ['the template must be a letter template'] }],
      );
    }
    // In the template's language (a batch picks the template of the client's own).
    const letter = {
      ...letterSnapshot({ context, signer }, rendered.text, this.config.workspace.phoneRegion),
      locale: template.locale,
    };
    let signature: { key: string; data: Buffer } | null = null;
    if (signer && signer.signatureMime) {
      const [row]: { signature_image: Buffer }[] = await this.dataSource.query(SIGNATURE_SQL, [signer.id]);
      if (row) signature = { key: signer.id, data: row.signature_image };
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-letter-preview-'));
    const file = path.join(dir, 'preview.pdf');
    try {
      const writer = new LetterPdfWriter(
        file,
        { ...this.config.company, name: this.branding.current.name, nameEn: this.branding.current.nameEn },
        this.fonts,
        `${template.name} (${template.locale})`,
      );
      try {
        writer.add({ reference: PREVIEW_REFERENCE, letter, signature });
        await writer.end();
      } catch (e) {
        writer.abort();
        throw e;
      }
      return { pdf: fs.readFileSync(file), fileName: `${template.name}-${template.locale}-preview.pdf` };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}
