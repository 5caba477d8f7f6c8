import { Client } from 'pg';
import { Channel, StaffRole } from '@touchbase/core';
import { completeRunsIfDone, DeliveryStatus } from '@touchbase/runs';
import { DEFAULT_FREQUENCY_POLICY, PlannerService } from '@touchbase/planning';
import { createCampaign } from '../factories/campaign.factory';
import { createDelivery } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { days, setPolicy } from '../support/planning';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

const T = new Date('2026-12-01T09:00:00Z');

describe('Runs API, explain and the frequency policy', () => {
  let t: TestApp;
  let marketer: string;
  let salesOps: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    t = await createTestApp();
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
  });
  afterAll(() => t.close());

  it('lists runs, shows one with stats, pages its deliveries with filters', async () => {
    const a = await createClient(t.dataSource, { name: 'Альфа' });
    const b = await createClient(t.dataSource, { name: 'Бета' });
    await t.dataSource.query(`UPDATE client_preferences SET opted_out = true WHERE client_id = $1`, [b.id]);
    const campaign = await createCampaign(t.dataSource, { name: 'Новости декабря' });
    const run = await createRun(t.dataSource, campaign, T, '2026-12');
    await t.app.get(PlannerService).plan(run.id, { now: T });

    const list = await t
      .http()
      .get('/api/v1/runs')
      .query({ campaignId: campaign.id })
      .set(as(salesOps))
      .expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      id: run.id,
      campaignName: 'Новости декабря',
      periodKey: '2026-12',
      status: 'dispatching',
    });

    const one = await t.http().get(`/api/v1/runs/${run.id}`).set(as(marketer)).expect(200);
    expect(one.body.stats.byReason).toEqual({ 'opted-out': 1 });

    const suppressed = await t
      .http()
      .get(`/api/v1/runs/${run.id}/deliveries`)
      .query({ status: 'suppressed', reason: 'opted-out' })
      .set(as(marketer))
      .expect(200);
    expect(suppressed.body.items).toEqual([
      expect.objectContaining({ clientId: b.id, clientName: 'Бета', reason: 'opted-out' }),
    ]);
    const page1 = await t
      .http()
      .get(`/api/v1/runs/${run.id}/deliveries`)
      .query({ limit: 1 })
      .set(as(marketer))
      .expect(200);
    const page2 = await t
      .http()
      .get(`/api/v1/runs/${run.id}/deliveries`)
      .query({ limit: 1, cursor: page1.body.nextCursor })
      .set(as(marketer))
      .expect(200);
    expect([page1.body.items[0].clientId, page2.body.items[0].clientId].sort()).toEqual([a.id, b.id].sort());
    // A part of the client's name, in any case.
    const found = await t
      .http()
      .get(`/api/v1/runs/${run.id}/deliveries`)
      .query({ q: 'альф' })
      .set(as(marketer))
      .expect(200);
    expect(found.body.items.map((d: { clientId: string }) => d.clientId)).toEqual([a.id]);
    await t
      .http()
      .get(`/api/v1/runs/${run.id}/deliveries`)
      .query({ q: 'x'.repeat(201) })
      .set(as(marketer))
      .expect(400);
    await t
      .http()
      .get(`/api/v1/runs/${run.id}/deliveries`)
      .query({ reason: 'bogus' })
      .set(as(marketer))
      .expect(400);
  });

  it('explains in words why a client got nothing, naming the touches that filled the cap', async () => {
    await setPolicy(t.dataSource, DEFAULT_FREQUENCY_POLICY);
    const c = await createClient(t.dataSource);
    const nov = await createCampaign(t.dataSource, { name: 'November news' });
    const call = await createCampaign(t.dataSource, { name: 'Owner call', channels: [Channel.Call] });
    for (const [campaign, at] of [
      [nov, new Date(T.getTime() - days(4))],
      [call, new Date(T.getTime() - days(2))],
    ] as const) {
      const r = await createRun(t.dataSource, campaign, at);
      await createDelivery(t.dataSource, r, c.id, {
        channel: campaign.channels[0],
        status: DeliveryStatus.Sent,
        scheduledAt: at,
      });
    }
    const run = await createRun(
      t.dataSource,
      await createCampaign(t.dataSource, { name: 'December news' }),
      T,
    );
    await t.app.get(PlannerService).plan(run.id, { now: T });
    const res = await t.http().get(`/api/v1/runs/${run.id}/explain/${c.id}`).set(as(marketer)).expect(200);
    expect(res.body.delivery).toMatchObject({ status: 'suppressed', reason: 'frequency-cap' });
    expect(res.body.explanation).toMatch(/suppressed — already 2 touches within 7 days/);
    expect(res.body.explanation).toContain('"November news" (email) on 27 Nov 2026');
    expect(res.body.explanation).toContain('"Owner call" (call) on 29 Nov 2026');
    // The same facts for a reader in another language.
    expect(res.body).toMatchObject({ clientName: c.name, campaignName: 'December news', displacedBy: null });
    expect(res.body.caps[0]).toEqual({
      scope: 'workspace',
      channel: null,
      frequency: null,
      engagedSince: null,
      maxTouches: 2,
      windowDays: 7,
      touches: [
        expect.objectContaining({ campaign: 'November news', campaignId: nov.id, channel: 'email' }),
        expect.objectContaining({ campaign: 'Owner call', campaignId: call.id, channel: 'call' }),
      ],
    });

    const timeline = await t.http().get(`/api/v1/clients/${c.id}/timeline`).set(as(marketer)).expect(200);
    const deliveries = timeline.body.items.filter((i: { type: string }) => i.type === 'delivery');
    expect(
      deliveries.map((d: { data: { campaign: string; status: string; reason: string | null } }) => d.data),
    ).toEqual([
      expect.objectContaining({ campaign: 'December news', status: 'suppressed', reason: 'frequency-cap' }),
      expect.objectContaining({ campaign: 'Owner call', status: 'sent', channel: 'call' }),
      expect.objectContaining({ campaign: 'November news', status: 'sent', channel: 'email' }),
    ]);
  });

  it('explains opt-outs with the date and source, and clients outside the audience', async () => {
    const c = await createClient(t.dataSource);
    const gone = await createClient(t.dataSource, { archivedAt: new Date('2026-11-01T10:00:00Z') });
    await t
      .http()
      .put(`/api/v1/clients/${c.id}/preferences`)
      .set(as(TEST_ADMIN_KEY))
      .send({ optedOut: true })
      .expect(200);
    const run = await createRun(t.dataSource, await createCampaign(t.dataSource), T);
    await t.app.get(PlannerService).plan(run.id, { now: T });
    const res = await t.http().get(`/api/v1/runs/${run.id}/explain/${c.id}`).set(as(marketer)).expect(200);
    expect(res.body.explanation).toMatch(/unsubscribed from everything on .* \(admin-api\)/);
    const out = await t.http().get(`/api/v1/runs/${run.id}/explain/${gone.id}`).set(as(marketer)).expect(200);
    expect(out.body).toMatchObject({ delivery: null });
    expect(out.body.explanation).toMatch(/not in the audience — the client was archived/);
  });

  it('cancels a run (marketer), freeing its queued deliveries; a completed run cannot be cancelled', async () => {
    await createClient(t.dataSource);
    const run = await createRun(t.dataSource, await createCampaign(t.dataSource), T);
    await t.app.get(PlannerService).plan(run.id, { now: T });
    await t.http().post(`/api/v1/runs/${run.id}/cancel`).set(as(salesOps)).expect(403);
    const res = await t.http().post(`/api/v1/runs/${run.id}/cancel`).set(as(marketer)).expect(200);
    expect(res.body.status).toBe('cancelled');
    const [left] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM deliveries WHERE run_id = $1 AND status = 'queued'`,
      [run.id],
    );
    expect(left.n).toBe(0);
    const again = await t.http().post(`/api/v1/runs/${run.id}/cancel`).set(as(marketer)).expect(409);
    expect(again.body.message).toContain('cancelled run cannot be cancelled');
  });

  it('frequency policy: anyone reads, admin writes, bad values are 400', async () => {
    const res = await t.http().get('/api/v1/frequency-policy').set(as(marketer)).expect(200);
    expect(res.body.overall).toEqual([
      { maxTouches: 2, windowDays: 7 },
      { maxTouches: 4, windowDays: 30 },
    ]);
    const next = { ...res.body, overall: [{ maxTouches: 3, windowDays: 7 }] };
    await t.http().put('/api/v1/frequency-policy').set(as(marketer)).send(next).expect(403);
    await t.http().put('/api/v1/frequency-policy').set(as(TEST_ADMIN_KEY)).send(next).expect(200);
    const after = await t.http().get('/api/v1/frequency-policy').set(as(marketer)).expect(200);
    expect(after.body.overall).toEqual([{ maxTouches: 3, windowDays: 7 }]);
    const bad = await t
      .http()
      .put('/api/v1/frequency-policy')
      .set(as(TEST_ADMIN_KEY))
      .send({
        ...next,
        overall: [{ maxTouches: 0, windowDays: 7 }],
        sendingWindows: {
          ...next.sendingWindows,
          sms: { start: '9am', end: '21:00', businessDaysOnly: false },
        },
      })
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'overall.0.maxTouches',
      'sendingWindows.sms.start',
    ]);
    await setPolicy(t.dataSource, DEFAULT_FREQUENCY_POLICY);
  });

  it('answers 404 for an unknown run', async () => {
    await t.http().get('/api/v1/runs/00000000-0000-4000-8000-000000000000').set(as(marketer)).expect(404);
  });

  it('a run whose last outcome is recorded while the planner sets its status ends completed', async () => {
    const client = await createClient(t.dataSource);
    const campaign = await createCampaign(t.dataSource, { channels: [Channel.Email] });
    const run = await createRun(t.dataSource, campaign, T, 'race');
    await t.dataSource.query(`UPDATE runs SET status = 'planning' WHERE id = $1`, [run.id]);
    await createDelivery(t.dataSource, run, client.id, { status: DeliveryStatus.Sending, scheduledAt: T });
    // The planner, as it finishes: holds the run's row lock, saw the delivery still sending.
    const planner = new Client({ connectionString: t.db.url });
    await planner.connect();
    await planner.query('BEGIN');
    await planner.query(`SELECT 1 FROM runs WHERE id = $1 FOR UPDATE`, [run.id]);
    await planner.query(`UPDATE runs SET status = 'dispatching' WHERE id = $1`, [run.id]);
    // Meanwhile a dispatcher records the last outcome and completes what has nothing left.
    await t.dataSource.query(`UPDATE deliveries SET status = 'sent' WHERE run_id = $1`, [run.id]);
    const completing = t.dataSource.transaction((m) => completeRunsIfDone(m, [run.id]));
    await new Promise((r) => setTimeout(r, 200));
    await planner.query('COMMIT');
    await planner.end();
    await completing;
    const [after] = await t.dataSource.query(`SELECT status, completed_at FROM runs WHERE id = $1`, [run.id]);
    expect(after.status).toBe('completed');
    expect(after.completed_at).not.toBeNull();
  });
});
