import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Browser, chromium, Page } from 'playwright-core';
import { CampaignStatus } from '@touchbase/campaigns';
import { Channel, Locale } from '@touchbase/core';
import { PortalLinkRequestService } from '@touchbase/portal';
import { createCampaign } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { days, planAt } from '../support/planning';
import { SmtpSink } from '../support/smtp-sink';
import { TestApp } from '../support/test-app';
import {
  consentLog,
  createPortalApp,
  expiredToken,
  explicitTopics,
  inviteToSurvey,
  portalToken,
  preferencesRow,
  tamper,
} from './portal-support';

const CHROMIUM = '/usr/bin/chromium';
const haveBrowser = fs.existsSync(CHROMIUM);
if (!haveBrowser) {
  if (process.env.REQUIRE_BROWSER === '1') {
    throw new Error(
      `REQUIRE_BROWSER=1 but ${CHROMIUM} is missing: install chromium to run the portal browser tests`,
    );
  }
  console.warn(
    `\n*** SKIPPING the portal browser tests: ${CHROMIUM} is missing (apt-get install chromium). ` +
      'CI sets REQUIRE_BROWSER=1 and fails instead. ***\n',
  );
}
const describeWithBrowser = haveBrowser ? describe : describe.skip;

// What the person sees, per language: the controls are found by their accessible names, as a
// screen reader user would find them.
const UI = {
  [Locale.Ru]: {
    greeting: /^Здравствуйте, /,
    monthly: 'Не чаще раза в месяц',
    sms: 'SMS',
    promotions: /^Акции и специальные предложения/,
    save: 'Сохранить настройки',
    saved: 'Готово: настройки сохранены.',
    skip: 'Перейти к содержанию',
  },
  [Locale.En]: {
    greeting: /^Hello, /,
    monthly: 'At most once a month',
    sms: 'Text message (SMS)',
    promotions: /^Promotions and special offers/,
    save: 'Save preferences',
    saved: 'Done: your preferences are saved.',
    skip: 'Skip to content',
  },
};

