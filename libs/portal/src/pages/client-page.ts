import Handlebars from 'handlebars';
import type { Request, Response } from 'express';
import { Locale } from '@touchbase/core';
import { CLIENT_PAGE_CSS_VERSION, CLIENT_PAGE_JS_VERSION } from './client-page-assets';

/**
 * The chrome of every page a client sees — the portal and the one-click unsubscribe pages: one
 * layout (skip link, header with the language links, footer), one stylesheet and script
 * (client-page-assets.ts, served under CLIENT_PAGE_ASSETS), the same headers and CSP, in Russian and
 * English. The views are handlebars in TypeScript, so `npm run build` carries them into dist/.
 */

/** Where the app serves the stylesheet and the script (the portal's controller). */
export const CLIENT_PAGE_ASSETS = '/portal/assets';

/** No script, style or image from anywhere but the app; forms post only to it; never framed. */
export const CLIENT_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** The headers of every client page: never cached or indexed, strict CSP, no referrer, never framed. */
export function setClientPageHeaders(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Robots-Tag', 'noindex');
  res.setHeader('Content-Security-Policy', CLIENT_PAGE_CSP);
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
}

/**
 * Renders a client page with its headers; when rendering throws, logs what failed (`what`, the
 * method) and answers the generic error page in the person's language with a 500, never a stack.
 */
export async function guardedClientPage(
  req: Request,
  res: Response,
  failure: { logger: { error(message: string): void }; what: string; errorPage: () => string },
  render: () => Promise<string>,
): Promise<string> {
  setClientPageHeaders(res);
  try {
    return await render();
  } catch (e) {
    failure.logger.error(
      `${failure.what} (${req.method}) failed: ${e instanceof Error ? e.message : String(e)}`,
    );
    res.status(500);
    return failure.errorPage();
  }
}

/** What the chrome says, and what every client page may say when something fails. */
export interface ClientPageTexts {
  lang: Record<Locale, string> & { switchTo: string };
  skip: string;
  footer: (company: string) => string;
  error: { title: string; text: string };
}

export const CLIENT_PAGE_TEXTS: Record<Locale, ClientPageTexts> = {
  [Locale.Ru]: {
    lang: { ru: 'Русский', en: 'English', switchTo: 'Язык страницы' },
    skip: 'Перейти к содержанию',
    footer: (company) => `${company} · эта страница доступна только по вашей личной ссылке`,
    error: {
      title: 'Что-то пошло не так',
      text: 'Мы не смогли обработать запрос. Попробуйте ещё раз через несколько минут.',
    },
  },
  [Locale.En]: {
    lang: { ru: 'Русский', en: 'English', switchTo: 'Page language' },
    skip: 'Skip to content',
    footer: (company) => `${company} · this page opens only from your personal link`,
    error: {
      title: 'Something went wrong',
      text: 'We could not process the request. Please try again in a few minutes.',
    },
  },
};

const LAYOUT_VIEW = `<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>{{title}} · {{company}}</title>
<link rel="stylesheet" href="${CLIENT_PAGE_ASSETS}/portal.css?v={{cssVersion}}">
{{#if brand}}<link rel="stylesheet" href="${CLIENT_PAGE_ASSETS}/brand.css?v={{brand.version}}">
{{/if}}<script src="${CLIENT_PAGE_ASSETS}/portal.js?v={{jsVersion}}" defer></script>
</head>
<body>
<a class="skip" href="#content">{{t.skip}}</a>
<header class="top">
<div class="wrap">
<span class="brand">{{#if brand.hasLogo}}<img class="logo" src="${CLIENT_PAGE_ASSETS}/logo?v={{brand.version}}" alt="" height="40">{{/if}}<span>{{company}}</span></span>
<nav aria-label="{{t.lang.switchTo}}"><ul class="langs">
{{#each langLinks}}<li><a href="{{path}}?lang={{code}}" lang="{{code}}" hreflang="{{code}}"{{#if current}} aria-current="true"{{/if}}>{{label}}</a></li>{{/each}}
</ul></nav>
</div>
</header>
<main id="content" class="wrap" tabindex="-1">
{{{body}}}
</main>
<footer class="wrap"><p>{{footer}}</p></footer>
</body>
</html>
`;

