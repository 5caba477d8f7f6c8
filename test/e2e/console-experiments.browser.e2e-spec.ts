import { CampaignStatus } from '@touchbase/campaigns';
import { Channel, StaffRole } from '@touchbase/core';
import { DispatcherService } from '@touchbase/dispatch';
import { ExperimentsService } from '@touchbase/experiments';
import { ShortLinksService } from '@touchbase/links';
import { createCampaign } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { planNow } from '../support/planning';
import { TEST_ADMIN_KEY, type TestApp } from '../support/test-app';
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
  type WatchedPage,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console A/B tests browser tests') ? describe : describe.skip;
jest.setTimeout(180_000);

const NARROW = { width: 768, height: 1000 };
const WIDE = { width: 1280, height: 1000 };

interface Results {
  status: string;
  winner: string | null;
  held: number;
  restCount: number | null;
  variants: { key: string; name: string; assigned: number; reached: number; clicked: number }[];
}

interface ExperimentBody {
  variants: { key: string; name: string; share: number; subjectRu: string | null }[];
  testShare: number;
  windowHours: number;
}

describeWithBrowser('Console: A/B tests on the campaign and run pages (Chromium)', () => {
  const c = new ConsoleBrowser();
  let t: TestApp;
  let base: string;
  let marketer: ConsoleMember;
  let runId: string;
  let testedCampaignId: string;

  const put = (url: string, body: object) =>
    t.http().put(url).set('Authorization', `Bearer ${TEST_ADMIN_KEY}`).send(body).expect(200);

  async function signedIn(locale: 'ru' | 'en', viewport = WIDE): Promise<WatchedPage> {
    const { page } = await c.signedIn(marketer, locale, viewport);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    return page;
  }

  beforeAll(async () => {
    await c.start({ PUBLIC_URL: 'https://tb.example', DISPATCH_CHANNELS: 'letter' }, { withWorker: true });
    ({ t, base } = c);
    marketer = await c.member(StaffRole.Marketer, 'Олег Маркетов');
    for (let i = 0; i < 40; i++) await createClient(t.dataSource, { name: `ООО «Тест ${i}»` });
    const campaign = await createCampaign(t.dataSource, {
      name: 'Весенняя рассылка',
      status: CampaignStatus.Paused,
      channels: [Channel.Email],
      templates: { email: 'monthly-broadcast' },
    });
    testedCampaignId = campaign.id;
    await put(`/api/v1/campaigns/${campaign.id}/experiment`, {
      variants: [
        { key: 'A', name: 'Новости в теме', share: 0.5 },
        { key: 'B', name: 'Скидка в теме', share: 0.5, subjectRu: 'Скидка 10% до пятницы' },
      ],
      testShare: 0.5,
      metric: 'clicks',
      windowHours: 4,
    });
    runId = await planNow(t, campaign, { edition: {} });
    // The test part goes out (the file driver), B's clients click, and the window ends.
    const dispatcher = t.app.get(DispatcherService);
    while ((await dispatcher.dispatchOnce(Channel.Email)) > 0);
    // Sent a minute ago: the clicks below are a person's, not a link scanner's right after the sending.
    await t.dataSource.query(
      `UPDATE deliveries SET sent_at = sent_at - interval '1 minute' WHERE run_id = $1 AND sent_at IS NOT NULL`,
      [runId],
    );
    const keys: { key: string }[] = await t.dataSource.query(
      `SELECT l.key FROM delivery_links l JOIN deliveries d ON d.id = l.delivery_id
        WHERE d.run_id = $1 AND d.variant = 'B'`,
      [runId],
    );
    expect(keys.length).toBeGreaterThan(0);
    for (const { key } of keys) await t.http().get(`/r/${key}0`).redirects(0).expect(302);
    await t.app.get(ShortLinksService).flushClicks();
    // The window runs from the last test delivery's sending.
    const [{ end }] = await t.dataSource.query(
      `SELECT max(sent_at) + interval '4 hours' AS end FROM deliveries WHERE run_id = $1 AND variant IN ('A', 'B')`,
      [runId],
    );
    const decided = await t.app.get(ExperimentsService).decideDue(new Date(end.getTime() + 1));
    expect(decided.map((d) => d.winner)).toEqual(['B']);
    while ((await dispatcher.dispatchOnce(Channel.Email)) > 0);
  });

  afterAll(async () => {
    await c.close();
  });

  for (const locale of flowLocales()) {
    it(`${locale}: the run page shows each variant's figures as the API gives them, and the winner`, async () => {
      const ui = TEXTS[locale];
      const api = await c.api<Results>(`/api/v1/runs/${runId}/experiment`);
      expect(api).toMatchObject({ status: 'rest-sent', winner: 'B' });
      for (const viewport of [WIDE, NARROW]) {
        const p = await signedIn(locale, viewport);
        await p.goto(`${base}/console/runs/${runId}`);
        const card = p.getByTestId('run-experiment');
        await card.waitFor();
        await expect(card.getByRole('heading', { name: ui.experiments.run.title }).count()).resolves.toBe(1);
        await expect(card.getByTestId('experiment-status').textContent()).resolves.toBe(
          ui.experiments.run.statusValue['rest-sent'],
        );
        await expect(card.getByTestId('experiment-winner').textContent()).resolves.toContain(
          'B · Скидка в теме',
        );
        await expect(card.getByTestId('experiment-rest').textContent()).resolves.toContain(
          formatNumber(api.restCount!, locale),
        );
        const rows = card.getByTestId('experiment-variants').locator('tr.ant-table-row');
        await expect(settled(() => rows.count(), 2)).resolves.toBe(2);
        for (const [i, v] of api.variants.entries()) {
          const cells = await rows.nth(i).locator('td').allTextContents();
          expect(cells[0]).toContain(`${v.key} ${v.name}`);
          expect(cells.slice(2, 5)).toEqual(
            [v.assigned, v.reached, v.clicked].map((n) => formatNumber(n, locale)),
          );
        }
        await c.expectAccessible(p, `experiments-run-${locale}-${viewport.width}`);
      }
    });

    it(`${locale}: the campaign page shows the test, and a test is set up in its form`, async () => {
      const ui = TEXTS[locale].experiments;
      const p = await signedIn(locale);
      await p.goto(`${base}/console/campaigns/${testedCampaignId}`);
      const card = p.getByTestId('campaign-experiment');
      await card.waitFor();
      await expect(card.getByTestId('experiment-summary').textContent()).resolves.toBe(
        fill(ui.summaryTest, { share: formatNumber(50, locale), hours: formatNumber(4, locale) }),
      );
      const listed = card.getByTestId('experiment-variant-list').locator('tr.ant-table-row');
      await expect(settled(() => listed.count(), 2)).resolves.toBe(2);
      await c.expectAccessible(p, `experiments-campaign-${locale}-1280`);

      // A campaign without a test: set one up.
      const other = await createCampaign(t.dataSource, {
        name: `Осенняя рассылка ${locale}`,
        status: CampaignStatus.Paused,
        channels: [Channel.Email],
        templates: { email: 'monthly-broadcast' },
      });
      const q = await signedIn(locale, NARROW);
      await q.goto(`${base}/console/campaigns/${other.id}`);
      await expectHeading(q, other.name);
      const section = q.getByTestId('campaign-experiment');
      await section.getByText(ui.none).waitFor();
      await section.getByRole('button', { name: ui.define }).click();
      const form = q.getByTestId('experiment-form');
      await form.waitFor();
      const names = form.getByLabel(ui.name, { exact: true });
      await names.nth(0).fill('Контроль');
      await names.nth(1).fill('Короткая тема');
      await form.getByLabel(ui.subjectRu, { exact: true }).nth(1).fill('Только сегодня');
      await c.expectAccessible(q, `experiments-form-${locale}-768`);
      const saved = q.waitForResponse(
        (r) => r.url().endsWith(`/campaigns/${other.id}/experiment`) && r.request().method() === 'PUT',
      );
      await form.getByRole('button', { name: ui.save }).click();
      expect((await saved).status()).toBe(200);
      const api = await c.api<ExperimentBody>(`/api/v1/campaigns/${other.id}/experiment`);
      expect(api).toMatchObject({ testShare: 0.2, windowHours: 24 });
      expect(api.variants.map((v) => [v.key, v.name, v.share, v.subjectRu])).toEqual([
        ['A', 'Контроль', 0.5, null],
        ['B', 'Короткая тема', 0.5, 'Только сегодня'],
      ]);
      const rows = section.getByTestId('experiment-variant-list').locator('tr.ant-table-row');
      await expect(settled(() => rows.count(), 2)).resolves.toBe(2);
      await expect(rows.nth(1).locator('td').nth(1).textContent()).resolves.toBe('Короткая тема');
      await c.expectAccessible(q, `experiments-campaign-${locale}-768`);
    });
  }
});
