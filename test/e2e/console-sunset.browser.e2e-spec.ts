import { CampaignStatus } from '@touchbase/campaigns';
import { Channel, StaffRole } from '@touchbase/core';
import { DEFAULT_FREQUENCY_POLICY, type FrequencyPolicy, PlannerService } from '@touchbase/planning';
import { Frequency } from '@touchbase/preferences';
import { createCampaign } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { createTouch } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { createSegment } from '../factories/segment.factory';
import { setPolicy } from '../support/planning';
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
} from './console-browser-support';

const describeWithBrowser = browserAvailable('console sunset browser tests') ? describe : describe.skip;
jest.setTimeout(300_000);

const DAY = 86_400_000;

describeWithBrowser('Console: the sunset policy in a real browser (Chromium)', () => {
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
    it(`an admin turns the sunset on and sets it; the API answers what was saved (${l})`, async () => {
      await setPolicy(t.dataSource, DEFAULT_FREQUENCY_POLICY);
      const ui = TEXTS[l].settingsAdmin.policy;
      const { page: p } = await c.signedIn(admin, l);
      await p.goto(`${base}/console/settings/policy`);
      await expectHeading(p, ui.title);
      const card = p.getByTestId('sunset');
      await card.getByText(ui.sunsetOff).waitFor();

      await card.getByRole('switch', { name: ui.sunsetEnabled }).click();
      const days = card.getByLabel(ui.sunsetAfterDays);
      await days.fill('10');
      await p.getByRole('button', { name: TEXTS[l].settingsAdmin.save }).click();
      await card.getByText(ui.sunsetAfterDaysRange).waitFor();
      expect((await c.api<FrequencyPolicy>('/api/v1/frequency-policy')).sunset).toBeNull();

      await days.fill('120');
      await card.getByLabel(ui.sunsetFrequency).click();
      await p
        .locator('.ant-select-dropdown:visible')
        .getByText(TEXTS[l].frequency.monthly, { exact: true })
        .click();
      await card
        .getByText(fill(ui.sunsetMeaning, { days: 120, frequency: TEXTS[l].frequency.monthly }))
        .waitFor();
      await c.expectAccessible(p, `settings-sunset-${l}-1280`);
      await p.getByRole('button', { name: TEXTS[l].settingsAdmin.save }).click();
      await p.getByText(TEXTS[l].settingsAdmin.saved).first().waitFor();
      const saved = await settled(
        () => c.api<FrequencyPolicy>('/api/v1/frequency-policy').then((x) => x.sunset),
        { afterDays: 120, frequency: Frequency.Monthly },
      );
      expect(saved).toEqual({ afterDays: 120, frequency: Frequency.Monthly });

      // A narrow screen shows the same card.
      const { page: narrow } = await c.signedIn(admin, l, { width: 768, height: 1024 });
      await narrow.goto(`${base}/console/settings/policy`);
      await narrow
        .getByTestId('sunset')
        .getByText(fill(ui.sunsetMeaning, { days: 120, frequency: TEXTS[l].frequency.monthly }))
        .waitFor();
      await c.expectAccessible(narrow, `settings-sunset-${l}-768`);
    });

    it(`a run's explanation shows the sunset cap with the last engagement date (${l})`, async () => {
      await setPolicy(t.dataSource, {
        ...DEFAULT_FREQUENCY_POLICY,
        sunset: { afterDays: 180, frequency: Frequency.Quarterly },
      });
      const tag = `sunset-${l}`;
      const client = await createClient(t.dataSource, { name: `Давно молчащий ${l}`, tags: [tag] });
      const now = Date.now();
      await t.dataSource.query(`UPDATE clients SET created_at = $2 WHERE id = $1`, [
        client.id,
        new Date(now - 400 * DAY),
      ]);
      const lastClick = new Date(now - 200 * DAY);
      await t.dataSource.query(`INSERT INTO client_engagement (client_id, last_click_at) VALUES ($1, $2)`, [
        client.id,
        lastClick,
      ]);
      await createTouch(t.dataSource, client.id, new Date(now - 40 * DAY));
      const campaign = await createCampaign(t.dataSource, {
        name: `Зимняя рассылка ${l}`,
        status: CampaignStatus.Paused,
        channels: [Channel.Email],
        segmentId: await createSegment(t.dataSource, tag, { field: 'tags', op: 'contains', value: tag }),
      });
      const run = await createRun(t.dataSource, campaign, new Date(now));
      await t.app.get(PlannerService).plan(run.id);
      const explained = await c.api<{ caps: { scope: string; engagedSince: string | null }[] }>(
        `/api/v1/runs/${run.id}/explain/${client.id}`,
      );
      expect(explained.caps.map((x) => [x.scope, x.engagedSince])).toEqual([
        ['sunset', lastClick.toISOString()],
      ]);

      const ui = TEXTS[l];
      const { page: p } = await c.signedIn(marketer, l);
      await p.goto(`${base}/console/runs/${run.id}`);
      const table = p.getByTestId('deliveries');
      await table
        .getByRole('button', { name: fill(ui.runs.deliveries.whyFor, { client: client.name }) })
        .click();
      const drawer = p.getByRole('dialog');
      const caps = drawer.getByTestId('explanation-caps');
      await caps.waitFor();
      const text = (await caps.textContent()) ?? '';
      const expected = fill(ui.runs.cap.sunset, {
        frequency: ui.frequency.quarterly,
        max: 1,
        days: 90,
        since: '',
      }).split(' — ')[0];
      expect(text).toContain(expected);
      expect(text).toContain(
        new Intl.DateTimeFormat(l, { day: '2-digit', month: '2-digit', year: 'numeric' }).format(lastClick),
      );
      await c.expectAccessible(p, `run-explain-sunset-${l}`);
    });
  }
});
