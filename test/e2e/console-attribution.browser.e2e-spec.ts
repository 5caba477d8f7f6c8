import { Channel, StaffRole } from '@touchbase/core';
import { DateTime } from 'luxon';
import { createCampaign } from '../factories/campaign.factory';
import { createClient, createPurchase } from '../factories/client.factory';
import { createDelivery } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import type { TestApp } from '../support/test-app';
import {
  browserAvailable,
  ConsoleBrowser,
  type ConsoleMember,
  expectHeading,
  formatNumber,
  flowLocales,
  settled,
  TEXTS,
  type UiLocale,
  type WatchedPage,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console attribution browser tests') ? describe : describe.skip;
jest.setTimeout(300_000);

type Row = Record<string, string | number | null>;
interface Report {
  summary: Record<string, number | string>;
  tables: Record<string, Row[]>;
}

const NARROW = { width: 768, height: 1000 };
const squash = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
const num = (v: number, l: UiLocale) => squash(formatNumber(v, l));
const share = (v: number, l: UiLocale) =>
  squash(new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 1 }).format(v));
const money = (v: number, l: UiLocale) =>
  squash(
    new Intl.NumberFormat(l, { style: 'currency', currency: 'RUB', maximumFractionDigits: 2 }).format(v),
  );
/** "7 дней", "30 days": the window's words, with the language's plural form. */
const windowWords = (days: number, l: UiLocale) => {
  const texts = TEXTS[l].attribution as unknown as Record<string, string>;
  return texts[`windowDays_${new Intl.PluralRules(l).select(days)}`].replace('{{count}}', String(days));
};

