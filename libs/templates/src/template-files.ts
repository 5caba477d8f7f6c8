import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { CHANNELS, Channel, Locale } from '@touchbase/core';

/** A default template shipped as `templates/<name>/<channel>.<locale>.hbs`. */
export interface TemplateFile {
  /** Relative to the templates folder, for messages. */
  file: string;
  name: string;
  channel: Channel;
  locale: Locale;
  subject: string | null;
  description: string;
  body: string;
}

export const TEMPLATE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,99}$/;
const FILE_PATTERN = /^([a-z]+)\.([a-z]{2})\.hbs$/;
const FRONT_MATTER_KEYS = new Set(['subject', 'description']);
const LOCALES: readonly string[] = Object.values(Locale);

/**
 * Parses one file. An optional front-matter block comes first (required for email, for the subject):
 *
 *     ---
 *     subject: Новости {{company.name}}
 *     description: What it is for
 *     ---
 *
 * One `key: value` per line; the value is the rest of the line, taken as is.
 */
export function parseTemplateFile(file: string, content: string): TemplateFile {
  const [folder, base, ...rest] = file.split(/[\\/]/);
  const match = base && rest.length === 0 ? FILE_PATTERN.exec(base) : null;
  if (!folder || !match) throw new Error(`${file}: expected <name>/<channel>.<locale>.hbs`);
  const [, channel, locale] = match;
  if (!TEMPLATE_NAME_PATTERN.test(folder))
    throw new Error(`${file}: "${folder}" is not a template name (a-z, 0-9, -)`);
  if (!(CHANNELS as readonly string[]).includes(channel))
    throw new Error(`${file}: unknown channel "${channel}"`);
  if (!LOCALES.includes(locale)) throw new Error(`${file}: unknown locale "${locale}"`);

  const text = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const meta: Record<string, string> = {};
  let body = text;
  if (text.startsWith('---\n')) {
    const end = text.indexOf('\n---', 3);
    if (end < 0 || (text[end + 4] !== undefined && text[end + 4] !== '\n')) {
      throw new Error(`${file}: the front matter is not closed by a line "---"`);
    }
    for (const line of text.slice(4, end).split('\n')) {
      if (!line.trim()) continue;
      const kv = /^([a-z]+):\s*(.*)$/.exec(line);
      if (!kv || !FRONT_MATTER_KEYS.has(kv[1]))
        throw new Error(`${file}: unexpected front-matter line "${line}"`);
      meta[kv[1]] = kv[2].trim();
    }
    body = text.slice(end + 4);
  }
  body = body.trim();
  if (!body) throw new Error(`${file}: the body is empty`);
  if (channel === Channel.Email && !meta.subject)
    throw new Error(`${file}: an email template needs "subject:"`);
  if (channel !== Channel.Email && meta.subject)
    throw new Error(`${file}: only email templates have a subject`);
  return {
    file,
    name: folder,
    channel: channel as Channel,
    locale: locale as Locale,
    subject: meta.subject ?? null,
    description: meta.description ?? '',
    body,
  };
}

/** Every `*.hbs` one level down; a file that cannot be parsed is reported, not thrown. */
export async function readTemplateFiles(dir: string): Promise<{ files: TemplateFile[]; errors: string[] }> {
  const files: TemplateFile[] = [];
  const errors: string[] = [];
  const folders = await fs.readdir(dir, { withFileTypes: true });
  for (const folder of folders.filter((f) => f.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const entries = await fs.readdir(path.join(dir, folder.name), { withFileTypes: true });
    for (const entry of entries
      .filter((e) => e.isFile() && e.name.endsWith('.hbs'))
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const file = `${folder.name}/${entry.name}`;
      try {
        files.push(parseTemplateFile(file, await fs.readFile(path.join(dir, file), 'utf8')));
      } catch (e) {
        errors.push(e instanceof Error ? e.message : String(e));
      }
    }
  }
  return { files, errors };
}
