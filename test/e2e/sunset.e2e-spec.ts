import { Priority } from '@touchbase/campaigns';
import { StaffRole } from '@touchbase/core';
import { Frequency } from '@touchbase/preferences';
import { DEFAULT_FREQUENCY_POLICY, FrequencyPolicy, PlannerService } from '@touchbase/planning';
import { createCampaign } from '../factories/campaign.factory';
import { createRun } from '../factories/run.factory';
import { createTouch } from '../factories/delivery.factory';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { archiveAllClients, days, deliveriesOf, hours, planAt, setPolicy } from '../support/planning';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

const T = new Date('2026-12-01T09:00:00Z');
const at = (offsetDays: number) => new Date(T.getTime() + days(offsetDays));
// Clients who have not clicked, opened nor bought for 180 days are capped as "quarterly" (1 in 90 days).
const SUNSET: FrequencyPolicy = {
  ...DEFAULT_FREQUENCY_POLICY,
  sunset: { afterDays: 180, frequency: Frequency.Quarterly },
};

describe('Sunset policy: lower caps for clients who stopped engaging', () => {
  let t: TestApp;
  let marketer: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    t = await createTestApp();
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await archiveAllClients(t);
    await setPolicy(t.dataSource, SUNSET);
  });

  /** A client in touchbase since `sinceDays` before T, with one email touch `touchDaysAgo` before T. */
  async function client(sinceDays: number, touchDaysAgo: number | null, frequency = 'unlimited') {
    const c = await createClient(t.dataSource);
    await t.dataSource.query(`UPDATE clients SET created_at = $2 WHERE id = $1`, [c.id, at(-sinceDays)]);
    await t.dataSource.query(`UPDATE client_preferences SET frequency = $2 WHERE client_id = $1`, [
      c.id,
      frequency,
    ]);
    if (touchDaysAgo !== null) await createTouch(t.dataSource, c.id, at(-touchDaysAgo));
    return c.id;
  }
  const engaged = (clientId: string, column: 'last_click_at' | 'last_open_at', daysAgo: number) =>
    t.dataSource.query(
      `INSERT INTO client_engagement (client_id, ${column}) VALUES ($1, $2)
       ON CONFLICT (client_id) DO UPDATE SET ${column} = EXCLUDED.${column}`,
      [clientId, at(-daysAgo)],
    );

  it('caps a lapsed client at the sunset frequency; a click, an open, a purchase or being new keeps the usual caps', async () => {
    const lapsed = await client(400, 40);
    const clicked = await client(400, 40);
    await engaged(clicked, 'last_click_at', 10);
    const opened = await client(400, 40);
    await engaged(opened, 'last_open_at', 179);
    const openedLongAgo = await client(400, 40);
    await engaged(openedLongAgo, 'last_open_at', 181);
    const bought = await client(400, 40);
    await t.dataSource.query(`UPDATE clients SET last_purchase_at = $2 WHERE id = $1`, [bought, at(-30)]);
    const newcomer = await client(100, 40);
    const monthly = await client(400, 40, 'monthly');
    const untouched = await client(400, null);

    const rows = await planAt(t, await createCampaign(t.dataSource), T);
    const capped = { status: 'suppressed', reason: 'frequency-cap' };
    expect(rows.get(lapsed)).toMatchObject(capped);
    expect(rows.get(openedLongAgo)).toMatchObject(capped);
    // Their own "monthly" (1 in 30 days) would let it through; the sunset's 1 in 90 does not.
    expect(rows.get(monthly)).toMatchObject(capped);
    for (const id of [clicked, opened, bought, newcomer, untouched]) {
      expect(rows.get(id)).toMatchObject({ status: 'queued' });
    }

    // Without the policy the same lapsed clients are planned as before.
    await setPolicy(t.dataSource, DEFAULT_FREQUENCY_POLICY);
    await t.dataSource.query(`DELETE FROM deliveries WHERE client_id = ANY($1) AND status = 'queued'`, [
      [clicked, opened, bought, newcomer, untouched],
    ]);
    const off = await planAt(t, await createCampaign(t.dataSource), T);
    expect(off.get(lapsed)).toMatchObject({ status: 'queued' });
    expect(off.get(monthly)).toMatchObject({ status: 'queued' });
  });

  it('a stricter own preference stays: a quarterly client is not loosened by a monthly sunset', async () => {
    await setPolicy(t.dataSource, { ...SUNSET, sunset: { afterDays: 180, frequency: Frequency.Monthly } });
    const quarterly = await client(400, 60, 'quarterly');
    const weekly = await client(400, 20, 'weekly');
    const rows = await planAt(t, await createCampaign(t.dataSource), T);
    expect(rows.get(quarterly)).toMatchObject({ status: 'suppressed', reason: 'frequency-cap' });
    // weekly alone would allow it (20 days > 7), the monthly sunset does not (20 < 30).
    expect(rows.get(weekly)).toMatchObject({ status: 'suppressed', reason: 'frequency-cap' });
  });

  it('high priority defers a lapsed client past the sunset window; must-send displaces a queued touch in it', async () => {
    // High: the touch of 85 days ago leaves the 90-day window 5 days after T.
    const deferred = await client(400, 85);
    const high = await planAt(
      t,
      await createCampaign(t.dataSource, { priority: Priority.High, deadlineHours: 24 * 10 }),
      T,
    );
    const row = high.get(deferred)!;
    expect(row.status).toBe('queued');
    expect(row.scheduled_at.getTime()).toBeGreaterThanOrEqual(at(5).getTime());
    expect(row.scheduled_at.getTime()).toBeLessThan(at(5).getTime() + hours(1));

    // Must-send: a queued normal touch tomorrow fills the lapsed client's 1-in-90; it is displaced.
    await archiveAllClients(t);
    const crowded = await client(400, null);
    const queued = await createTouch(t.dataSource, crowded, at(1), { status: 'queued', priority: 0 });
    const campaign = await createCampaign(t.dataSource, { priority: Priority.MustSend, deadlineHours: 24 });
    const run = await createRun(t.dataSource, campaign, T);
    await t.app.get(PlannerService).plan(run.id, { now: T });
    expect((await deliveriesOf(t.dataSource, run.id)).get(crowded)).toMatchObject({ status: 'queued' });
    const [victim] = await t.dataSource.query(`SELECT status, reason FROM deliveries WHERE id = $1`, [
      queued,
    ]);
    expect(victim).toEqual({ status: 'cancelled', reason: 'displaced' });
  });

  it("explain names the sunset cap and the client's last engagement", async () => {
    const lapsed = await client(400, 40);
    await engaged(lapsed, 'last_click_at', 200);
    const campaign = await createCampaign(t.dataSource, { name: 'Декабрьская рассылка' });
    const run = await createRun(t.dataSource, campaign, T);
    await t.app.get(PlannerService).plan(run.id, { now: T });
    const res = await t.http().get(`/api/v1/runs/${run.id}/explain/${lapsed}`).set(as(marketer)).expect(200);
    expect(res.body.delivery).toMatchObject({ status: 'suppressed', reason: 'frequency-cap' });
    expect(res.body.caps).toEqual([
      expect.objectContaining({
        scope: 'sunset',
        frequency: 'quarterly',
        maxTouches: 1,
        windowDays: 90,
        engagedSince: at(-200).toISOString(),
      }),
    ]);
    expect(res.body.explanation).toContain('the sunset policy (quarterly: no engagement since');
    expect(res.body.explanation).toContain('already 1 touch within 90 days');
  });

  it('the policy API reads and writes the sunset, and rejects bad values naming them', async () => {
    await setPolicy(t.dataSource, DEFAULT_FREQUENCY_POLICY);
    const res = await t.http().get('/api/v1/frequency-policy').set(as(marketer)).expect(200);
    expect(res.body.sunset).toBeNull();
    const next = { ...res.body, sunset: { afterDays: 120, frequency: 'monthly' } };
    await t.http().put('/api/v1/frequency-policy').set(as(TEST_ADMIN_KEY)).send(next).expect(200);
    const after = await t.http().get('/api/v1/frequency-policy').set(as(marketer)).expect(200);
    expect(after.body.sunset).toEqual({ afterDays: 120, frequency: 'monthly' });

    const bad = await t
      .http()
      .put('/api/v1/frequency-policy')
      .set(as(TEST_ADMIN_KEY))
      .send({ ...next, sunset: { afterDays: 5, frequency: 'unlimited' } })
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'sunset.afterDays',
      'sunset.frequency',
    ]);
    // Left out (or null), the sunset is off.
    const { sunset: _sunset, ...withoutSunset } = next;
    await t.http().put('/api/v1/frequency-policy').set(as(TEST_ADMIN_KEY)).send(withoutSunset).expect(200);
    expect((await t.http().get('/api/v1/frequency-policy').set(as(marketer))).body.sunset).toBeNull();
  });
});
