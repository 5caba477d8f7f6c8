import { CampaignStatus } from '@touchbase/campaigns';
import { Channel, StaffRole } from '@touchbase/core';
import { PlannerService } from '@touchbase/planning';
import { createCampaign } from '../factories/campaign.factory';
import { createRun } from '../factories/run.factory';
import { createTemplates } from './campaigns-support';
import type { TestApp } from '../support/test-app';
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

const describeWithBrowser = browserAvailable('console holdout browser tests') ? describe : describe.skip;
// A real browser on a shared machine: each test signs in, renders and runs axe-core.
jest.setTimeout(300_000);

/** Text as the screen shows it, spaces of every kind made one. */
const squash = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
const num = (v: number, l: UiLocale) => squash(formatNumber(v, l));
const WIDTHS = [1280, 768];

interface Report {
  summary: Record<string, string | number | null>;
  tables: { groups: { group: string; clients: number; purchasers: number }[] };
}

describeWithBrowser('Console holdout groups in a real browser (Chromium)', () => {
  const c = new ConsoleBrowser();
  let t: TestApp;
  let base: string;
  let admin: ConsoleMember;
  let marketer: ConsoleMember;
  let campaignId: string;

  const cells = (p: WatchedPage, testId: string) =>
    p
      .locator(`[data-testid="${testId}"] tbody tr.ant-table-row`)
      .evaluateAll((rows) =>
        rows.map((r) =>
          Array.from(r.querySelectorAll('td'), (td: { textContent: string | null }) =>
            (td.textContent ?? '').trim(),
          ),
        ),
      )
      .then((rows) => rows.map((r) => r.map(squash)));

  beforeAll(async () => {
    await c.start();
    ({ t, base } = c);
    admin = await c.member(StaffRole.Admin, 'Мария Админова');
    marketer = await c.member(StaffRole.Marketer, 'Олег Маркетов');
    await t.dataSource.query(`UPDATE clients SET archived_at = now() WHERE archived_at IS NULL`);
    await t.dataSource.query(
      `INSERT INTO clients (external_ref, name, kind, email, locale, stage, stage_changed_at)
       SELECT 'HB-' || i, 'Клиент ' || i, 'company', 'hb' || i || '@example.ru', 'ru', 'potential', now()
         FROM generate_series(1, 240) i`,
    );
    await createTemplates(t.dataSource, 'holdout-news', [Channel.Email]);
    // A campaign that held out 30% a week ago; its queued letters went out and the touched bought more.
    const campaign = await createCampaign(t.dataSource, {
      name: 'Весенняя акция',
      status: CampaignStatus.Draft,
      holdoutShare: 0.3,
      schedule: { type: 'quarterly', time: '09:00' },
      templates: { email: 'holdout-news' },
    });
    campaignId = campaign.id;
    const at = new Date(Date.now() - 7 * 86_400_000);
    const run = await createRun(t.dataSource, campaign, at, '2026-Q4');
    await t.app.get(PlannerService).plan(run.id, { now: at });
    await t.dataSource.query(
      `UPDATE deliveries SET status = 'sent', sent_at = scheduled_at WHERE run_id = $1 AND status = 'queued'`,
      [run.id],
    );
    await t.dataSource.query(
      `INSERT INTO purchases (client_id, purchased_at, amount, currency)
       SELECT d.client_id, $2::timestamptz, CASE WHEN d.status = 'sent' THEN 100 + (n % 7) * 50 ELSE (n % 3) * 40 END, 'RUB'
         FROM (SELECT client_id, status, row_number() OVER (ORDER BY client_id) AS n FROM deliveries WHERE run_id = $1) d`,
      [run.id, new Date(at.getTime() + 86_400_000)],
    );
  });
  afterAll(() => c.close());

  it.each(flowLocales())(
    '%s: the campaign page shows the holdout result with the API’s numbers and verdict',
    async (locale: UiLocale) => {
      const ui = TEXTS[locale];
      const report = await c.api<Report>(`/api/v1/reports/holdout?campaignId=${campaignId}`);
      expect(report.summary.verdict).toBe('touched-more');
      for (const width of WIDTHS) {
        const { page: p } = await c.signedIn(marketer, locale, { width, height: 900 });
        await p.goto(`${base}/console/campaigns/${campaignId}`);
        await expectHeading(p, 'Весенняя акция');
        const card = p.getByTestId('holdout-result');
        await card.getByText(ui.holdouts.result.title).waitFor();
        const rows = await settled(() => cells(p, 'holdout-groups').then((r) => r.length), 2);
        expect(rows).toBe(2);
        const shown = await cells(p, 'holdout-groups');
        const [touched, held] = report.tables.groups;
        expect(shown.map((r) => r.slice(0, 3))).toEqual([
          [ui.holdouts.result.touched, num(touched.clients, locale), num(touched.purchasers, locale)],
          [ui.holdouts.result.heldOut, num(held.clients, locale), num(held.purchasers, locale)],
        ]);
        const verdict = squash((await p.getByTestId('holdout-verdict').textContent()) ?? '');
        expect(verdict.startsWith(squash(ui.holdouts.result.verdict['touched-more'].split(':')[0]))).toBe(
          true,
        );
        const money = (v: number) =>
          squash(
            new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v),
          );
        expect(verdict).toContain(`+${money(Number(report.summary.difference))}`);
        await c.expectAccessible(p, `holdouts-campaign-${locale}-${width}`);
      }
    },
  );

  it.each(flowLocales())('%s: the campaign wizard edits the holdout share', async (locale: UiLocale) => {
    const ui = TEXTS[locale];
    const cui = ui.campaigns;
    const { page: p } = await c.signedIn(marketer, locale, { width: 1280, height: 900 });
    await p.goto(`${base}/console/campaigns/${campaignId}/edit`);
    await expectHeading(p, fill(cui.form.editTitle, { name: 'Весенняя акция' }));
    await p.getByText(cui.form.stepTiming).click();
    const field = p.getByLabel(ui.holdouts.field.label, { exact: true });
    expect(await field.inputValue()).toBe('30.0');
    await field.fill('25');
    await c.expectAccessible(p, `holdouts-wizard-${locale}`);
    await p.getByRole('button', { name: ui.common.save }).click();
    await expectHeading(p, 'Весенняя акция');
    expect((await c.api<{ holdoutShare: number }>(`/api/v1/campaigns/${campaignId}`)).holdoutShare).toBe(
      0.25,
    );
    await t.dataSource.query(`UPDATE campaigns SET holdout_share = 0.3 WHERE id = $1`, [campaignId]);
  });

  it.each(flowLocales())(
    '%s: an admin sets the control group in settings; its members match the API',
    async (locale: UiLocale) => {
      const ui = TEXTS[locale];
      for (const width of WIDTHS) {
        const { page: p } = await c.signedIn(admin, locale, { width, height: 900 });
        await p.goto(`${base}/console/settings`);
        const card = p.getByTestId('control-group');
        await card.getByText(ui.holdouts.control.intro).waitFor();
        const share = card.getByLabel(ui.holdouts.control.share, { exact: true });
        await share.fill(width === 1280 ? '5' : '7');
        await card.getByRole('button', { name: ui.holdouts.control.save }).click();
        await p.getByText(ui.holdouts.control.saved).waitFor();
        const group = await c.api<{ share: number; members: number; clients: number }>(
          '/api/v1/control-group',
        );
        expect(group.share).toBe(width === 1280 ? 0.05 : 0.07);
        const members = await settled(
          async () => squash((await p.getByTestId('control-group-members').textContent()) ?? ''),
          squash(
            fill(ui.holdouts.control.members, {
              members: formatNumber(group.members, locale),
              clients: formatNumber(group.clients, locale),
            }),
          ),
        );
        expect(members).toBe(
          squash(
            fill(ui.holdouts.control.members, {
              members: formatNumber(group.members, locale),
              clients: formatNumber(group.clients, locale),
            }),
          ),
        );
        await card.getByText(ui.holdouts.result.controlTitle).waitFor();
        await c.expectAccessible(p, `holdouts-settings-${locale}-${width}`);
      }
      // A marketer sees it, read only.
      const { page: m } = await c.signedIn(marketer, locale, { width: 1280, height: 900 });
      await m.goto(`${base}/console/settings`);
      await m.getByTestId('control-group').getByText(ui.holdouts.control.readOnly).waitFor();
      expect(
        await m.getByTestId('control-group').getByRole('button', { name: ui.holdouts.control.save }).count(),
      ).toBe(0);
    },
  );

  it.each(flowLocales())(
    '%s: the reports show the holdouts tab, and the runs speak the new reasons',
    async (locale: UiLocale) => {
      const ui = TEXTS[locale];
      const { page: p } = await c.signedIn(marketer, locale, { width: 1280, height: 900 });
      await p.goto(`${base}/console/reports/holdout?campaign=${campaignId}`);
      await expectHeading(p, ui.reports.title);
      await p.getByTestId('holdout-result').getByText(ui.holdouts.result.title).waitFor();
      await settled(() => cells(p, 'holdout-groups').then((r) => r.length), 2);
      await c.expectAccessible(p, `holdouts-report-${locale}`);

      const [run] = await t.dataSource.query(`SELECT id FROM runs WHERE campaign_id = $1`, [campaignId]);
      await p.goto(`${base}/console/runs/${run.id}`);
      await p.getByText(ui.reason.holdout).first().waitFor();
      await c.expectAccessible(p, `holdouts-run-${locale}`);
    },
  );
});
