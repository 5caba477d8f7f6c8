import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { StaffRole } from '@touchbase/core';
import { createStaffWithPassword, TEST_PASSWORD } from '../factories/staff.factory';
import { createTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app';
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

// Where a spec's turns start: its file name decides, so that specs of one flow differ too.
let turn = [...path.basename(expect.getState().testPath ?? '')].reduce(
  (sum, ch) => sum + ch.charCodeAt(0),
  0,
);
/**
 * The language of a spec's next flow: the languages take turns from one flow to the next, so every
 * flow runs once. Every screen in both languages, at 1280 and
 * 768 px, is the console tour's job (console-tour.browser.e2e-spec.ts).
 */
export function flowLocales(): UiLocale[] {
  const locale = LOCALES[turn % LOCALES.length];
  turn += 1;
  return [locale];
}

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

export interface ConsoleMember {
  id: string;
  email: string;
  name: string;
}

/**
 * One console under test: the whole app on a real port, a real Chromium, and what a browser spec
 * needs — staff members, signed-in pages in a language, screenshots, axe-core and the API's numbers.
 * Call `start()` in beforeAll and `close()` in afterAll.
 */
export class ConsoleBrowser {
  t!: TestApp;
  browser!: Browser;
  base = '';
  private readonly opened: BrowserContext[] = [];
  // Screenshots are kept in CONSOLE_SCREENSHOTS_DIR when set (to look at them), else thrown away.
  private readonly keepShots = process.env.CONSOLE_SCREENSHOTS_DIR;
  private shots = '';

  /** The app as createTestApp makes it (`overrides` of the environment, a worker in the process). */
  async start(overrides: Record<string, string> = {}, options: { withWorker?: boolean } = {}): Promise<this> {
    this.t = await createTestApp(overrides, options);
    await this.t.app.listen(0, '127.0.0.1');
    this.base = `http://127.0.0.1:${(this.t.app.getHttpServer().address() as AddressInfo).port}`;
    this.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    if (this.keepShots) fs.mkdirSync(this.keepShots, { recursive: true });
    this.shots = this.keepShots ?? fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-console-shots-'));
    return this;
  }

  async close(): Promise<void> {
    for (const o of this.opened) await o.close().catch(() => undefined);
    await this.browser?.close();
    await this.t?.close();
    if (!this.keepShots && this.shots) fs.rmSync(this.shots, { recursive: true, force: true });
  }

  /** A staff member who can sign in with TEST_PASSWORD. */
  async member(role: StaffRole, name: string): Promise<ConsoleMember> {
    const { staff } = await createStaffWithPassword(this.t.dataSource, role, { name });
    return { id: staff.id, email: staff.email, name: staff.name };
  }

  /** What the API answers the admin key (the numbers the screens must show). */
  async api<T>(url: string): Promise<T> {
    const res = await this.t.http().get(url).set('Authorization', `Bearer ${TEST_ADMIN_KEY}`).expect(200);
    return res.body as T;
  }

  /** A fresh page (its own cookie jar) whose script errors are collected. */
  async page(viewport?: { width: number; height: number }): Promise<WatchedPage> {
    const { context, page } = await watchedPage(this.browser, viewport);
    this.opened.push(context);
    return page;
  }

  /** A page signed in as `who` (through the API, in the page's own cookie jar) speaking `locale`. */
  async signedIn(
    who: ConsoleMember,
    locale: UiLocale,
    viewport?: { width: number; height: number },
  ): Promise<{ page: WatchedPage; csrfToken: string }> {
    const page = await this.page(viewport);
    const res = await page.request.post(`${this.base}/api/v1/auth/sign-in`, {
      data: { email: who.email, password: TEST_PASSWORD },
    });
    expect(res.status()).toBe(200);
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const put = await page.request.put(`${this.base}/api/v1/me/locale`, {
      data: { locale },
      headers: { 'X-CSRF-Token': csrfToken },
    });
    expect(put.status()).toBe(200);
    return { page, csrfToken };
  }

  /** A screenshot kept under `name`, then no serious axe-core violation and no script error. */
  async expectAccessible(page: WatchedPage, name: string): Promise<void> {
    await page.screenshot({ path: path.join(this.shots, `${name}.png`), fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(page.problems).toEqual([]);
  }
}

/** Waits for the screen's title (the screens are lazy chunks), then checks it is the only one. */
export async function expectHeading(page: Page, text: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
  await expect(page.getByRole('heading', { level: 1 }).allTextContents()).resolves.toEqual([text]);
}
