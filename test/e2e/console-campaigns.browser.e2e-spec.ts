import * as path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CampaignStatus, Priority } from '@touchbase/campaigns';
import { validateEnvironment } from '@touchbase/config';
import { Channel, StaffRole } from '@touchbase/core';
import { DispatcherService } from '@touchbase/dispatch';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { createCampaign } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { createSegment } from '../factories/segment.factory';
import { days, setPolicy } from '../support/planning';
import { TEST_ADMIN_KEY, type TestApp } from '../support/test-app';
import { createSigner, createTemplates } from './campaigns-support';
import {
  browserAvailable,
  ConsoleBrowser,
  type ConsoleMember,
  expectHeading,
  fill,
  formatNumber,
  flowLocales,
  settled,
  TEXTS,
  type UiLocale,
  type WatchedPage,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console campaigns browser tests') ? describe : describe.skip;
// A real browser on a shared machine: each test signs in, renders and runs axe-core.
jest.setTimeout(240_000);

interface Occurrence {
  at: string;
  local: string;
  periodKey: string;
}
interface BoardItem {
  campaignId: string;
  campaignName: string;
  periodKey: string;
  localTime: string;
  status: string;
  willBeHeld: boolean;
  collisions: number | null;
  runId: string | null;
}
interface CampaignBody {
  id: string;
  name: string;
  status: string;
  kind: string;
  schedule: Record<string, unknown>;
  requiresEdition: boolean;
  templates: Record<string, string>;
}

const ZONE = 'Europe/Moscow';
const TEMPLATE = 'console-news';
const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 768, height: 1000 };

/** The wall date of an instant in the workspace zone, as YYYY-MM-DD. */
const localDay = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(d);

