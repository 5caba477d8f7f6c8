import { Locale } from '@touchbase/core';
import { EditionBlockView, EditionView, MessageEdition } from './message-context';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};

/** The same escaping as Handlebars' `{{…}}`. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`=]/g, (c) => HTML_ESCAPES[c]);
}

/** Only links a mail client can safely follow: never `javascript:` or `data:`. */
export function safeUrl(value: string | undefined | null): string | null {
  if (!value) return null;
  const url = value.trim();
  return /^(https?:\/\/|mailto:)[^\s<>"]+$/i.test(url) ? url : null;
}

const OTHER: Record<Locale, Locale> = { [Locale.Ru]: Locale.En, [Locale.En]: Locale.Ru };

/**
 * An edition in one locale: its subject, its blocks, and both as escaped HTML and as plain text.
 * The HTML is built here from escaped values, which is what makes `{{{edition.html}}}` safe.
 */
export function editionView(edition: MessageEdition, locale: Locale): EditionView {
  const pick = (ru: string | null | undefined, en: string | null | undefined): string | null => {
    const byLocale = { [Locale.Ru]: ru, [Locale.En]: en };
    return byLocale[locale]?.trim() || byLocale[OTHER[locale]]?.trim() || null;
  };
  const blocks: EditionBlockView[] = edition.blocks.map((b) => ({
    type: b.type,
    text: pick(b.ru, b.en) ?? '',
    url: safeUrl(b.url),
  }));
  return {
    subject: pick(edition.subjectRu, edition.subjectEn),
    blocks,
    html: blocks.map(blockHtml).filter(Boolean).join('\n'),
    text: blocks.map(blockText).filter(Boolean).join('\n\n'),
  };
}

function blockHtml(b: EditionBlockView): string {
  const text = escapeHtml(b.text);
  const url = b.url ? escapeHtml(b.url) : null;
  switch (b.type) {
    case 'heading':
      return text ? `<h2 style="font-size:20px;line-height:1.3;margin:24px 0 8px;">${text}</h2>` : '';
    case 'link':
      if (!url) return text ? `<p>${text}</p>` : '';
      return `<p style="margin:16px 0;"><a href="${url}" style="color:#1a5fb4;">${text || url}</a></p>`;
    case 'image':
      // Images over plain http would be blocked or warned about by most mail clients.
      return url && url.startsWith('https://')
        ? `<p style="margin:16px 0;"><img src="${url}" alt="${text}" style="max-width:100%;height:auto;border:0;"></p>`
        : '';
    default:
      return text ? `<p style="margin:0 0 16px;">${text.replace(/\r?\n/g, '<br>')}</p>` : '';
  }
}

function blockText(b: EditionBlockView): string {
  switch (b.type) {
    case 'link':
      return b.url ? (b.text ? `${b.text}: ${b.url}` : b.url) : b.text;
    case 'image':
      return '';
    default:
      return b.text;
  }
}
