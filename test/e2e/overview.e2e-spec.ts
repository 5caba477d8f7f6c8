import { DateTime } from 'luxon';
import { CampaignKind } from '@touchbase/campaigns';
import { Channel, StaffRole } from '@touchbase/core';
import { DeliveryReason, DeliveryStatus, RunStatus } from '@touchbase/runs';
import { createCampaign } from '../factories/campaign.factory';
import { createClient, daysAgo } from '../factories/client.factory';
import { createDelivery } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { createStaffWithKey, setStaffPassword, TEST_PASSWORD } from '../factories/staff.factory';
import { signIn } from '../support/console-session';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

describe('GET /overview: the console overview answers what the report endpoints answer', () => {
  let t: TestApp;
  const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };
  const zone = 'Europe/Moscow';
  let dispatchingRunId: string;
  let upcomingCampaignId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const now = new Date();
    const { staff: owner } = await createStaffWithKey(t.dataSource, StaffRole.SalesOps);
    const clients = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        createClient(t.dataSource, { ownerId: owner.id, vipFlag: i === 0 }),
      ),
    );
    // The VIP has been quiet for 200 days: it is cooling.
    await t.dataSource.query(`UPDATE clients SET created_at = $2 WHERE id = $1`, [
      clients[0].id,
      daysAgo(200),
    ]);

    const campaign = await createCampaign(t.dataSource, { channels: [Channel.Sms, Channel.Email] });
    const run = await createRun(t.dataSource, campaign, daysAgo(0.01), 'overview-1', RunStatus.Dispatching);
    await t.dataSource.query(`UPDATE runs SET planned_at = now() - interval '5 minutes' WHERE id = $1`, [
      run.id,
    ]);
    dispatchingRunId = run.id;
    const recent = new Date(now.getTime() - 60_000);
    await createDelivery(t.dataSource, run, clients[1].id, {
      channel: Channel.Sms,
      status: DeliveryStatus.Sent,
      scheduledAt: recent,
      sentAt: recent,
    });
    await createDelivery(t.dataSource, run, clients[2].id, {
      channel: Channel.Email,
      status: DeliveryStatus.Delivered,
      scheduledAt: recent,
      sentAt: recent,
    });
    await createDelivery(t.dataSource, run, clients[3].id, { channel: Channel.Email, scheduledAt: recent });
    await createDelivery(t.dataSource, run, clients[4].id, {
      channel: null,
      status: DeliveryStatus.Suppressed,
      reason: DeliveryReason.FrequencyCap,
      scheduledAt: recent,
    });
    await createDelivery(t.dataSource, run, clients[5].id, {
      channel: Channel.Email,
      status: DeliveryStatus.Failed,
      scheduledAt: recent,
    });
    // Yesterday's sending is not today's.
    const old = await createRun(t.dataSource, campaign, daysAgo(2), 'overview-0', RunStatus.Completed);
    await createDelivery(t.dataSource, old, clients[1].id, {
      channel: Channel.Email,
      status: DeliveryStatus.Sent,
      scheduledAt: daysAgo(2),
      sentAt: daysAgo(2),
    });

    // The CEO letter of this quarter reached one client.
    const quarter = `${DateTime.now().setZone(zone).year}-Q${DateTime.now().setZone(zone).quarter}`;
    const ceo = await createCampaign(t.dataSource, {
      kind: CampaignKind.CeoLetter,
      channels: [Channel.Letter],
      schedule: { type: 'once', at: daysAgo(3).toISOString() },
    });
    const ceoRun = await createRun(t.dataSource, ceo, daysAgo(3), quarter, RunStatus.Completed);
    await createDelivery(t.dataSource, ceoRun, clients[2].id, {
      channel: Channel.Letter,
      status: DeliveryStatus.Sent,
      scheduledAt: daysAgo(3),
      sentAt: daysAgo(3),
    });

    const upcoming = await createCampaign(t.dataSource, {
      name: 'Новогодняя рассылка',
      channels: [Channel.Email],
      schedule: { type: 'once', at: new Date(now.getTime() + 2 * 86_400_000).toISOString() },
    });
    upcomingCampaignId = upcoming.id;

    // Call tasks: one due today (after local midnight), one overdue since yesterday.
    const midnight = DateTime.fromJSDate(now, { zone }).startOf('day');
    const callCampaign = await createCampaign(t.dataSource, { channels: [Channel.Call] });
    const callRun = await createRun(t.dataSource, callCampaign, daysAgo(1), 'calls-1', RunStatus.Dispatching);
    for (const [i, due] of [
      midnight.plus({ minutes: 1 }).toJSDate(),
      midnight.minus({ hours: 3 }).toJSDate(),
    ].entries()) {
      const deliveryId = await createDelivery(t.dataSource, callRun, clients[i].id, {
        channel: Channel.Call,
        status: DeliveryStatus.Sending,
        scheduledAt: due,
      });
      await t.dataSource.query(
        `INSERT INTO call_tasks (delivery_id, client_id, owner_id, campaign_id, due_at, status, script)
         VALUES ($1, $2, $3, $4, $5, 'open', 'Позвонить')`,
        [deliveryId, clients[i].id, owner.id, callCampaign.id, due],
      );
    }
  });
  afterAll(() => t.close());

  it('counts runs in flight, sent today, suppressions, CEO-letter coverage, cooling VIPs and calls due', async () => {
    const overview = (await t.http().get('/api/v1/overview').set(admin).expect(200)).body;

    const run = overview.runsInFlight.find((r: { id: string }) => r.id === dispatchingRunId);
    expect(run).toMatchObject({
      channel: 'sms',
      channels: ['sms', 'email'],
      status: 'dispatching',
      total: 5,
      done: 4,
      sent: 2,
      suppressed: 1,
      failed: 1,
      startedAt: expect.any(String),
    });
    const fromRuns = (await t.http().get(`/api/v1/runs/${dispatchingRunId}`).set(admin).expect(200)).body;
    expect(run.campaignName).toBe(fromRuns.campaignName);
    expect(run.total).toBe(
      Object.values(fromRuns.stats.byStatus as Record<string, number>).reduce((a, b) => a + b, 0),
    );
    expect(run.sent).toBe((fromRuns.stats.byStatus.sent ?? 0) + (fromRuns.stats.byStatus.delivered ?? 0));

    expect(overview.sentToday).toEqual({ email: 1, sms: 1, call: 0, letter: 0 });

    const suppressions = (await t.http().get('/api/v1/reports/suppressions').set(admin).expect(200)).body;
    expect(overview.suppressions30d).toEqual(
      suppressions.tables.byReason.map((r: { reason: string; deliveries: number }) => ({
        reason: r.reason,
        count: r.deliveries,
      })),
    );
    expect(overview.suppressions30d).toEqual([{ reason: 'frequency-cap', count: 1 }]);

    const quarter = overview.ceoLetterCoverage.quarter;
    expect(quarter).toMatch(/^\d{4}-Q[1-4]$/);
    const coverage = (await t.http().get(`/api/v1/reports/coverage?period=${quarter}`).set(admin).expect(200))
      .body;
    const [ceoRow] = coverage.tables.ceoLetter;
    expect(overview.ceoLetterCoverage).toEqual({
      quarter,
      eligible: ceoRow.base,
      reached: ceoRow.reached,
      percent: Math.round(ceoRow.share * 1e4) / 100,
    });
    expect(overview.ceoLetterCoverage).toMatchObject({ eligible: 6, reached: 1, percent: 16.67 });

    const cooling = (await t.http().get('/api/v1/reports/vip-cooling').set(admin).expect(200)).body;
    expect(overview.vipsCooling).toEqual({ count: cooling.summary.clients });
    expect(overview.vipsCooling.count).toBe(1);

    const today = (await t.http().get('/api/v1/call-tasks?due=today&status=open').set(admin).expect(200))
      .body;
    const overdue = (await t.http().get('/api/v1/call-tasks/overdue').set(admin).expect(200)).body;
    expect(overview.callsDueToday).toEqual({ count: today.items.length, overdue: overdue.items.length });
    expect(overview.callsDueToday).toEqual({ count: 1, overdue: 2 });
  });

  it('lists the next 7 days’ occurrences as the calendar does', async () => {
    const overview = (await t.http().get('/api/v1/overview').set(admin).expect(200)).body;
    const item = overview.upcoming.find((u: { campaignId: string }) => u.campaignId === upcomingCampaignId);
    expect(item).toMatchObject({
      campaignName: 'Новогодняя рассылка',
      channel: 'email',
      kind: 'broadcast',
      campaignStatus: 'active',
      date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    const calendar = (
      await t.http().get(`/api/v1/calendar?campaignId=${upcomingCampaignId}`).set(admin).expect(200)
    ).body;
    expect(item.occurrenceAt).toBe(calendar.items[0].occurrenceAt);
    expect(item.date).toBe(calendar.items[0].localTime.slice(0, 10));
  });

  it('answers a session as it answers an API key, for any role; needs authentication', async () => {
    const { staff, key } = await createStaffWithKey(t.dataSource, StaffRole.Marketer);
    await setStaffPassword(t.dataSource, staff.id);
    const s = await signIn(t, staff.email, TEST_PASSWORD);
    const byKey = (await t.http().get('/api/v1/overview').set('Authorization', `Bearer ${key}`).expect(200))
      .body;
    const bySession = (await t.http().get('/api/v1/overview').set('Cookie', s.cookie).expect(200)).body;
    expect({ ...bySession, generatedAt: null }).toEqual({ ...byKey, generatedAt: null });
    await t.http().get('/api/v1/overview').expect(401);
  });
});