describeWithBrowser('Console: campaigns and calendar in a real browser (Chromium)', () => {
  const c = new ConsoleBrowser();
  let t: TestApp;
  let base: string;
  let marketer: ConsoleMember;
  let salesOps: ConsoleMember;
  let segmentName: string;
  let segmentId: string;
  // The worker, as in production a process of its own on the same database: it dispatches the runs.
  let worker: INestApplicationContext;

  const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };
  const post = async <T>(url: string, body: object): Promise<T> =>
    (await t.http().post(url).set(admin).send(body).expect(200)).body as T;

  /** Picks an option of the antd select labelled `label` (again, should a click land mid-animation). */
  async function choose(p: WatchedPage, label: string, option: string): Promise<void> {
    const open = p.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
    const chosen = p.locator('.ant-select-selection-item, .ant-select-content', { hasText: option });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await p.getByLabel(label, { exact: true }).click();
      await open.locator('.ant-select-item-option', { hasText: option }).first().click();
      // The chosen option closes the list; should the click have landed mid-animation, Escape does.
      if ((await settled(() => open.count(), 0, 25)) !== 0) await p.keyboard.press('Escape');
      await open.waitFor({ state: 'detached' });
      if ((await settled(() => chosen.count().then((n) => n > 0), true, 25)) === true) return;
    }
    await chosen.first().waitFor();
  }

  /** Waits for antd's enter and leave animations (axe-core reads colours mid-fade otherwise). */
  async function still(p: WatchedPage): Promise<void> {
    const moving = p.locator(
      '[class*="-enter-active"], [class*="-appear-active"], [class*="-leave-active"], .ant-wave',
    );
    // An effect that outlives the wait (a click's wave) is left to axe-core to judge.
    await settled(() => moving.count(), 0);
  }

  /** Once nothing loads or moves: a screenshot, axe-core and no script error. */
  async function shot(p: WatchedPage, name: string): Promise<void> {
    const loading = p.locator('.ant-spin-spinning, .ant-skeleton-active');
    expect(await settled(() => loading.count(), 0)).toBe(0);
    await still(p);
    await c.expectAccessible(p, name);
  }

  /** Clicks a radio button of an antd radio group or segmented control (their inputs are hidden). */
  async function radio(p: WatchedPage, label: string): Promise<void> {
    const item = p
      .locator('label.ant-radio-button-wrapper, label.ant-radio-wrapper, label.ant-segmented-item', {
        hasText: label,
      })
      .first();
    const input = item.locator('input');
    const chosen = async () => (await input.isChecked()) || (await item.click(), input.isChecked());
    expect(await settled(chosen, true, 10)).toBe(true);
  }

  /** The page's board request, and what the API answers to the same one. */
  async function boardOf(p: WatchedPage, open: () => Promise<unknown>): Promise<BoardItem[]> {
    const [response] = await Promise.all([
      p.waitForResponse(
        (r) => r.url().includes('/api/v1/calendar/board?') && r.url().includes('collisions=true'),
      ),
      open(),
    ]);
    const url = new URL(response.url());
    return (await c.api<{ items: BoardItem[] }>(url.pathname + url.search)).items;
  }

  beforeAll(async () => {
    await c.start();
    ({ t, base } = c);
    marketer = await c.member(StaffRole.Marketer, 'Олег Маркетов');
    salesOps = await c.member(StaffRole.SalesOps, 'Анна Смирнова');
    await createTemplates(t.dataSource, TEMPLATE, [Channel.Email]);
    segmentName = 'Уральские дилеры';
    segmentId = await createSegment(t.dataSource, segmentName);
    for (let i = 0; i < 3; i += 1) await createClient(t.dataSource, { name: `ООО «Клиент ${i}»` });
    const env = validateEnvironment({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      LOG_FORMAT: 'json',
      DATA_DIR: path.join(t.env.DATA_DIR, 'worker'),
      WORKER_ID: 'console-campaigns',
    });
    worker = await NestFactory.createApplicationContext(
      WorkerModule.register({ env, databaseUrl: t.db.url }),
      {
        logger: false,
      },
    );
    await worker.init();
  });
  afterAll(async () => {
    await worker?.close();
    await c.close();
  });

  it.each(flowLocales())(
    '%s: a marketer creates a monthly broadcast in the wizard, writes an edition, sees it on the calendar, activates, pauses and runs it',
    async (locale: UiLocale) => {
      const ui = TEXTS[locale];
      const cui = ui.campaigns;
      const name = `Ежемесячные новости ${locale}`;
      const { page: p } = await c.signedIn(marketer, locale, WIDE);

      // The list, empty of this campaign, with its "New campaign" button.
      await p.goto(`${base}/console/campaigns`);
      await expectHeading(p, cui.title);
      await shot(p, `campaigns-list-${locale}`);
      await p.getByRole('button', { name: cui.new }).click();
      await expectHeading(p, cui.form.newTitle);

      // Step 1: what and to whom.
      await p.getByLabel(cui.name, { exact: true }).fill(name);
      await choose(p, cui.topic, locale === 'ru' ? 'Новости компании' : 'Company news');
      await choose(p, cui.segment, segmentName);
      await shot(p, `campaigns-wizard-1-${locale}`);
      await p.getByRole('button', { name: cui.form.next }).click();

      // Step 2: channels (email by default) and the template per channel.
      await choose(p, fill(cui.form.templateFor, { channel: ui.channel.email }), TEMPLATE);
      await p.getByText(`${ui.language.ru}: ${cui.form.localeYes}`).waitFor();
      await shot(p, `campaigns-wizard-2-${locale}`);
      await p.getByRole('button', { name: cui.form.next }).click();

      // Step 3: a custom rule first — its ten next occurrences are the API's.
      await p.getByText(cui.form.capsTitle).waitFor();
      await p.getByText(cui.form.caps.normal).waitFor();
      await radio(p, cui.form.schedule.rrule);
      const rrule = 'FREQ=MONTHLY;BYMONTHDAY=15';
      const dtstart = `${localDay(new Date()).slice(0, 7)}-01T09:30`;
      await p.getByLabel(cui.form.rrule, { exact: true }).fill(rrule);
      await p.getByLabel(cui.form.dtstart, { exact: true }).fill(dtstart);
      const custom = await post<{ occurrences: Occurrence[] }>('/api/v1/schedules/preview', {
        schedule: { type: 'rrule', rrule, dtstart },
      });
      expect(custom.occurrences).toHaveLength(10);
      const shown = () =>
        p
          .locator('[data-testid="schedule-preview"] li')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-local')));
      expect(
        await settled(
          shown,
          custom.occurrences.map((o) => o.local),
        ),
      ).toEqual(custom.occurrences.map((o) => o.local));
      await shot(p, `campaigns-wizard-3-custom-${locale}`);

      // Then the monthly preset: on the 20th at 10:00, an edition needed for each month.
      await radio(p, cui.form.schedule.monthly);
      await p.getByLabel(cui.form.day, { exact: true }).fill('20');
      await p.getByLabel(cui.form.time, { exact: true }).fill('10:00');
      await p.getByLabel(cui.form.timeZone, { exact: true }).fill(ZONE);
      const monthly = await post<{ occurrences: Occurrence[] }>('/api/v1/schedules/preview', {
        schedule: { type: 'monthly', day: 20, time: '10:00' },
        timeZone: ZONE,
      });
      expect(
        await settled(
          shown,
          monthly.occurrences.map((o) => o.local),
        ),
      ).toEqual(monthly.occurrences.map((o) => o.local));
      await radio(p, cui.priority.high);
      await p.getByText(cui.form.caps.high).waitFor();
      await p.getByRole('checkbox', { name: cui.form.requiresEdition }).check();
      await p.getByRole('button', { name: cui.form.next }).click();

      // Step 4: review, then create.
      await p.getByRole('cell', { name, exact: true }).waitFor();
      await shot(p, `campaigns-wizard-4-${locale}`);
      await p.getByRole('button', { name: cui.form.create }).click();
      await expectHeading(p, name);
      const id = /\/campaigns\/([0-9a-f-]{36})$/.exec(p.url())![1];
      const saved = (await c.api<CampaignBody>(`/api/v1/campaigns/${id}`)) as CampaignBody & {
        priority: string;
        timeZone: string;
        segmentId: string;
      };
      expect(saved).toMatchObject({
        name,
        kind: 'broadcast',
        status: 'draft',
        priority: 'high',
        timeZone: ZONE,
        schedule: { type: 'monthly', day: 20, time: '10:00' },
        requiresEdition: true,
        templates: { email: TEMPLATE },
        segmentId,
      });
      await p.getByTestId('campaign-status').getByText(cui.status.draft).waitFor();

      // The list shows it with its next occurrence, the API's.
      await p.getByRole('link', { name: cui.page.toList }).click();
      const row = p.getByRole('row').filter({ has: p.getByRole('link', { name }) });
      const nextShown = await row.getByTestId('next-occurrence').getAttribute('data-local');
      expect(nextShown).toBe(
        (await c.api<{ nextOccurrences: Occurrence[] }>(`/api/v1/campaigns/${id}`)).nextOccurrences[0].local,
      );
      await row.getByRole('link', { name }).click();
      await expectHeading(p, name);

      // Activate: the status changes, and the occurrences without an edition are flagged ahead.
      await p.getByRole('button', { name: cui.page.activate, exact: true }).click();
      await p.getByTestId('campaign-status').getByText(cui.status.active).waitFor();
      expect((await c.api<CampaignBody>(`/api/v1/campaigns/${id}`)).status).toBe('active');
      const flags = p.getByTestId('held-flag');
      expect(await settled(() => flags.count(), monthly.occurrences.length)).toBe(monthly.occurrences.length);
      await shot(p, `campaigns-page-${locale}`);

      // The edition of the next period, with its preview.
      const next = monthly.occurrences[0];
      const second = monthly.occurrences[1];
      await p
        .getByRole('row')
        .filter({ hasText: next.periodKey })
        .getByRole('link', { name: cui.editions.create })
        .click();
      await expectHeading(p, fill(cui.editions.editTitle, { name, period: next.periodKey }));
      await p.getByLabel(cui.editions.subjectRu, { exact: true }).fill('Новости месяца');
      await p.getByLabel(cui.editions.subjectEn, { exact: true }).fill('News of the month');
      await p.getByLabel(cui.editions.textRu, { exact: true }).fill('Открыли склад в Челябинске.');
      await p.getByLabel(cui.editions.textEn, { exact: true }).fill('We opened a warehouse in Chelyabinsk.');
      const preview = p.getByTestId('edition-preview');
      await preview
        .getByText(locale === 'ru' ? 'Открыли склад в Челябинске.' : 'We opened a warehouse in Chelyabinsk.')
        .waitFor();
      await radio(p, ui.language.en);
      await preview.getByText('News of the month').waitFor();
      await shot(p, `campaigns-edition-${locale}`);
      await p.getByRole('button', { name: ui.common.save }).click();
      await expectHeading(p, name);
      const edition = await c.api<{ subjectRu: string; blocks: unknown[] }>(
        `/api/v1/campaigns/${id}/editions/${next.periodKey}`,
      );
      expect(edition).toMatchObject({ subjectRu: 'Новости месяца', blocks: [{ type: 'paragraph' }] });
      expect(await settled(() => flags.count(), monthly.occurrences.length - 1)).toBe(
        monthly.occurrences.length - 1,
      );

      // The calendar: the next occurrence in its day cell, with its status; the one after it flagged as held.
      const nextDay = next.local.slice(0, 10);
      const items = await boardOf(p, () =>
        p.goto(`${base}/console/calendar?view=month&period=${nextDay.slice(0, 7)}`),
      );
      await expectHeading(p, ui.calendar.title);
      const mine = items.find((i) => i.campaignId === id && i.periodKey === next.periodKey)!;
      expect(mine).toMatchObject({ status: 'upcoming', willBeHeld: false });
      const chip = p.locator(`td[data-date="${nextDay}"] button[data-campaign="${id}"]`);
      await chip.waitFor();
      await expect(chip.textContent()).resolves.toContain(cui.board[mine.status as 'upcoming']);
      await expect(chip.textContent()).resolves.not.toContain(ui.calendar.noEdition);
      await shot(p, `calendar-month-${locale}`);
      await chip.click();
      const drawer = p.getByRole('dialog');
      await drawer.getByRole('link', { name: ui.calendar.openCampaign }).waitFor();
      await shot(p, `calendar-drawer-${locale}`);
      await p.keyboard.press('Escape');

      const secondDay = second.local.slice(0, 10);
      const later = await boardOf(p, () =>
        p.goto(`${base}/console/calendar?view=month&period=${secondDay.slice(0, 7)}`),
      );
      expect(later.find((i) => i.campaignId === id && i.periodKey === second.periodKey)).toMatchObject({
        status: 'upcoming',
        willBeHeld: true,
      });
      const heldChip = p.locator(`td[data-date="${secondDay}"] button[data-campaign="${id}"]`);
      await expect(heldChip.textContent()).resolves.toContain(ui.calendar.noEdition);

      // Pause changes the status back.
      await p.goto(`${base}/console/campaigns/${id}`);
      await p.getByRole('button', { name: cui.page.pause, exact: true }).click();
      await p.getByTestId('campaign-status').getByText(cui.status.paused).waitFor();
      expect((await c.api<CampaignBody>(`/api/v1/campaigns/${id}`)).status).toBe('paused');

      // Run now, with the edition written: the run opens and reaches completed.
      await p.getByRole('button', { name: cui.page.runNow, exact: true }).click();
      const modal = p.getByRole('dialog');
      await choose(p, cui.page.runEdition, next.periodKey);
      await shot(p, `campaigns-run-now-${locale}`);
      await modal.getByRole('button', { name: cui.page.runNow }).click();
      await p.waitForURL(/\/console\/runs\/[0-9a-f-]{36}$/);
      const runId = /\/runs\/([0-9a-f-]{36})$/.exec(p.url())![1];
      const run = await c.api<{ campaignId: string; trigger: string }>(`/api/v1/runs/${runId}`);
      expect(run).toMatchObject({ campaignId: id, trigger: 'manual' });
      const dispatcher = worker.get(DispatcherService);
      const status = async () => {
        await dispatcher.dispatchOnce(Channel.Email);
        return (await c.api<{ status: string }>(`/api/v1/runs/${runId}`)).status;
      };
      expect(await settled(status, 'completed')).toBe('completed');

      // The campaign page lists the run, linking to it.
      await p.goto(`${base}/console/campaigns/${id}`);
      await p.getByRole('link', { name: cui.page.manualRun }).first().waitFor();
      expect(await p.getByRole('link', { name: cui.page.manualRun }).first().getAttribute('href')).toBe(
        `/console/runs/${runId}`,
      );
    },
  );

  it('validation errors of the API show on their fields', async () => {
    const ui = TEXTS.en;
    const cui = ui.campaigns;
    const { page: p } = await c.signedIn(marketer, 'en', WIDE);
    await createCampaign(t.dataSource, { name: 'Taken name', status: CampaignStatus.Draft });
    await p.goto(`${base}/console/campaigns/new`);
    await p.getByLabel(cui.name, { exact: true }).fill('Bad schedule');
    await choose(p, cui.topic, 'Company news');
    await p.getByRole('button', { name: cui.form.next }).click();
    await choose(p, fill(cui.form.templateFor, { channel: ui.channel.email }), TEMPLATE);
    await p.getByRole('button', { name: cui.form.next }).click();
    await radio(p, cui.form.schedule.rrule);
    await p.getByLabel(cui.form.rrule, { exact: true }).fill('FREQ=HOURLY');
    await p.getByLabel(cui.form.dtstart, { exact: true }).fill('2026-01-01T10:00');
    const api = await t
      .http()
      .post('/api/v1/schedules/preview')
      .set(admin)
      .send({ schedule: { type: 'rrule', rrule: 'FREQ=HOURLY', dtstart: '2026-01-01T10:00' } })
      .expect(400);
    const message = (api.body.details as { field: string; messages: string[] }[]).find(
      (d) => d.field === 'schedule.rrule',
    )!.messages[0];
    await p.locator('.ant-form-item-explain-error', { hasText: message }).first().waitFor();
    await p.getByText(cui.form.previewInvalid).waitFor();
    await shot(p, 'campaigns-wizard-invalid-en');

    // A name taken: the API's 409 shows, and the person stays on the form.
    await radio(p, cui.form.schedule.monthly);
    await p.getByText(cui.form.stepBasics).click();
    await p.getByLabel(cui.name, { exact: true }).fill('Taken name');
    await p.getByText(cui.form.stepReview).click();
    await p.getByRole('button', { name: cui.form.create }).click();
    await p
      .getByRole('alert')
      .getByText(/already exists/)
      .waitFor();
    await expectHeading(p, cui.form.newTitle);

    // Editing reuses the form: the campaign's values in it, saved with PATCH.
    const existing = await createCampaign(t.dataSource, {
      name: 'To be renamed',
      status: CampaignStatus.Draft,
      schedule: { type: 'quarterly', time: '09:00' },
      templates: { email: TEMPLATE },
    });
    await p.goto(`${base}/console/campaigns/${existing.id}/edit`);
    await expectHeading(p, fill(cui.form.editTitle, { name: 'To be renamed' }));
    await p.getByLabel(cui.name, { exact: true }).fill('Renamed');
    await p.getByText(cui.form.stepTiming).click();
    expect(await p.getByLabel(cui.form.time, { exact: true }).inputValue()).toBe('09:00');
    await p.getByRole('button', { name: ui.common.save }).click();
    await expectHeading(p, 'Renamed');
    expect(await c.api<CampaignBody>(`/api/v1/campaigns/${existing.id}`)).toMatchObject({
      name: 'Renamed',
      schedule: { type: 'quarterly', time: '09:00' },
    });
  });

  it.each(flowLocales())(
    '%s: a cap collision set up by the test is marked on the calendar with the API’s client count',
    async (locale: UiLocale) => {
      const ui = TEXTS[locale];
      // One touch in 7 days: two campaigns three days from now hit the same clients.
      await setPolicy(t.dataSource, { overall: [{ maxTouches: 1, windowDays: 7 }] });
      const when = new Date(Date.now() + days(3));
      const later = new Date(when.getTime() + 3_600_000);
      const first = await createCampaign(t.dataSource, {
        name: `Первая акция ${locale}`,
        schedule: { type: 'once', at: when.toISOString() },
        templates: { email: TEMPLATE },
        activatedAt: new Date(),
      });
      const second = await createCampaign(t.dataSource, {
        name: `Вторая акция ${locale}`,
        schedule: { type: 'once', at: later.toISOString() },
        templates: { email: TEMPLATE },
        priority: Priority.Normal,
        activatedAt: new Date(),
      });
      const day = localDay(later);
      const { page: p } = await c.signedIn(marketer, locale, WIDE);
      const items = await boardOf(p, () =>
        p.goto(`${base}/console/calendar?view=month&period=${day.slice(0, 7)}`),
      );
      await expectHeading(p, ui.calendar.title);
      const collided = items.find((i) => i.campaignId === second.id)!;
      expect(collided.collisions).toBeGreaterThan(0);
      expect(items.find((i) => i.campaignId === first.id)).toBeDefined();
      const chip = p.locator(`td[data-date="${day}"] button[data-campaign="${second.id}"]`);
      await expect(chip.getByTestId('collisions').textContent()).resolves.toContain(
        formatNumber(collided.collisions!, locale),
      );
      await chip.click();
      const drawer = p.getByRole('dialog');
      const link = drawer.getByRole('link', { name: ui.calendar.openSimulation });
      expect(await link.getAttribute('href')).toBe(`/console/simulation?from=${day}&to=${day}`);
      await expect(drawer.getByTestId('drawer-collisions').textContent()).resolves.toContain(
        formatNumber(collided.collisions!, locale),
      );
      await p.keyboard.press('Escape');

      // The quarter view shows the same occurrence; the URL keeps view and period.
      await p.getByText(ui.calendar.quarter, { exact: true }).click();
      await p.waitForURL(/view=quarter&period=\d{4}-Q[1-4]/);
      await p.locator(`[data-date="${day}"] button[data-campaign="${second.id}"]`).waitFor();
      await shot(p, `calendar-quarter-${locale}`);
      const title = await p.getByTestId('calendar-period').textContent();
      const period = p.getByTestId('calendar-period');
      const before = new URL(p.url()).searchParams.get('period');
      await p.getByRole('button', { name: ui.calendar.next }).click();
      await p.waitForURL((u) => u.searchParams.get('period') !== before);
      await period.filter({ hasNotText: title! }).waitFor();
      await p.getByRole('button', { name: ui.calendar.previous }).click();
      expect(await settled(() => period.textContent(), title)).toBe(title);

      // The same screens at 768 px.
      const { page: narrow } = await c.signedIn(marketer, locale, NARROW);
      await narrow.goto(`${base}/console/calendar?view=month&period=${day.slice(0, 7)}`);
      await narrow.locator(`td[data-date="${day}"] button[data-campaign="${second.id}"]`).waitFor();
      await shot(narrow, `calendar-month-768-${locale}`);
      await narrow.goto(`${base}/console/campaigns`);
      await narrow.getByRole('link', { name: second.name }).waitFor();
      await shot(narrow, `campaigns-list-768-${locale}`);
      await narrow.goto(`${base}/console/campaigns/${second.id}`);
      await expectHeading(narrow, second.name);
      await shot(narrow, `campaigns-page-768-${locale}`);
      await narrow.goto(`${base}/console/campaigns/new`);
      await expectHeading(narrow, ui.campaigns.form.newTitle);
      await narrow.getByRole('button', { name: ui.campaigns.form.next }).click();
      await narrow.getByRole('button', { name: ui.campaigns.form.back }).waitFor();
      await shot(narrow, `campaigns-wizard-768-${locale}`);

      await t.dataSource.query(`DELETE FROM campaigns WHERE id = ANY($1)`, [[first.id, second.id]]);
      await setPolicy(t.dataSource, {});
    },
  );

  it('a CEO letter: the kind fixes topic and priority, the letter channel asks for a signer', async () => {
    const ui = TEXTS.en;
    const cui = ui.campaigns;
    await createTemplates(t.dataSource, 'console-ceo-letter', [Channel.Letter]);
    const signerId = await createSigner(t.dataSource, 'Пётр Иванов');
    const { page: p } = await c.signedIn(marketer, 'en', WIDE);
    await p.goto(`${base}/console/campaigns/new`);
    await p.getByLabel(cui.name, { exact: true }).fill('Quarterly letter from the CEO');
    await choose(p, cui.kind, ui.campaignKind['ceo-letter']);
    await p.getByText(cui.form.kindHint['ceo-letter']).waitFor();
    await p.getByText(cui.form.topicFixed).waitFor();
    await p.getByRole('button', { name: cui.form.next }).click();
    // Letters as well as email: a template for each, and the signer.
    await p.getByLabel(cui.channels, { exact: true }).click();
    await p
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', {
        hasText: ui.channel.letter,
      })
      .click();
    await p.keyboard.press('Escape');
    await choose(p, fill(cui.form.templateFor, { channel: ui.channel.email }), TEMPLATE);
    await choose(p, fill(cui.form.templateFor, { channel: ui.channel.letter }), 'console-ceo-letter');
    await choose(p, cui.signer, 'Пётр Иванов');
    await shot(p, 'campaigns-wizard-ceo-letter-en');
    await p.getByRole('button', { name: cui.form.next }).click();
    await p.getByText(cui.form.caps['must-send']).waitFor();
    await radio(p, cui.form.schedule.quarterly);
    await p.getByRole('button', { name: cui.form.next }).click();
    await p.getByRole('button', { name: cui.form.create }).click();
    await expectHeading(p, 'Quarterly letter from the CEO');
    const id = /\/campaigns\/([0-9a-f-]{36})$/.exec(p.url())![1];
    expect(await c.api<Record<string, unknown>>(`/api/v1/campaigns/${id}`)).toMatchObject({
      kind: 'ceo-letter',
      priority: 'must-send',
      topicKey: 'company-letters',
      channels: ['email', 'letter'],
      templates: { email: TEMPLATE, letter: 'console-ceo-letter' },
      signerId,
      schedule: { type: 'quarterly', time: '10:00' },
    });
  });

  it('sales-ops reads campaigns but is offered no writes', async () => {
    const ui = TEXTS.ru;
    const { page: p } = await c.signedIn(salesOps, 'ru', WIDE);
    const campaign = await createCampaign(t.dataSource, {
      name: 'Только чтение',
      status: CampaignStatus.Paused,
    });
    await p.goto(`${base}/console/campaigns?status=paused`);
    await p.getByRole('link', { name: 'Только чтение' }).waitFor();
    expect(await p.getByRole('button', { name: ui.campaigns.new }).count()).toBe(0);
    const listed = await c.api<{ items: { name: string }[] }>('/api/v1/campaigns?status=paused');
    const rows = p.locator('.ant-table-tbody tr.ant-table-row');
    expect(await settled(() => rows.count(), listed.items.length)).toBe(listed.items.length);
    await p.goto(`${base}/console/campaigns/${campaign.id}`);
    await expectHeading(p, 'Только чтение');
    expect(await p.getByRole('button', { name: ui.campaigns.page.runNow }).count()).toBe(0);
    expect(await p.getByRole('button', { name: ui.campaigns.page.activate }).count()).toBe(0);
    await shot(p, 'campaigns-page-sales-ops-ru');
  });
});