/**
 * A card with a heading, some paragraphs and optionally one form (a single button) or link. Form
 * actions and links are paths; `?lang=` is added here.
 */
const MESSAGE_VIEW = `<section class="card" aria-labelledby="message-title">
<h1 id="message-title">{{heading}}</h1>
{{#each paragraphs}}<p>{{this}}</p>
{{/each}}{{#if form}}<form method="post" action="{{form.action}}?lang={{lang}}">
{{#each form.fields}}<input type="hidden" name="{{name}}" value="{{value}}">
{{/each}}<div class="actions"><button class="button{{#if form.danger}} danger{{/if}}" type="submit">{{form.button}}</button></div>
</form>
{{/if}}{{#if link}}<p><a class="button" href="{{link.path}}?lang={{lang}}">{{link.text}}</a></p>
{{/if}}{{#if more}}<p class="muted"><a href="{{more.path}}?lang={{lang}}">{{more.text}}</a></p>
{{/if}}</section>
`;

const hbs = Handlebars.create();

/** Compiles a client page view: every value escaped, only the built-in `if` and `each`. */
export function compileClientView(source: string): Handlebars.TemplateDelegate {
  return hbs.compile(source, {
    strict: false,
    knownHelpersOnly: true,
    knownHelpers: { if: true, each: true },
  });
}

const layout = compileClientView(LAYOUT_VIEW);
const messageView = compileClientView(MESSAGE_VIEW);

export interface ClientPageFrame {
  locale: Locale;
  /** The path of this page, for the language links (no query). */
  path: string;
  /** The company's name, in the header, the title and the footer. */
  company: string;
  /** The company's colour and logo (CLIENT_PAGE_ASSETS/brand.css and /logo, versioned). */
  brand?: { version: string; hasLogo: boolean };
}

/** A whole page around an already rendered body. */
export function renderClientPage(frame: ClientPageFrame, title: string, body: string): string {
  const t = CLIENT_PAGE_TEXTS[frame.locale];
  return layout({
    t,
    lang: frame.locale,
    title,
    company: frame.company,
    brand: frame.brand,
    footer: t.footer(frame.company),
    cssVersion: CLIENT_PAGE_CSS_VERSION,
    jsVersion: CLIENT_PAGE_JS_VERSION,
    langLinks: [Locale.Ru, Locale.En].map((code) => ({
      code,
      label: t.lang[code],
      path: frame.path,
      current: code === frame.locale,
    })),
    body,
  });
}

export interface ClientMessage {
  /** The page's title; the heading when left out. */
  title?: string;
  heading: string;
  paragraphs: string[];
  form?: { action: string; button: string; danger?: boolean; fields?: { name: string; value: string }[] };
  /** A link shown as a button. */
  link?: { path: string; text: string };
  /** A quieter link below. */
  more?: { path: string; text: string };
}

/** A page that says one thing. */
export function renderClientMessage(frame: ClientPageFrame, message: ClientMessage): string {
  const body = messageView({ ...message, lang: frame.locale });
  return renderClientPage(frame, message.title ?? message.heading, body);
}

/** The page for a failure: nothing is said about what failed. */
export function renderClientError(frame: ClientPageFrame): string {
  const { title, text } = CLIENT_PAGE_TEXTS[frame.locale].error;
  return renderClientMessage(frame, { heading: title, paragraphs: [text] });
}

const LOCALES: readonly string[] = Object.values(Locale);

/** The page's language: `?lang=` when it names one, else the fallback. */
export function pageLocale(lang: unknown, fallback: Locale): Locale {
  return typeof lang === 'string' && LOCALES.includes(lang) ? (lang as Locale) : fallback;
}

/** The browser's language (Accept-Language) when it is one of ours, else the workspace's. */
export function browserLocale(req: Request, workspaceLocale: Locale): Locale {
  const accepted = req.acceptsLanguages(...LOCALES);
  return typeof accepted === 'string' ? (accepted as Locale) : workspaceLocale;
}
