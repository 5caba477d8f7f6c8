import { Category, Stage } from '@touchbase/clients';
import { StaffRole } from '@touchbase/core';
import { DeliveryReason, DeliveryStatus, RunStatus } from '@touchbase/runs';
import { createCampaign } from '../factories/campaign.factory';
import { createClient, createPurchase, daysAgo } from '../factories/client.factory';
import { createDeliveries, createDelivery } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { createSegment } from '../factories/segment.factory';
import {
  browserAvailable,
  ConsoleBrowser,
  type ConsoleMember,
  settled,
  TEXTS,
  type UiLocale,
  type WatchedPage,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console tour') ? describe : describe.skip;
// Every screen the console links to, in both languages and at both widths: minutes on a busy machine.
jest.setTimeout(900_000);

/** A screen's route: ids and query strings stand for any (one visit per screen, not per record). */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const routeOf = (href: string) => new URL(href, 'http://x').pathname.replace(UUID, ':id').replace(/\/$/, '');

/** Two passes that together show every screen in ru and en and at 1280 and 768 px. */
const PASSES: { locale: UiLocale; widths: [number, number] }[] = [
  { locale: 'ru', widths: [1280, 768] },
  { locale: 'en', widths: [768, 1280] },
];

describeWithBrowser('Console tour: every screen in ru and en, at 1280 and 768 px (Chromium)', () => {
  const c = new ConsoleBrowser();
  let admin: ConsoleMember;

  beforeAll(async () => {
    await c.start();
    const { dataSource } = c.t;
    admin = await c.member(StaffRole.Admin, 'Мария Админова');
    const owner = await c.member(StaffRole.SalesOps, 'Анна Смирнова');
    const clients = [];
    for (const [i, category] of [Category.Vip, Category.A, Category.B, Category.C].entries()) {
      clients.push(
        await createClient(dataSource, {
          name: `ООО «Тур ${i + 1}»`,
          categoryOverride: category,
          stage: i % 2 ? Stage.Client : Stage.Prospect,
          ownerId: i === 0 ? owner.id : null,
          tags: ['dealer'],
        }),
      );
    }
    await createPurchase(dataSource, clients[0].id, 15000, daysAgo(10));
    await createSegment(dataSource, 'Все клиенты');
    const monthly = await createCampaign(dataSource, { name: 'Ежемесячная рассылка' });
    const run = await createRun(dataSource, monthly, daysAgo(2), 'tour', RunStatus.Completed);
    const ids = clients.map((cl) => cl.id);
    await createDeliveries(dataSource, run, ids.slice(0, 3), {
      status: DeliveryStatus.Sent,
      sentAt: daysAgo(2),
      scheduledAt: daysAgo(2),
    });
    await createDelivery(dataSource, run, ids[3], {
      status: DeliveryStatus.Suppressed,
      reason: DeliveryReason.FrequencyCap,
      scheduledAt: daysAgo(2),
    });
  });

  afterAll(() => c.close());

  /** The screen drawn: its one title, nothing loading, antd's motions finished. */
  const drawn = async (p: WatchedPage) => {
    await p.getByRole('heading', { level: 1 }).first().waitFor();
    const pending = () =>
      Promise.all([
        p.locator('.ant-spin-spinning, .ant-skeleton-active, [data-chart]:not(:has(canvas))').count(),
        p
          .locator('.ant-spin-container')
          .evaluateAll(
            (els) =>
              els.filter(
                (e) =>
                  (
                    globalThis as unknown as { getComputedStyle: (el: unknown) => { opacity: string } }
                  ).getComputedStyle(e).opacity !== '1',
              ).length,
          ),
      ]);
    await expect(settled(pending, [0, 0])).resolves.toEqual([0, 0]);
  };

  /** The console's own links on the screen (its menu, tabs, settings cards, rows of lists). */
  const links = (p: WatchedPage) =>
    p
      .locator('a[href^="/console/"]')
      .evaluateAll((as) =>
        as.map((a) => (a as unknown as { getAttribute: (n: string) => string }).getAttribute('href')),
      );

  it('finds every screen from the menu and shows each one in both languages and widths', async () => {
    // The screens: what the menu links to, and what those screens link to in turn (two steps).
    const { page: p } = await c.signedIn(admin, 'en', { width: 1280, height: 900 });
    const screens = new Map<string, string>(); // route → one address of it
    let frontier = ['/console/overview'];
    for (let depth = 0; depth < 3 && frontier.length > 0; depth += 1) {
      const next: string[] = [];
      for (const href of frontier) {
        const route = routeOf(href);
        if (screens.has(route) || route.startsWith('/console/sign-')) continue;
        screens.set(route, href);
        await p.goto(`${c.base}${href}`);
        await drawn(p);
        for (const link of await links(p)) if (!screens.has(routeOf(link))) next.push(link);
      }
      frontier = next;
    }
    const routes = [...screens.keys()].sort();
    // The menu's sections and the screens below them are all found (a lost link would hide a screen).
    for (const expected of [
      '/console/overview',
      '/console/clients',
      '/console/clients/:id',
      '/console/campaigns',
      '/console/campaigns/:id',
      '/console/segments',
      '/console/segments/:id',
      '/console/runs',
      '/console/runs/:id',
      '/console/reports/coverage',
      '/console/settings',
      '/console/settings/policy',
      '/console/settings/staff',
      '/console/settings/webhooks',
    ]) {
      expect(routes).toContain(expected);
    }

    const missing: string[] = [];
    for (const { locale, widths } of PASSES) {
      const ui = TEXTS[locale];
      for (const [i, route] of routes.entries()) {
        // Screens take turns at the two widths, so each is seen at both across the two passes.
        const width = widths[i % 2];
        const { page } = await c.signedIn(admin, locale, { width, height: 900 });
        await page.goto(`${c.base}${screens.get(route)}`);
        await drawn(page);
        // The language of the page is the person's, and the menu speaks it.
        await expect(page.locator('html').getAttribute('lang')).resolves.toBe(locale);
        await expect(page.getByRole('link', { name: ui.nav.overview, exact: true }).count()).resolves.toBe(1);
        // A text key shown instead of its text (a missing translation) reads like "reports.tab.x".
        // (Code — template variables, the editor's text — and addresses are not texts.)
        const body = (
          await page.locator('#main').evaluate((main) => {
            const copy = main.cloneNode(true) as typeof main;
            for (const code of copy.querySelectorAll('code, pre, .cm-editor')) code.replaceWith(' ');
            // Words of neighbouring elements stay apart.
            for (const el of copy.querySelectorAll('*')) el.append(' ');
            return copy.textContent ?? '';
          })
        ).replace(/\S+@\S+|https?:\/\/\S+/g, '');
        const keys = (body.match(/(?<![\w/.-])[a-z][a-zA-Z]+\.[a-z][a-zA-Z]+(\.[a-zA-Z]+)+\b/g) ?? []).filter(
          (key: string) => !/\.(md|txt|csv|pdf|html)$/.test(key),
        );
        if (keys.length > 0) missing.push(`${locale} ${route}: ${keys.join(', ')}`);
        await c.expectAccessible(page, `tour-${locale}-${width}${route.replace(/[/:]+/g, '-')}`);
        await page.context().close();
      }
    }
    expect(missing).toEqual([]);
  });
});
