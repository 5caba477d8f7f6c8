import { CampaignStatus } from '@touchbase/campaigns';
import { Channel, StaffRole } from '@touchbase/core';
import { createCampaign } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { createDelivery } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import type { TestApp } from '../support/test-app';
import {
  browserAvailable,
  ConsoleBrowser,
  type ConsoleMember,
  expectHeading,
  fill,
  flowLocales,
  settled,
  TEXTS,
  type UiLocale,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console engagement settings browser tests')
  ? describe
  : describe.skip;
jest.setTimeout(300_000);

const WIDE = { width: 1280, height: 1000 };
const NARROW = { width: 768, height: 1024 };
const HOUR = 3_600_000;

interface Settings {
  clickTracking: boolean;
  openTracking: boolean;
  attributionWindowDays: number;
}

/** A text with i18next's plural suffix for `count` in that language. */
const plural = (texts: Record<string, string>, key: string, count: number, l: UiLocale, values = {}) =>
  fill(texts[`${key}_${new Intl.PluralRules(l).select(count)}`], { count, ...values });

describeWithBrowser("Console: engagement settings and a client's clicks and opens (Chromium)", () => {
  const c = new ConsoleBrowser();
  let t: TestApp;
  let base: string;
  let admin: ConsoleMember;
  let marketer: ConsoleMember;

  beforeAll(async () => {
    await c.start();
    ({ t, base } = c);
    admin = await c.member(StaffRole.Admin, 'Мария Админова');
    marketer = await c.member(StaffRole.Marketer, 'Ольга Маркетова');
  });
  afterAll(() => c.close());

  for (const l of flowLocales()) {
    it(`an admin turns click tracking off and sets the attribution window; a marketer only reads them (${l})`, async () => {
      await t.dataSource.query(`DELETE FROM workspace_settings WHERE key = 'engagement'`);
      const ui = TEXTS[l].engagementSettings;
      const { page: p } = await c.signedIn(admin, l, WIDE);
      await p.goto(`${base}/console/settings`);
      await expectHeading(p, TEXTS[l].settings.title);
      const card = p.getByTestId('engagement-settings');
      await card.getByRole('heading', { name: ui.title }).waitFor();
      const clicks = card.getByRole('switch', { name: ui.clickTracking });
      const opens = card.getByRole('switch', { name: ui.openTracking });
      expect(await clicks.getAttribute('aria-checked')).toBe('true');
      expect(await opens.getAttribute('aria-checked')).toBe('false');
      const days = card.getByLabel(ui.attributionWindow);
      expect(await days.inputValue()).toBe('30');
      await c.expectAccessible(p, `engagement-settings-${l}-1280`);

      // Out of range: the form says so, nothing is saved.
      await days.fill('400');
      await card.getByRole('button', { name: ui.save }).click();
      await card.getByText(ui.range).waitFor();
      expect((await c.api<Settings>('/api/v1/settings/engagement')).attributionWindowDays).toBe(30);

      await days.fill('45');
      await clicks.click();
      // Opens need click tracking: the switch is off with it.
      expect(await opens.isDisabled()).toBe(true);
      await card.getByRole('button', { name: ui.save }).click();
      await p.getByText(ui.saved).first().waitFor();
      expect(
        await settled(() => c.api<Settings>('/api/v1/settings/engagement'), {
          clickTracking: false,
          openTracking: false,
          attributionWindowDays: 45,
        }),
      ).toEqual({ clickTracking: false, openTracking: false, attributionWindowDays: 45 });

      // The attribution report reads the workspace's window.
      await p.goto(`${base}/console/reports/attribution`);
      const select = p.getByRole('combobox', { name: TEXTS[l].attribution.window, exact: true });
      await select.waitFor();
      await p
        .getByText(plural(TEXTS[l].attribution as unknown as Record<string, string>, 'windowDays', 45, l), {
          exact: true,
        })
        .first()
        .waitFor();

      // A marketer sees the same card, read-only, on a narrow screen.
      const { page: narrow } = await c.signedIn(marketer, l, NARROW);
      await narrow.goto(`${base}/console/settings`);
      const readOnly = narrow.getByTestId('engagement-settings');
      await readOnly.getByText(ui.readOnly).waitFor();
      expect(await readOnly.getByRole('switch', { name: ui.clickTracking }).isDisabled()).toBe(true);
      expect(await readOnly.getByRole('button', { name: ui.save }).count()).toBe(0);
      expect(await readOnly.getByLabel(ui.attributionWindow).inputValue()).toBe('45');
      await c.expectAccessible(narrow, `engagement-settings-${l}-768`);
      await t.dataSource.query(`DELETE FROM workspace_settings WHERE key = 'engagement'`);
    });

    it(`the client timeline shows each delivery's clicks and opens, the machines' apart (${l})`, async () => {
      const ui = TEXTS[l].engagement.timeline as unknown as Record<string, string>;
      const client = await createClient(t.dataSource, { name: `ООО «Отклик ${l}»` });
      const campaign = await createCampaign(t.dataSource, {
        name: `Ноябрьские новости ${l}`,
        status: CampaignStatus.Paused,
        channels: [Channel.Email],
      });
      const sentAt = new Date(Date.now() - 48 * HOUR);
      const clicked = await createDelivery(
        t.dataSource,
        await createRun(t.dataSource, campaign, sentAt),
        client.id,
        {
          channel: Channel.Email,
          status: 'sent',
          scheduledAt: sentAt,
          sentAt,
        },
      );
      const firstClick = new Date(sentAt.getTime() + 2 * HOUR);
      const lastClick = new Date(sentAt.getTime() + 26 * HOUR);
      await t.dataSource.query(
        `INSERT INTO delivery_links (key, delivery_id, targets, clicks, machine_clicks, first_clicked_at,
                                     last_clicked_at, opens, machine_opens, first_opened_at, last_opened_at)
         VALUES ($1, $2, ARRAY['https://shop.example/'], 2, 3, $3, $4, 1, 2, $3, $3)`,
        [`t${l}${Math.random().toString(36).slice(2, 9)}`, clicked, firstClick, lastClick],
      );
      const later = new Date(Date.now() - 2 * HOUR);
      const untracked = await createDelivery(
        t.dataSource,
        await createRun(t.dataSource, campaign, later, `later-${l}`),
        client.id,
        { channel: Channel.Email, status: 'sent', scheduledAt: later, sentAt: later },
      );
      await t.dataSource.query(
        `INSERT INTO delivery_links (key, delivery_id, targets, tracked) VALUES ($1, $2, ARRAY['https://shop.example/'], false)`,
        [`u${l}${Math.random().toString(36).slice(2, 9)}`, untracked],
      );
      const timeline = await c.api<{ items: { type: string; data: { engagement: unknown } }[] }>(
        `/api/v1/clients/${client.id}/timeline`,
      );
      expect(timeline.items.filter((e) => e.type === 'delivery').map((e) => e.data.engagement)).toEqual([
        expect.objectContaining({ tracked: false, clicks: 0 }),
        expect.objectContaining({ tracked: true, clicks: 2, machineClicks: 3, opens: 1, machineOpens: 2 }),
      ]);

      for (const viewport of [WIDE, NARROW]) {
        const { page: p } = await c.signedIn(marketer, l, viewport);
        await p.goto(`${base}/console/clients/${client.id}`);
        const list = p.getByTestId('client-timeline');
        await list.waitFor();
        const shown = list.getByTestId('delivery-engagement');
        await expect(shown.count()).resolves.toBe(2);
        // Newest first: the untracked one, then the clicked one.
        expect(await shown.nth(0).textContent()).toBe(ui.untracked);
        const text = (await shown.nth(1).textContent()) ?? '';
        expect(text).toContain(plural(ui, 'clicks', 2, l));
        expect(text).toContain(fill(ui.machineClicks, { count: 3 }));
        expect(text).toContain(fill(ui.machineOpens, { count: 2 }));
        expect(await shown.nth(1).getByTestId('delivery-opens').count()).toBe(1);
        await c.expectAccessible(p, `client-timeline-engagement-${l}-${viewport.width}`);
      }
    });
  }
});