describeWithBrowser('Console: attribution in a real browser (Chromium)', () => {
  const c = new ConsoleBrowser();
  let t: TestApp;
  let base: string;
  let admin: ConsoleMember;
  let period: string;
  const campaigns: Record<string, string> = {};
  let alfaId = '';
  const api = <T>(url: string) => c.api<T>(url);

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
  const text = (p: WatchedPage, selector: string) =>
    p
      .locator(selector)
      .first()
      .textContent()
      .then((s) => squash(s ?? ''));

  /** The report's rows as the screen must show them. */
  const expected = (rows: Row[], by: 'campaign' | 'channel', l: UiLocale) =>
    rows.map((r) => [
      by === 'campaign'
        ? String(r.campaignName)
        : (TEXTS[l].channel as Record<string, string>)[String(r.channel)],
      num(Number(r.touched), l),
      num(Number(r.clicked), l),
      num(Number(r.purchasers), l),
      num(Number(r.purchases), l),
      money(Number(r.revenue), l),
      money(Number(r.revenuePerClient), l),
      share(Number(r.conversionRate), l),
    ]);

  /** Charts drawn (a lazy chunk), nothing loading; then a screenshot and axe-core. */
  const look = async (p: WatchedPage, l: UiLocale, name: string) => {
    const pending = () =>
      Promise.all([
        p.getByText(TEXTS[l].reports.chart.loading).count(),
        p.locator('.ant-spin-spinning').count(),
        p.locator('[data-chart]:not(:has(canvas))').count(),
      ]);
    await expect(settled(pending, [0, 0, 0])).resolves.toEqual([0, 0, 0]);
    await c.expectAccessible(p, name);
  };

  beforeAll(async () => {
    await c.start();
    ({ t, base } = c);
    admin = await c.member(StaffRole.Admin, 'Мария Админова');

    // Everything happens in the current month (workspace zone), at fractions of the time since its start.
    const zone = 'Europe/Moscow';
    const now = DateTime.now().setZone(zone);
    const start = now.startOf('month');
    period = start.toFormat('yyyy-MM');
    const span = now.toMillis() - start.toMillis();
    const at = (f: number) => new Date(start.toMillis() + Math.floor(span * f));

    const client = (name: string) => createClient(t.dataSource, { name });
    const alfa = await client('ООО «Альфа»');
    const beta = await client('ООО «Бета»');
    const vega = await client('ООО «Вега»');
    alfaId = alfa.id;
    const news = await createCampaign(t.dataSource, { name: 'Новости месяца' });
    const promo = await createCampaign(t.dataSource, { name: 'Акция недели', channels: [Channel.Sms] });
    const calls = await createCampaign(t.dataSource, { name: 'Звонки клиентам', channels: [Channel.Call] });
    Object.assign(campaigns, { news: news.id, promo: promo.id, calls: calls.id });
    const touch = async (
      campaign: { id: string },
      clientId: string,
      channel: Channel,
      when: Date,
      clicks = 0,
    ) => {
      const run = await createRun(t.dataSource, campaign, when, `${campaign.id}-${when.toISOString()}`);
      const id = await createDelivery(t.dataSource, run, clientId, {
        channel,
        status: 'sent',
        scheduledAt: when,
        sentAt: when,
      });
      if (clicks > 0)
        await t.dataSource.query(
          `INSERT INTO delivery_links (key, delivery_id, targets, clicks, first_clicked_at, last_clicked_at)
           VALUES ($1, $2, ARRAY['https://example.com/'], $3, $4, $4)`,
          [`attr${id}`, id, clicks, when],
        );
    };
    await touch(news, alfa.id, Channel.Email, at(0.1), 2);
    await touch(promo, alfa.id, Channel.Sms, at(0.3));
    await touch(calls, beta.id, Channel.Call, at(0.2));
    await touch(news, vega.id, Channel.Email, at(0.6));
    await createPurchase(t.dataSource, alfa.id, 1000, at(0.2)); // → Новости
    await createPurchase(t.dataSource, alfa.id, 1500, at(0.4)); // → Акция (the last touch)
    await createPurchase(t.dataSource, beta.id, 700.5, at(0.5)); // → Звонки
    await createPurchase(t.dataSource, vega.id, 300, at(0.05)); // before its touch: unattributed
  });

  afterAll(() => c.close());

  it.each(flowLocales())(
    'the attribution report shows the API numbers by campaign and by channel, with its CSV (%s)',
    async (l) => {
      const ui = TEXTS[l];
      const { page: p } = await c.signedIn(admin, l);
      await p.goto(`${base}/console/reports/attribution?period=${period}`);
      await expectHeading(p, ui.reports.title);
      await p.getByTestId('report-attribution').waitFor();
      const report = await api<Report>(`/api/v1/reports/attribution?period=${period}`);
      // The fixture, as the API reads it: three campaigns, 3200.5 credited, Вега's 300 not.
      expect(report.summary).toMatchObject({
        purchases: 4,
        attributedRevenue: 3200.5,
        unattributedPurchases: 1,
        unattributedRevenue: 300,
      });

      for (const [key, kind] of [
        ['purchases', 'int'],
        ['revenue', 'money'],
        ['attributedRevenue', 'money'],
        ['attributedShare', 'share'],
        ['unattributedPurchases', 'int'],
        ['unattributedRevenue', 'money'],
      ] as const) {
        const v = Number(report.summary[key]);
        const want = kind === 'money' ? money(v, l) : kind === 'share' ? share(v, l) : num(v, l);
        await expect(
          settled(() => text(p, `[data-testid="summary-${key}"] .ant-statistic-content`), want),
        ).resolves.toBe(want);
      }
      expect(await cells(p, 'table-attribution-byCampaign')).toEqual(
        expected(report.tables.byCampaign, 'campaign', l),
      );
      expect(report.tables.byCampaign.map((r) => r.campaignName)).toEqual([
        'Акция недели',
        'Новости месяца',
        'Звонки клиентам',
      ]);
      // The unattributed purchases and the totals under the table.
      expect(await text(p, '[data-testid="attribution-unattributed"]')).toBe(
        squash(`${ui.attribution.unattributed}${num(1, l)}${money(300, l)}`),
      );
      expect(await text(p, '[data-testid="attribution-total"]')).toBe(
        squash(`${ui.attribution.total}${num(4, l)}${money(3500.5, l)}`),
      );
      // The chart's text alternative names each campaign with its revenue.
      const label = await p.locator('[data-chart]').getAttribute('aria-label');
      for (const r of report.tables.byCampaign)
        expect(squash(label ?? '')).toContain(`${String(r.campaignName)} ${money(Number(r.revenue), l)}`);
      // Each campaign links to its page; the CSV is the API's.
      const links = await p
        .locator('[data-testid="table-attribution-byCampaign"] tbody a')
        .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(links).toEqual(
        report.tables.byCampaign.map((r) => `/console/campaigns/${String(r.campaignId)}`),
      );
      const csv = await p.getByTestId('csv-byCampaign').getAttribute('href');
      expect(csv).toBe(
        `/api/v1/reports/attribution?period=${period}&windowDays=30&format=csv&table=byCampaign`,
      );
      const download = await p.request.get(`${base}${csv}`);
      expect(download.status()).toBe(200);
      expect((await download.text()).split('\n')[1]).toBe(
        `${campaigns.promo},Акция недели,1,0,1,1,1500,1500,1`,
      );
      await look(p, l, `attribution-campaigns-${l}`);

      // By channel: every channel, the same numbers as the API.
      await p.getByText(ui.attribution.byChannel, { exact: true }).click();
      await p.getByTestId('table-attribution-byChannel').waitFor();
      expect(await cells(p, 'table-attribution-byChannel')).toEqual(
        expected(report.tables.byChannel, 'channel', l),
      );
      expect(await p.getByTestId('csv-byChannel').getAttribute('href')).toBe(
        `/api/v1/reports/attribution?period=${period}&windowDays=30&format=csv&table=byChannel`,
      );
      await look(p, l, `attribution-channels-${l}`);
    },
  );

  it.each(flowLocales())(
    'the window selector reads the report again for that window (%s, 768 px)',
    async (l) => {
      const ui = TEXTS[l];
      const { page: p } = await c.signedIn(admin, l, NARROW);
      await p.goto(`${base}/console/reports/attribution?period=${period}`);
      await expectHeading(p, ui.reports.title);
      await p.getByTestId('report-attribution').waitFor();
      await p.getByRole('combobox', { name: ui.attribution.window, exact: true }).click();
      await p
        .locator(
          `.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${windowWords(7, l)}"]`,
        )
        .click();
      await expect(
        settled(() => Promise.resolve(new URL(p.url()).searchParams.get('windowDays')), '7'),
      ).resolves.toBe('7');
      const report = await api<Report>(`/api/v1/reports/attribution?period=${period}&windowDays=7`);
      const want = expected(report.tables.byCampaign, 'campaign', l);
      await expect(settled(() => cells(p, 'table-attribution-byCampaign'), want)).resolves.toEqual(want);
      const unattributed = num(Number(report.summary.unattributedPurchases), l);
      await expect(
        settled(
          () => text(p, '[data-testid="summary-unattributedPurchases"] .ant-statistic-content'),
          unattributed,
        ),
      ).resolves.toBe(unattributed);
      await look(p, l, `attribution-window-${l}-768`);
    },
  );

  it.each(flowLocales())("the campaign page shows the campaign's attribution (%s)", async (l) => {
    const ui = TEXTS[l];
    for (const viewport of [undefined, NARROW]) {
      const { page: p } = await c.signedIn(admin, l, viewport);
      await p.goto(`${base}/console/campaigns/${campaigns.news}`);
      await p.getByTestId('campaign-attribution').waitFor();
      const report = await api<Report>(`/api/v1/reports/attribution?period=${period}`);
      const row = report.tables.byCampaign.find((r) => r.campaignId === campaigns.news)!;
      // Новости: Альфа and Вега touched, Альфа clicked and bought 1000.
      expect(row).toMatchObject({ touched: 2, clicked: 1, purchasers: 1, revenue: 1000 });
      for (const [key, kind] of [
        ['touched', 'int'],
        ['clicked', 'int'],
        ['purchasers', 'int'],
        ['purchases', 'int'],
        ['revenue', 'money'],
        ['revenuePerClient', 'money'],
        ['conversionRate', 'share'],
      ] as const) {
        const v = Number(row[key]);
        const want = kind === 'money' ? money(v, l) : kind === 'share' ? share(v, l) : num(v, l);
        await expect(
          settled(() => text(p, `[data-testid="campaign-attribution-${key}"] .ant-statistic-content`), want),
        ).resolves.toBe(want);
      }
      expect(await p.getByText(ui.attribution.card.open).getAttribute('href')).toBe(
        `/console/reports/attribution?period=${period}`,
      );
      await c.expectAccessible(p, `attribution-campaign-${l}-${viewport ? 768 : 1280}`);
    }
  });

  it.each(flowLocales())(
    "the client's page shows the touch each purchase was credited to (%s)",
    async (l) => {
      const ui = TEXTS[l];
      const { page: p } = await c.signedIn(admin, l);
      await p.goto(`${base}/console/clients/${alfaId}`);
      await p.getByTestId('client-attribution').waitFor();
      const answer = await api<{
        items: { amount: number; attributedTo: { campaignName: string; channel: string } | null }[];
      }>(`/api/v1/reports/attribution/clients/${alfaId}`);
      // Newest first: 1500 to Акция недели (SMS, the last touch), 1000 to Новости месяца (email).
      expect(answer.items.map((i) => [i.amount, i.attributedTo?.campaignName])).toEqual([
        [1500, 'Акция недели'],
        [1000, 'Новости месяца'],
      ]);
      const rows = await settled(
        () => cells(p, 'client-attribution').then((r) => r.length),
        answer.items.length,
      ).then(() => cells(p, 'client-attribution'));
      expect(rows.map((r) => r[1])).toEqual(answer.items.map((i) => money(i.amount, l)));
      rows.forEach((r, n) => {
        const touch = answer.items[n].attributedTo!;
        const channel = (ui.channel as Record<string, string>)[touch.channel];
        expect(r[3]).toContain(touch.campaignName);
        expect(r[3]).toContain(channel);
      });
      await c.expectAccessible(p, `attribution-client-${l}`);
    },
  );
});
