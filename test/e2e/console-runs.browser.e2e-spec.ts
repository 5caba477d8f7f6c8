import { CampaignStatus } from '@touchbase/campaigns';
import { Channel, StaffRole } from '@touchbase/core';
import { DispatcherService } from '@touchbase/dispatch';
import { DeliveryStatus, RunStatus } from '@touchbase/runs';
import { createCampaign } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { createDelivery } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { createSegment } from '../factories/segment.factory';
import { setPolicy } from '../support/planning';
import { SmtpSink } from '../support/smtp-sink';
import { TEST_ADMIN_KEY, type TestApp } from '../support/test-app';
import { createTemplates } from './campaigns-support';
import {
  browserAvailable,
  ConsoleBrowser,
  type ConsoleMember,
  expectHeading,
  fill,
  formatNumber,
  flowLocales,
  type UiLocale,
  settled,
  TEXTS,
  type WatchedPage,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console runs and simulation browser tests')
  ? describe
  : describe.skip;
jest.setTimeout(180_000);

const TEMPLATE = 'console-runs-news';
const NARROW = { width: 768, height: 1000 };

interface RunBody {
  id: string;
  status: string;
  campaignName?: string;
  audience: number | null;
  stats: { byStatus?: Record<string, number>; byReason?: Record<string, number> };
}

interface SimulationBody {
  occurrences: {
    campaignName: string;
    occurrenceAt: string;
    audience: number;
    deliveries: Record<string, number>;
    suppressions: Record<string, number>;
    capped: {
      count: number;
      clients: {
        id: string;
        name: string;
        caps: { scope: string; maxTouches: number; windowDays: number; touches: { campaign: string }[] }[];
      }[];
    };
  }[];
}

const DELIVERY_STATUSES = Object.values(DeliveryStatus);

describeWithBrowser('Console: simulation and runs in a real browser (Chromium)', () => {
  const c = new ConsoleBrowser();
  let t: TestApp;
  let base: string;
  let marketer: ConsoleMember;
  let salesOps: ConsoleMember;
  let sink: SmtpSink;
  let winterId: string;
  // The simulation's range: the month after next, far from the runs these tests start now.
  const now = new Date();
  const simFrom = new Date(now.getFullYear(), now.getMonth() + 2, 1);
  const simTo = new Date(now.getFullYear(), now.getMonth() + 3, 0);
  const day = (d: Date) =>
    `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

  const tagged = async (tag: string, name: string) =>
    createSegment(t.dataSource, `${name} ${tag}`, { field: 'tags', op: 'contains', value: tag });

  const post = async <T>(url: string, body: object = {}): Promise<T> =>
    (
      await t
        .http()
        .post(url)
        .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
        .send(body)
        .expect((res) => {
          if (res.status >= 300) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.body)}`);
        })
    ).body as T;

  /** Clients with `tag`: `names` reachable by email, one who opted out of everything. */
  async function audience(
    tag: string,
    names: string[],
  ): Promise<{ ids: string[]; emails: string[]; optedOutName: string }> {
    const ids: string[] = [];
    const emails: string[] = [];
    for (const name of names) {
      const client = await createClient(t.dataSource, { name, tags: [tag] });
      ids.push(client.id);
      emails.push(client.email!);
    }
    const optedOutName = `Отписавшийся ${tag}`;
    const out = await createClient(t.dataSource, { name: optedOutName, tags: [tag] });
    await t.dataSource.query(`UPDATE client_preferences SET opted_out = true WHERE client_id = $1`, [out.id]);
    return { ids, emails, optedOutName };
  }

  /** A paused email campaign of the tagged clients, run now through the API: planned, nothing sent yet. */
  async function runNow(tag: string, name: string): Promise<RunBody> {
    const campaign = await createCampaign(t.dataSource, {
      name,
      status: CampaignStatus.Paused,
      channels: [Channel.Email],
      templates: { email: TEMPLATE },
      segmentId: await tagged(tag, name),
    });
    return post<RunBody>(`/api/v1/campaigns/${campaign.id}/runs`);
  }

  /** Sends every email due (the dispatcher's own step) until the run has nothing queued. */
  async function dispatchAll(runId: string): Promise<void> {
    const dispatcher = t.app.get(DispatcherService);
    for (let i = 0; i < 200; i += 1) {
      const claimed = await dispatcher.dispatchOnce(Channel.Email);
      const [{ open }] = await t.dataSource.query(
        `SELECT count(*)::int AS open FROM deliveries WHERE run_id = $1 AND status IN ('queued', 'sending')`,
        [runId],
      );
      if (open === 0) return;
      if (claimed === 0) await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`run ${runId} still has deliveries to send`);
  }

  /** Until a drawer or modal stops sliding in (a screenshot mid-animation shows nothing useful). */
  async function still(p: WatchedPage, selector: string): Promise<void> {
    const box = async () => JSON.stringify(await p.locator(selector).last().boundingBox());
    let last = '';
    for (let i = 0; i < 50; i += 1) {
      const now = await box();
      if (now === last) return;
      last = now;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The screen at rest: lazy chunks loaded, loading overlays gone, charts drawn. */
  async function atRest(p: WatchedPage): Promise<void> {
    await expect(settled(() => p.locator('.ant-spin-blur, .ant-spin-spinning').count(), 0)).resolves.toBe(0);
    // The lazy chunk's placeholders gone, then a canvas in each chart.
    await expect(settled(() => p.locator('main [role=status]').count(), 0)).resolves.toBe(0);
    const charts = p.locator('.echarts-for-react');
    for (let i = 0; i < (await charts.count()); i += 1) await charts.nth(i).locator('canvas').waitFor();
  }

  /** A signed-in page that asks for reduced motion (charts drawn at once, for the screenshots). */
  async function signedIn(
    who: ConsoleMember,
    locale: UiLocale,
    viewport?: { width: number; height: number },
  ) {
    const { page } = await c.signedIn(who, locale, viewport);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    return page;
  }

  const statText = async (p: WatchedPage, s: string) =>
    (await p.getByTestId(`status-${s}`).locator('.ant-statistic-content').textContent())?.trim();

  beforeAll(async () => {
    // The real app with its worker, emails to an SMTP sink. The worker's own loop runs only the letter
    // channel: the tests send the emails step by step (to watch a run in progress, and to cancel one).
    sink = await SmtpSink.start();
    await c.start(
      {
        EMAIL_DRIVER: 'smtp',
        SMTP_URL: sink.url,
        EMAIL_FROM: 'Альфа <news@alfa.example>',
        DISPATCH_CHANNELS: 'letter',
      },
      { withWorker: true },
    );
    ({ t, base } = c);
    marketer = await c.member(StaffRole.Marketer, 'Олег Маркетов');
    salesOps = await c.member(StaffRole.SalesOps, 'Анна Продажи');
    await createTemplates(t.dataSource, TEMPLATE, [Channel.Email]);
    // A tight policy: one touch a week over all channels; no sending windows (everything is due now).
    await setPolicy(t.dataSource, {
      overall: [{ maxTouches: 1, windowDays: 7 }],
      perChannel: { email: [], sms: [], call: [], letter: [] },
      sendingWindows: { email: null, sms: null, call: null, letter: null },
    });

    // The simulation: two active campaigns on the same clients two days apart — the second one collides.
    const sim = await audience('sim', ['ООО «Альфа»', 'ООО «Бета»', 'ООО «Гамма»']);
    expect(sim.ids).toHaveLength(3);
    await createClient(t.dataSource, { name: 'Без почты', email: null, phone: null, tags: ['sim'] });
    const segmentId = await tagged('sim', 'Симуляция');
    await createCampaign(t.dataSource, {
      name: 'Новогодняя рассылка',
      segmentId,
      templates: { email: TEMPLATE },
      schedule: { type: 'monthly', day: 10, time: '10:00' },
    });
    ({ id: winterId } = await createCampaign(t.dataSource, {
      name: 'Зимняя акция',
      segmentId,
      templates: { email: TEMPLATE },
      schedule: { type: 'monthly', day: 12, time: '12:00' },
    }));
  });

  afterAll(async () => {
    await c.close();
    await sink?.close();
  });

  describe('simulation', () => {
    for (const locale of flowLocales()) {
      it(`${locale}: shows the collision of two campaigns — the capped clients, why, and the API's numbers`, async () => {
        const ui = TEXTS[locale];
        const p = await signedIn(marketer, locale);
        const answer = p.waitForResponse((r) => r.url().endsWith('/api/v1/simulations'));
        await p.goto(`${base}/console/simulation?from=${day(simFrom)}&to=${day(simTo)}`);
        await expectHeading(p, ui.simulation.title);
        const response = await answer;
        expect(response.status()).toBe(200);
        // The same question straight to the API: the screen must show its numbers.
        const api = await post<SimulationBody>('/api/v1/simulations', response.request().postDataJSON());
        expect(api.occurrences.map((o) => o.campaignName)).toEqual(['Новогодняя рассылка', 'Зимняя акция']);
        const [first, second] = api.occurrences;
        expect(first.capped.count).toBe(0);
        expect(second.capped.count).toBe(3);

        // The occurrences' own rows (the open one holds a table of its own).
        const rows = p
          .getByTestId('simulation-occurrences')
          .locator('tr.ant-table-row')
          .filter({ has: p.getByTestId('occ-audience') });
        await rows.first().waitFor();
        expect(await rows.count()).toBe(2);
        for (const [i, o] of api.occurrences.entries()) {
          const row = rows.nth(i);
          await expect(row.getByTestId('occ-audience').textContent()).resolves.toBe(
            formatNumber(o.audience, locale),
          );
          if (o.deliveries.email) {
            await expect(row.getByTestId('occ-channel-email').textContent()).resolves.toBe(
              `${ui.channel.email}: ${formatNumber(o.deliveries.email, locale)}`,
            );
          } else {
            expect(await row.getByTestId('occ-channel-email').count()).toBe(0);
            await row.getByText(ui.simulation.noChannels, { exact: true }).waitFor();
          }
          const suppressed = Object.values(o.suppressions).reduce((a, b) => a + b, 0);
          await expect(row.getByTestId('occ-suppressed').textContent()).resolves.toBe(
            formatNumber(suppressed, locale),
          );
          await expect(row.getByTestId('occ-capped').textContent()).resolves.toBe(
            formatNumber(o.capped.count, locale),
          );
        }
        await expect(
          p.getByTestId('summary-capped').locator('.ant-statistic-content').textContent(),
        ).resolves.toBe(formatNumber(3, locale));

        // The colliding occurrence is open: its suppressions by reason equal the API's, in words.
        const detail = p.getByTestId('occurrence-detail');
        expect(await detail.count()).toBe(1);
        const reasons = detail.getByTestId('occ-reasons').locator('tbody tr.ant-table-row');
        const shown: Record<string, string> = {};
        for (let i = 0; i < (await reasons.count()); i += 1) {
          const cells = await reasons.nth(i).locator('td').allTextContents();
          shown[cells[0]] = cells[1];
        }
        const reasonText = ui.reason as Record<string, string>;
        expect(shown).toEqual(
          Object.fromEntries(
            Object.entries(second.suppressions).map(([r, n]) => [reasonText[r], formatNumber(n, locale)]),
          ),
        );
        expect(second.suppressions['frequency-cap']).toBe(3);

        // Each capped client with its explanation: which cap, and the other campaign's touch in its window.
        const capped = detail.getByTestId('capped-client');
        expect(await capped.count()).toBe(3);
        for (const [i, client] of second.capped.clients.entries()) {
          const item = capped.nth(i);
          await expect(item.getByRole('link').textContent()).resolves.toBe(client.name);
          expect(await item.getByRole('link').getAttribute('href')).toBe(`/console/clients/${client.id}`);
          const text = (await item.textContent()) ?? '';
          expect(text).toContain(
            fill(ui.simulation.cappedWhy, { campaign: 'Зимняя акция', reason: ui.reason['frequency-cap'] }),
          );
          expect(client.caps).toEqual([
            expect.objectContaining({ scope: 'workspace', maxTouches: 1, windowDays: 7 }),
          ]);
          expect(text).toContain(fill(ui.runs.cap.workspace, { max: 1, days: 7 }));
          expect(text).toContain(fill(ui.runs.cap.already, { count: 1 }));
          expect(text).toContain(`Новогодняя рассылка`);
        }
        await atRest(p);
        await c.expectAccessible(p, `simulation-${locale}`);

        const narrow = await signedIn(marketer, locale, NARROW);
        await narrow.goto(`${base}/console/simulation?from=${day(simFrom)}&to=${day(simTo)}`);
        await narrow.getByTestId('capped-client').first().waitFor();
        await atRest(narrow);
        await c.expectAccessible(narrow, `simulation-${locale}-768`);
      });
    }

    it('en: a preset fills the range, the address keeps it; sales-ops may not simulate', async () => {
      const ui = TEXTS.en;
      const p = await signedIn(marketer, 'en');
      await p.goto(`${base}/console/simulation`);
      await expectHeading(p, ui.simulation.title);
      await p.getByText(ui.simulation.pick).waitFor();
      await p.locator('#simulation-from').click();
      await p.getByText(ui.simulation.presets.nextMonth, { exact: true }).click();
      await p.getByRole('button', { name: ui.simulation.run }).click();
      const next = new Date(now.getFullYear(), now.getMonth() + 1, 1);
      const last = new Date(now.getFullYear(), now.getMonth() + 2, 0);
      await p.waitForURL(new RegExp(`/simulation\\?from=${day(next)}&to=${day(last)}$`));
      await p.getByTestId('simulation-summary').or(p.getByText(ui.simulation.empty)).first().waitFor();
      await atRest(p);
      await c.expectAccessible(p, 'simulation-preset-en');

      // A link for one campaign (as from the calendar): only its occurrence, and a way back to all.
      await p.goto(`${base}/console/simulation?from=${day(simFrom)}&to=${day(simTo)}&campaignId=${winterId}`);
      await p.getByText(fill(ui.simulation.someCampaigns, { count: 1 })).waitFor();
      const only = p
        .getByTestId('simulation-occurrences')
        .locator('tr.ant-table-row')
        .filter({ has: p.getByTestId('occ-audience') });
      await expect(settled(() => only.count(), 1)).resolves.toBe(1);
      await expect(only.first().getByRole('link').textContent()).resolves.toBe('Зимняя акция');
      await p.getByRole('button', { name: ui.simulation.allCampaigns }).click();
      await p.waitForURL(new RegExp(`/simulation\\?from=${day(simFrom)}&to=${day(simTo)}$`));
      await expect(settled(() => only.count(), 2)).resolves.toBe(2);

      const other = await signedIn(salesOps, 'ru');
      await other.goto(`${base}/console/simulation?from=${day(simFrom)}&to=${day(simTo)}`);
      await other.getByText(TEXTS.ru.simulation.forbidden).waitFor();
      expect(await other.getByRole('button', { name: TEXTS.ru.simulation.rerun }).count()).toBe(0);
    });
  });

  describe('runs', () => {
    for (const locale of flowLocales()) {
      it(`${locale}: a run is watched live until completed; suppressed deliveries say why; the list agrees`, async () => {
        const ui = TEXTS[locale];
        const tag = `run-${locale}`;
        const { ids, emails } = await audience(tag, [
          `Клиент А ${locale}`,
          `Клиент Б ${locale}`,
          `Клиент В ${locale}`,
        ]);
        // The first client got another campaign's email two days ago: the weekly cap is full.
        const autumn = await createCampaign(t.dataSource, {
          name: `Осенняя акция ${locale}`,
          status: CampaignStatus.Archived,
        });
        const touchedAt = new Date(Date.now() - 2 * 86_400_000);
        await createDelivery(t.dataSource, await createRun(t.dataSource, autumn, touchedAt), ids[0], {
          channel: Channel.Email,
          status: DeliveryStatus.Sent,
          scheduledAt: touchedAt,
          sentAt: touchedAt,
        });
        const run = await runNow(tag, `Новости ${locale}`);
        expect(run.status).toBe(RunStatus.Dispatching);

        const p = await signedIn(marketer, locale);
        await p.goto(`${base}/console/runs/${run.id}`);
        await p.getByRole('heading', { level: 1 }).waitFor();
        await p.getByTestId('run-status').getByText(ui.runStatus.dispatching).waitFor();
        await expect(statText(p, 'queued')).resolves.toBe(formatNumber(2, locale));
        await p.getByTestId('progress-mode').getByText(ui.runs.detail.live).waitFor();
        await atRest(p);
        await c.expectAccessible(p, `run-dispatching-${locale}`);

        // The worker's step sends them; the page follows without a reload.
        await dispatchAll(run.id);
        await p.getByTestId('run-status').getByText(ui.runStatus.completed).waitFor({ timeout: 30_000 });
        await p.getByTestId('progress-mode').getByText(ui.runs.detail.over).waitFor();
        const done = await c.api<RunBody>(`/api/v1/runs/${run.id}`);
        expect(done.status).toBe('completed');
        expect(done.stats.byStatus).toEqual({ sent: 2, suppressed: 2 });
        // One email each reached the SMTP server; none to the capped client.
        expect(emails.map((e) => sink.to(e).length)).toEqual([0, 1, 1]);
        for (const s of DELIVERY_STATUSES) {
          await expect(
            settled(() => statText(p, s), formatNumber(done.stats.byStatus?.[s] ?? 0, locale)),
          ).resolves.toBe(formatNumber(done.stats.byStatus?.[s] ?? 0, locale));
        }
        await expect(p.getByTestId('progress-text').textContent()).resolves.toBe(
          fill(ui.runs.detail.progressLabel, {
            done: formatNumber(4, locale),
            total: formatNumber(4, locale),
          }),
        );
        const reasonRows = p.getByTestId('run-reasons').locator('tbody tr.ant-table-row');
        await reasonRows.first().waitFor();
        const reasons = await Promise.all(
          Array.from({ length: await reasonRows.count() }, async (_, i) =>
            (await reasonRows.nth(i).locator('td').allTextContents()).join(' = '),
          ),
        );
        expect(reasons.sort()).toEqual(
          Object.entries(done.stats.byReason ?? {})
            .map(([r, n]) => `${(ui.reason as Record<string, string>)[r]} = ${formatNumber(n, locale)}`)
            .sort(),
        );

        // The deliveries table, filtered to the suppressed ones.
        const table = p.getByTestId('deliveries');
        await table.locator('tbody tr.ant-table-row').first().waitFor();
        await p.getByLabel(ui.runs.deliveries.status, { exact: true }).click();
        await p
          .locator('.ant-select-dropdown:visible')
          .getByText(ui.deliveryStatus.suppressed, { exact: true })
          .click();
        const suppressed = await c.api<{ items: { clientId: string; clientName: string }[] }>(
          `/api/v1/runs/${run.id}/deliveries?status=suppressed`,
        );
        expect(suppressed.items).toHaveLength(2);
        const names = async () =>
          (await table.locator('tbody tr.ant-table-row td:first-child').allTextContents()).sort();
        await expect(settled(names, suppressed.items.map((d) => d.clientName).sort())).resolves.toEqual(
          suppressed.items.map((d) => d.clientName).sort(),
        );

        // A part of a client's name finds its delivery (with the status filter still on).
        const cappedName = suppressed.items.find((d) => d.clientId === ids[0])!.clientName;
        const search = p.getByRole('searchbox', { name: ui.runs.deliveries.search });
        await search.fill(cappedName.slice(0, 8).toUpperCase());
        await search.press('Enter');
        await expect(settled(names, [cappedName])).resolves.toEqual([cappedName]);

        // The capped client's delivery says why: the weekly cap, full with the autumn campaign's email.
        const capped = suppressed.items.find((d) => d.clientId === ids[0])!;
        await table
          .getByRole('button', { name: fill(ui.runs.deliveries.whyFor, { client: capped.clientName }) })
          .click();
        const drawer = p.getByRole('dialog');
        await drawer.getByTestId('explanation-summary').waitFor();
        await expect(drawer.getByTestId('explanation-summary').textContent()).resolves.toBe(
          fill(ui.runs.explain.gotNothing, { client: capped.clientName, reason: ui.reason['frequency-cap'] }),
        );
        const caps = (await drawer.getByTestId('explanation-caps').textContent()) ?? '';
        expect(caps).toContain(fill(ui.runs.cap.workspace, { max: 1, days: 7 }));
        expect(caps).toContain(fill(ui.runs.cap.already, { count: 1 }));
        expect(caps).toContain(`Осенняя акция ${locale}`);
        const explained = await c.api<{ caps: { touches: { campaign: string }[] }[] }>(
          `/api/v1/runs/${run.id}/explain/${ids[0]}`,
        );
        expect(explained.caps[0].touches.map((x) => x.campaign)).toEqual([`Осенняя акция ${locale}`]);
        await still(p, '.ant-drawer-content-wrapper');
        await c.expectAccessible(p, `run-explain-${locale}`);
        await drawer.getByRole('button', { name: ui.runs.explain.close }).click();
        await drawer.waitFor({ state: 'hidden' });
        await atRest(p);
        await c.expectAccessible(p, `run-completed-${locale}`);

        // The list: the run with the same numbers, filtered by status.
        await p.goto(`${base}/console/runs?status=completed`);
        await expectHeading(p, ui.runs.title);
        const listed = await c.api<{ items: RunBody[] }>('/api/v1/runs?status=completed');
        const rows = p.getByTestId('runs').locator('tbody tr.ant-table-row');
        await rows.first().waitFor();
        expect(await rows.count()).toBe(listed.items.length);
        const row = rows.filter({ hasText: `Новости ${locale}` });
        await expect(row.getByTestId('count-sent').textContent()).resolves.toBe(formatNumber(2, locale));
        await expect(row.getByTestId('count-suppressed').textContent()).resolves.toBe(
          formatNumber(2, locale),
        );
        await atRest(p);
        await c.expectAccessible(p, `runs-list-${locale}`);
        // Filtered by campaign too: only this run.
        await p.getByLabel(ui.runs.campaignFilter, { exact: true }).fill(`Новости ${locale}`);
        await p
          .locator('.ant-select-dropdown:visible')
          .getByText(`Новости ${locale}`, { exact: true })
          .click();
        await p.waitForURL(/campaignId=/);
        await expect(settled(() => rows.count(), 1)).resolves.toBe(1);
        await row.getByRole('link').click();
        await p.waitForURL(new RegExp(`/console/runs/${run.id}$`));

        const narrow = await signedIn(marketer, locale, NARROW);
        await narrow.goto(`${base}/console/runs`);
        await narrow.getByTestId('runs').locator('tbody tr.ant-table-row').first().waitFor();
        await atRest(narrow);
        await c.expectAccessible(narrow, `runs-list-${locale}-768`);
        await narrow.goto(`${base}/console/runs/${run.id}`);
        await narrow.getByTestId('deliveries').locator('tbody tr.ant-table-row').first().waitFor();
        await atRest(narrow);
        await c.expectAccessible(narrow, `run-completed-${locale}-768`);
      });

      it(`${locale}: a run in progress is cancelled after a confirmation; sales-ops sees no cancel`, async () => {
        const ui = TEXTS[locale];
        const tag = `cancel-${locale}`;
        await audience(tag, [`Отмена 1 ${locale}`, `Отмена 2 ${locale}`]);
        const run = await runNow(tag, `Отменяемая ${locale}`);
        expect(run.status).toBe(RunStatus.Dispatching);

        // Sales-ops watches too, where the event stream does not get through: the page polls instead.
        const viewer = await signedIn(salesOps, locale);
        await viewer.route('**/api/v1/runs/*/events', (route) => route.abort());
        await viewer.goto(`${base}/console/runs/${run.id}`);
        await viewer.getByTestId('run-status').getByText(ui.runStatus.dispatching).waitFor();
        await viewer.getByTestId('progress-mode').getByText(ui.runs.detail.polling).waitFor();
        expect(await viewer.getByRole('button', { name: ui.runs.detail.cancel }).count()).toBe(0);

        const p = await signedIn(marketer, locale);
        await p.goto(`${base}/console/runs/${run.id}`);
        await p.getByTestId('run-status').getByText(ui.runStatus.dispatching).waitFor();
        await p.getByRole('button', { name: ui.runs.detail.cancel }).click();
        const confirm = p.getByRole('dialog');
        await expect(confirm.locator('.ant-modal-confirm-title').textContent()).resolves.toBe(
          fill(ui.runs.detail.cancelTitle, { campaign: `Отменяемая ${locale}` }),
        );
        await still(p, '.ant-modal');
        await c.expectAccessible(p, `run-cancel-confirm-${locale}`);
        await confirm.getByRole('button', { name: ui.runs.detail.cancelOk }).click();
        await p.getByTestId('run-status').getByText(ui.runStatus.cancelled).waitFor();
        const after = await c.api<RunBody>(`/api/v1/runs/${run.id}`);
        expect(after.status).toBe('cancelled');
        await expect(
          settled(() => statText(p, 'cancelled'), formatNumber(after.stats.byStatus?.cancelled ?? 0, locale)),
        ).resolves.toBe(formatNumber(2, locale));
        await confirm.waitFor({ state: 'hidden' });
        await expect(
          settled(() => p.getByRole('button', { name: ui.runs.detail.cancel }).count(), 0),
        ).resolves.toBe(0);
        // The viewer's page follows too, by polling: the run is over.
        await viewer.getByTestId('run-status').getByText(ui.runStatus.cancelled).waitFor({ timeout: 30_000 });
        await viewer.getByTestId('progress-mode').getByText(ui.runs.detail.over).waitFor();
        await atRest(p);
        await c.expectAccessible(p, `run-cancelled-${locale}`);
      });
    }

    it('an unknown run says so', async () => {
      const p = await signedIn(marketer, 'ru');
      await p.goto(`${base}/console/runs/00000000-0000-4000-8000-000000000000`);
      await p.getByText(TEXTS.ru.runs.detail.notFound).waitFor();
      await atRest(p);
      await c.expectAccessible(p, 'run-unknown-ru');
    });
  });
});
