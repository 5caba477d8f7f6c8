import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

export const CONSOLE_PATH = '/console';
const NONCE_PLACEHOLDER = '__CSP_NONCE__';

/**
 * Where `npm run build:console` puts the console: dist/console at the repository root (the nearest
 * folder with a package.json), both when the API runs from its sources and from its build in dist/.
 */
export function defaultConsoleDir(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'console');
}

/**
 * The console's Content-Security-Policy: scripts from this origin only, no inline script; <style>
 * elements only with this page's nonce (antd's CSS-in-JS stamps its own with it); style attributes
 * (positions the components compute) allowed; nothing framed, posted or fetched elsewhere.
 */
export function consoleCsp(nonce: string): string {
  return [
    "default-src 'self'",
    "base-uri 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ');
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>touchbase console: not built</title></head>
<body><main>
<h1>The console is not built yet</h1>
<p>Run <code>npm run build:console</code> (or <code>npm start</code>, which builds it), then reload this page.</p>
<p lang="ru">Консоль ещё не собрана: выполните <code>npm run build:console</code> и обновите страницу.</p>
<p>The API itself works: see <a href="/docs">/docs</a>.</p>
</main></body></html>`;

/**
 * The answer for every console path but its assets (the console's own routes, /console/clients/123):
 * index.html with a fresh CSP nonce, never cached; a page saying how to build it when it is missing.
 */
export function consolePageHandler(dir: string) {
  const indexFile = path.join(dir, 'index.html');
  let cached: { mtimeMs: number; html: string } | null = null;
  const indexHtml = (): string | null => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(indexFile);
    } catch {
      return null;
    }
    if (!cached || cached.mtimeMs !== stat.mtimeMs) {
      cached = { mtimeMs: stat.mtimeMs, html: fs.readFileSync(indexFile, 'utf8') };
    }
    return cached.html;
  };

  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', 'no-store');
    if (req.path.startsWith('/assets/')) {
      // A hashed file that is not there (an older build's): a 404, never the page in its place.
      res.status(404).type('text').send('Not found');
      return;
    }
    const html = indexHtml();
    if (html === null) {
      res.setHeader('Content-Security-Policy', "default-src 'none'; base-uri 'none'; form-action 'none'");
      res.status(503).type('html').send(NOT_BUILT_PAGE);
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', consoleCsp(nonce));
    res.type('html').send(html.split(NONCE_PLACEHOLDER).join(nonce));
  };
}

/**
 * Serves the built console at /console (same origin as the API): the hashed assets with a year-long
 * immutable cache, every other path the page.
 */
export function serveConsole(app: INestApplication, dir: string = defaultConsoleDir()): void {
  (app as NestExpressApplication).useStaticAssets(path.join(dir, 'assets'), {
    prefix: `${CONSOLE_PATH}/assets/`,
    index: false,
    immutable: true,
    maxAge: '365d',
  });
  app.use(CONSOLE_PATH, consolePageHandler(dir));
}