describeWithBrowser('Client portal in a real browser (Chromium)', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let browser: Browser;
  let base: string;
  // Screenshots are kept in PORTAL_SCREENSHOTS_DIR when set (to look at them), else thrown away.
  const keepShots = process.env.PORTAL_SCREENSHOTS_DIR;
  if (keepShots) fs.mkdirSync(keepShots, { recursive: true });
  const shots = keepShots ?? fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-portal-shots-'));

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createPortalApp(sink);
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.close();
    if (!keepShots) fs.rmSync(shots, { recursive: true, force: true });
  });

  async function newPage(viewport = { width: 1024, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    // The pages must not need anything the CSP forbids: report any violation as a failure.
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    (page as Page & { problems: string[] }).problems = problems;
    return page;
  }
  const problemsOf = (page: Page) => (page as Page & { problems: string[] }).problems;

  for (const locale of [Locale.Ru, Locale.En]) {
    it(`${locale}: monthly, no SMS, no promotions → saved exactly, logged, and the next runs follow it`, async () => {
      const ui = UI[locale];
      const client = await createClient(t.dataSource, { locale });
      const page = await newPage();
      await page.goto(`${base}/portal/${portalToken(t, client.id)}?lang=${locale}`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(ui.greeting);
      expect(await page.evaluate<string>('document.documentElement.lang')).toBe(locale);

      // Keyboard: the first Tab lands on the skip link.
      await page.keyboard.press('Tab');
      expect(await page.evaluate<string>('document.activeElement.textContent')).toBe(ui.skip);

      await page.getByRole('radio', { name: ui.monthly }).check();
      await page.getByRole('checkbox', { name: ui.sms, exact: true }).uncheck();
      await page.getByRole('checkbox', { name: ui.promotions }).uncheck();
      await Promise.all([
        page.waitForURL(/saved=preferences/),
        page.getByRole('button', { name: ui.save }).click(),
      ]);
      await expect(page.getByRole('status').textContent()).resolves.toContain(ui.saved);
      // The page shows the saved state.
      expect(await page.getByRole('radio', { name: ui.monthly }).isChecked()).toBe(true);
      expect(await page.getByRole('checkbox', { name: ui.sms, exact: true }).isChecked()).toBe(false);
      expect(problemsOf(page)).toEqual([]);
      await page.screenshot({ path: path.join(shots, `portal-saved-${locale}.png`), fullPage: true });

      expect(await preferencesRow(t, client.id)).toEqual({
        opted_out: false,
        email_allowed: true,
        sms_allowed: false,
        call_allowed: true,
        letter_allowed: true,
        preferred_channel: null,
        frequency: 'monthly',
        quiet_hours_start: null,
        quiet_hours_end: null,
      });
      expect(await explicitTopics(t, client.id)).toEqual({ promotions: false });
      const log = await consentLog(t, client.id);
      expect(
        log.map((r: { item: string; old_value: unknown; new_value: unknown }) => [
          r.item,
          r.old_value,
          r.new_value,
        ]),
      ).toEqual(
        expect.arrayContaining([
          ['frequency', 'unlimited', 'monthly'],
          ['channel.sms', true, false],
          ['topic.promotions', true, false],
        ]),
      );
      expect(log).toHaveLength(3);
      for (const row of log) {
        expect(row).toMatchObject({
          actor_type: 'client',
          source: 'portal',
          ip: '127.0.0.1',
          wording_version: 'portal/1',
          user_agent: expect.stringContaining('Chrome'),
        });
      }

      // The next planned runs: news by SMS first, else email → email; promotions → not sent;
      // a second news run a week later → over the client's monthly cap.
      const at = new Date(Date.now() + days(1));
      const news = await createCampaign(t.dataSource, {
        status: CampaignStatus.Paused,
        topicKey: 'news',
        channels: [Channel.Sms, Channel.Email],
      });
      const promotions = await createCampaign(t.dataSource, {
        status: CampaignStatus.Paused,
        topicKey: 'promotions',
        channels: [Channel.Sms, Channel.Email],
      });
      const first = (await planAt(t, news, at)).get(client.id);
      expect(first).toMatchObject({ status: 'queued', channel: 'email' });
      const promo = (await planAt(t, promotions, at)).get(client.id);
      expect(promo).toMatchObject({ status: 'suppressed', reason: 'topic-unsubscribed' });
      const second = (await planAt(t, news, new Date(at.getTime() + days(7)))).get(client.id);
      expect(second).toMatchObject({ status: 'suppressed', reason: 'frequency-cap' });
      await page.context().close();
    });
  }

  it('fits a 360 px wide phone: no horizontal scroll, screenshot taken', async () => {
    const client = await createClient(t.dataSource, {
      name: 'Общество с ограниченной ответственностью «Уральская торгово-промышленная компания»',
      email: 'very.long.address.of.the.accounting.department@example-company-with-long-name.ru',
    });
    await inviteToSurvey(t, [client.id]);
    for (const locale of [Locale.Ru, Locale.En]) {
      const page = await newPage({ width: 360, height: 740 });
      await page.goto(`${base}/portal/${portalToken(t, client.id)}?lang=${locale}`);
      await page
        .getByRole('heading', {
          level: 2,
          name: locale === Locale.Ru ? 'Два вопроса о работе с нами' : 'Two questions about working with us',
        })
        .waitFor();
      const file = path.join(shots, `portal-360-${locale}.png`);
      await page.screenshot({ path: file, fullPage: true });
      expect(fs.statSync(file).size).toBeGreaterThan(10_000);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      expect(problemsOf(page)).toEqual([]);
      await page.context().close();
    }
  });

  it('quiet hours: 24-hour fields, disabled while unticked; on a phone the save bar stays in view', async () => {
    const client = await createClient(t.dataSource, { name: 'Соколова Елена Викторовна' });
    for (const locale of [Locale.Ru, Locale.En]) {
      await t.dataSource.query(
        `UPDATE client_preferences SET quiet_hours_start = NULL, quiet_hours_end = NULL WHERE client_id = $1`,
        [client.id],
      );
      const page = await newPage({ width: 360, height: 740 });
      await page.goto(`${base}/portal/${portalToken(t, client.id)}?lang=${locale}`);
      const start = page.locator('#quiet-start');
      const end = page.locator('#quiet-end');
      // Text fields on a 24-hour clock: no AM/PM whatever the browser's language.
      expect(await start.getAttribute('type')).toBe('text');
      expect(await start.getAttribute('placeholder')).toBe('22:00');
      expect(await start.isDisabled()).toBe(true);
      expect(await end.isDisabled()).toBe(true);
      const background = (l: typeof start) =>
        l.evaluate(
          (el) =>
            (
              el.ownerDocument.defaultView as unknown as {
                getComputedStyle(e: unknown): { backgroundColor: string };
              }
            ).getComputedStyle(el).backgroundColor,
        );
      const disabledLook = await background(start);
      await page.locator('#quiet-enabled').check();
      expect(await start.isEnabled()).toBe(true);
      expect(await background(start)).not.toBe(disabledLook);

      // Half-way down the preferences, the save button is on screen.
      await page.locator('#topics').scrollIntoViewIfNeeded();
      const save = page.locator('#preferences .actions button');
      const box = (await save.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(740);
      expect(box.y).toBeGreaterThanOrEqual(0);
      await page.screenshot({ path: path.join(shots, `portal-quiet-360-${locale}.png`) });

      await start.fill('8:30');
      await end.fill('22:00');
      await save.click();
      await page.waitForURL(/saved=preferences/);
      const [row] = await t.dataSource.query(
        `SELECT quiet_hours_start::text AS s, quiet_hours_end::text AS e FROM client_preferences WHERE client_id = $1`,
        [client.id],
      );
      expect([row.s.slice(0, 5), row.e.slice(0, 5)]).toEqual(['08:30', '22:00']);
      expect(await page.locator('#quiet-start').inputValue()).toBe('08:30');
      expect(problemsOf(page)).toEqual([]);
      await page.context().close();
    }
  });

  it('answers the survey and unsubscribes from everything after confirming, without JavaScript', async () => {
    const client = await createClient(t.dataSource, { locale: Locale.En });
    const runId = await inviteToSurvey(t, [client.id]);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/portal/${portalToken(t, client.id)}`);
    await page.getByLabel('What do you value in working with us?').fill('Fast delivery');
    await page.getByLabel('What should we improve?').fill('The website');
    await page.getByText('8', { exact: true }).click();
    await Promise.all([
      page.waitForURL(/saved=survey/),
      page.getByRole('button', { name: 'Send answers' }).click(),
    ]);
    await expect(page.getByRole('status').textContent()).resolves.toContain('Thank you!');
    expect(
      await t.dataSource.query(
        `SELECT run_id, valued, improve, rating FROM survey_answers WHERE client_id = $1`,
        [client.id],
      ),
    ).toEqual([{ run_id: runId, valued: 'Fast delivery', improve: 'The website', rating: 8 }]);

    await page.getByRole('link', { name: 'Unsubscribe from all messages' }).click();
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Unsubscribe from all messages?',
    );
    expect((await preferencesRow(t, client.id)).opted_out).toBe(false);
    await Promise.all([
      page.waitForURL(/saved=unsubscribed/),
      page.getByRole('button', { name: 'Yes, unsubscribe from everything' }).click(),
    ]);
    await expect(page.getByRole('status').textContent()).resolves.toContain(
      'you are unsubscribed from all messages',
    );
    expect((await preferencesRow(t, client.id)).opted_out).toBe(true);
    await context.close();
  });

  it('a tampered link shows the 403 page', async () => {
    const client = await createClient(t.dataSource);
    const page = await newPage();
    const res = await page.goto(`${base}/portal/${tamper(portalToken(t, client.id))}?lang=en`);
    expect(res!.status()).toBe(403);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'This link is not valid',
    );
    await page.context().close();
  });

  it('an expired link shows the new-link form, which sends a fresh link', async () => {
    const client = await createClient(t.dataSource);
    const page = await newPage();
    const res = await page.goto(`${base}/portal/${expiredToken(t, client.id)}?lang=ru`);
    expect(res!.status()).toBe(410);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Срок действия ссылки истёк',
    );
    await page.getByRole('textbox', { name: 'Электронная почта или телефон' }).fill(client.email!);
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Прислать ссылку' }).click(),
    ]);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Проверьте почту');
    await t.app.get(PortalLinkRequestService).idle();
    expect(sink.to(client.email!)).toHaveLength(1);
    await page.context().close();
  });
});
