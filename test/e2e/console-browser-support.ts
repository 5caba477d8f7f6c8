import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { en } from '../../apps/console/src/i18n/en';
import { ru, type Messages } from '../../apps/console/src/i18n/ru';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
];
export type UiLocale = 'ru' | 'en';
export const LOCALES: UiLocale[] = ['ru', 'en'];

/** The console's own texts: what the person sees, per language. */
export const TEXTS: Record<UiLocale, Messages> = { ru, en };

/** i18next's {{name}} interpolation. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => String(values[key]));
}

/** The numbers as the console formats them in that language. */
export const formatNumber = (n: number, locale: UiLocale) => new Intl.NumberFormat(locale).format(n);

/** Whether the browser suites run: chromium present, or REQUIRE_BROWSER=1 demands it. */
export function browserAvailable(suite: string): boolean {
  const have = fs.existsSync(CHROMIUM);
  if (!have) {
    if (process.env.REQUIRE_BROWSER === '1') {
      throw new Error(`REQUIRE_BROWSER=1 but ${CHROMIUM} is missing: install chromium to run the ${suite}`);
    }
    console.warn(
      `\n*** SKIPPING the ${suite}: ${CHROMIUM} is missing (apt-get install chromium). ` +
        'CI sets REQUIRE_BROWSER=1 and fails instead. ***\n',
    );
  }
  return have;
}

export type WatchedPage = Page & { problems: string[] };

/**
 * A page whose script errors and CSP violations are collected (a test expects none). The answers
 * the API gives on purpose (401 before sign-in, 403, 429) are not problems.
 */
export async function watchedPage(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
): Promise<{ context: BrowserContext; page: WatchedPage }> {
  const context = await browser.newContext({ viewport, locale: 'ru-RU' });
  const page = (await context.newPage()) as WatchedPage;
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.problems.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.push(e.message));
  return { context, page };
}

const AXE_SOURCE = fs.readFileSync(path.resolve(__dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core in the page: the serious and critical violations (none expected), as readable lines. */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<AxeViolation[]>(
    "axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)",
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Picks the language in the ru/en switch (a segmented control of radios). */
export async function chooseLanguage(page: Page, locale: UiLocale): Promise<void> {
  await page.locator('.ant-segmented-item', { hasText: locale.toUpperCase() }).first().click();
}

/**
 * The value `read` gives once it equals `expected` (the screen renders after its data arrives), or
 * the last value read when it never does — for the assertion to show.
 */
export async function settled<T>(read: () => Promise<T>, expected: T, tries = 50): Promise<T> {
  let value = await read();
  for (let i = 0; i < tries && JSON.stringify(value) !== JSON.stringify(expected); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}
