import { CampaignStatus } from '@touchbase/campaigns';
import type { Client } from '@touchbase/clients';
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
  formatNumber,
  flowLocales,
  TEXTS,
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console engagement browser tests') ? describe : describe.skip;
jest.setTimeout(300_000);

const squash = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

interface Engagement {
  reached: number;
  tracked: number;
  clicked: number;
  clicks: number;
  clickRate: number | null;
  opened: number;
  machineOpens: number;
  byChannel: { channel: string }[];
}

describeWithBrowser("Console: a run's engagement in a real browser (Chromium)", () => {
  const c = new ConsoleBrowser();
  let t: TestApp;
  let base: string;
  let marketer: ConsoleMember;
  let runId: string;
  let campaignName: string;

  beforeAll(async () => {
    await c.start();
    ({ t, base } = c);
    marketer = await c.member(StaffRole.Marketer, 'Ольга Маркетова');
    campaignName = 'Декабрьские новости';
    const campaign = await createCampaign(t.dataSource, {
      name: campaignName,
      status: CampaignStatus.Paused,
      channels: [Channel.Email, Channel.Sms],
    });
    const run = await createRun(t.dataSource, campaign, new Date());
    runId = run.id;
    // Five sent messages: two emails clicked (3 clicks), one opened by a person and one by a scanner,
    // an SMS clicked once, and an SMS whose client turned click tracking off.
    const links: [Channel, number, number, number, boolean][] = [
      [Channel.Email, 2, 1, 0, true],
      [Channel.Email, 1, 0, 1, true],
      [Channel.Email, 0, 0, 0, true],
      [Channel.Sms, 1, 0, 0, true],
      [Channel.Sms, 0, 0, 0, false],
    ];
    let i = 0;
    for (const [channel, clicks, opens, machineOpens, tracked] of links) {
      const client: Client = await createClient(t.dataSource, { name: `Клиент ${++i}` });
      const id = await createDelivery(t.dataSource, run, client.id, {
        channel,
        status: 'sent',
        sentAt: new Date(),
      });
      await t.dataSource.query(
        `INSERT INTO delivery_links (key, delivery_id, targets, clicks, opens, machine_opens, tracked)
         VALUES ($1, $2, ARRAY['https://shop.example/'], $3, $4, $5, $6)`,
        [`k${i}${Math.random().toString(36).slice(2, 10)}`, id, clicks, opens, machineOpens, tracked],
      );
    }
  });
  afterAll(() => c.close());

  for (const l of flowLocales()) {
    for (const width of [1280, 768]) {
      it(`the run page shows clicks and opens as the API counts them (${l}, ${width} px)`, async () => {
        const api = await c.api<Engagement>(`/api/v1/runs/${runId}/engagement`);
        expect(api).toMatchObject({
          reached: 5,
          tracked: 4,
          clicked: 3,
          clicks: 4,
          opened: 1,
          machineOpens: 1,
        });
        const ui = TEXTS[l].engagement.run;
        const { page: p } = await c.signedIn(marketer, l, { width, height: 1000 });
        await p.goto(`${base}/console/runs/${runId}`);
        await p.getByRole('heading', { level: 1 }).filter({ hasText: campaignName }).waitFor();
        const card = p.getByTestId('run-engagement');
        await card.waitFor();
        const value = async (key: string) =>
          squash(
            (await card.getByTestId(`engagement-${key}`).locator('.ant-statistic-content').textContent()) ??
              '',
          );
        const n = (x: number) => squash(formatNumber(x, l));
        expect(await value('reached')).toBe(n(api.reached));
        expect(await value('tracked')).toBe(n(api.tracked));
        expect(await value('clicked')).toBe(n(api.clicked));
        expect(await value('clicks')).toBe(n(api.clicks));
        expect(await value('opened')).toBe(n(api.opened));
        expect(await value('machineOpens')).toBe(n(api.machineOpens));
        expect(await value('clickRate')).toBe(
          squash(
            new Intl.NumberFormat(l, { style: 'percent', maximumFractionDigits: 1 }).format(api.clickRate!),
          ),
        );
        // Two channels: a row each.
        await expect(card.locator('tbody tr.ant-table-row').count()).resolves.toBe(api.byChannel.length);
        await card.getByText(ui.note).waitFor();
        await c.expectAccessible(p, `run-engagement-${l}-${width}`);
      });
    }
  }
});
