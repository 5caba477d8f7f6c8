import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readTemplateFiles, TemplateFile } from './template-files';
import { TemplatesService } from './templates.service';

export interface TemplateLoadResult {
  /** `name/channel.locale` of the templates inserted now. */
  inserted: string[];
  /** Files whose (name, channel, locale) was already there: left alone, edited or not. */
  present: number;
  /** Files that could not be read or do not pass the checks a saved template passes. */
  failed: string[];
}

/**
 * Inserts the default templates (`templates/<name>/<channel>.<locale>.hbs`) at start as built-in
 * templates, each only when its (name, channel, locale) is absent: a template a marketer edited is
 * never overwritten. One INSERT … ON CONFLICT DO NOTHING, so replicas starting together are safe.
 *
 * The folder is `templates/` under the working directory (the repository root, `/app` in the image).
 */
@Injectable()
export class TemplateLoaderService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Templates');

  constructor(
    private readonly dataSource: DataSource,
    private readonly templates: TemplatesService,
  ) {}

  static defaultDir(): string {
    return path.resolve('templates');
  }

  async onApplicationBootstrap(): Promise<void> {
    const dir = TemplateLoaderService.defaultDir();
    if (!fs.existsSync(dir)) {
      this.logger.warn(`No default templates: ${dir} does not exist`);
      return;
    }
    const result = await this.load(dir);
    if (result.inserted.length > 0) {
      this.logger.log(`Added ${result.inserted.length} default templates: ${result.inserted.join(', ')}`);
    }
    // A broken default is a release bug, not a reason to keep the API down: the rest still load.
    for (const failure of result.failed) this.logger.error(`Default template skipped: ${failure}`);
  }

  async load(dir: string = TemplateLoaderService.defaultDir()): Promise<TemplateLoadResult> {
    const { files, errors } = await readTemplateFiles(dir);
    const failed = [...errors];
    const valid: TemplateFile[] = [];
    for (const f of files) {
      try {
        this.templates.validate(f, f.locale);
        valid.push(f);
      } catch (e) {
        failed.push(`${f.file}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (valid.length === 0) return { inserted: [], present: 0, failed };
    const rows: { name: string; channel: string; locale: string }[] = await this.dataSource.query(
      `INSERT INTO templates (name, channel, locale, subject, body, description, builtin)
       SELECT name, channel, locale, subject, body, description, true
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
              AS f(name, channel, locale, subject, body, description)
       ON CONFLICT (name, channel, locale) DO NOTHING
       RETURNING name, channel, locale`,
      [
        valid.map((f) => f.name),
        valid.map((f) => f.channel),
        valid.map((f) => f.locale),
        valid.map((f) => f.subject),
        valid.map((f) => f.body),
        valid.map((f) => f.description),
      ],
    );
    return {
      inserted: rows.map((r) => `${r.name}/${r.channel}.${r.locale}`).sort(),
      present: valid.length - rows.length,
      failed,
    };
  }
}
