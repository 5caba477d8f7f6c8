import { Campaign, CampaignStatus, currentPeriodKey } from '@touchbase/campaigns';
import { Channel, StaffRole } from '@touchbase/core';
import { PlannerService } from '@touchbase/planning';
import { createCampaign, createEdition } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TestApp } from '../support/test-app';
import { as, createTemplates, fieldsOf, resetCampaigns } from './campaigns-support';

describe('Run now (POST /api/v1/campaigns/:id/runs)', () => {
  let t: TestApp;
  let marketer: string;
  let marketerEmail: string;
  let salesOps: string;

  const ready = (overrides: Partial<Campaign> = {}) =>
    createCampaign(t.dataSource, {
      status: CampaignStatus.Active,
      activatedAt: new Date(),
      channels: [Channel.Email],
      templates: { email: 'run-now-news' },
      schedule: { type: 'monthly', day: 1, time: '10:00' },
      timeZone: 'Europe/Moscow',
      ...overrides,
    });
  const runNow = (id: string, body: object = {}, key = marketer) =>
    t.http().post(`/api/v1/campaigns/${id}/runs`).set(as(key)).send(body);
  const edition = (campaignId: string, key: string) =>
    createEdition(t.dataSource, { id: campaignId }, key, { subjectRu: 'Тема' });

  beforeAll(async () => {
    t = await createTestApp();
    const m = await createStaffWithKey(t.dataSource, StaffRole.Marketer);
    marketer = m.key;
    marketerEmail = m.staff.email;
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
    await createTemplates(t.dataSource, 'run-now-news', [Channel.Email]);
    for (let i = 0; i < 2; i++) await createClient(t.dataSource);
  });
  afterAll(() => t.close());
  beforeEach(() => resetCampaigns(t.dataSource));
  afterEach(() => jest.restoreAllMocks());

  it('creates a manual run named after the time and plans it at once', async () => {
    const c = await ready();
    const before = Date.now();
    const res = await runNow(c.id).expect(201);
    expect(res.body).toMatchObject({
      campaignId: c.id,
      trigger: 'manual',
      status: 'dispatching',
      editionPeriodKey: null,
      message: `run now by ${marketerEmail}`,
    });
    expect(res.body.periodKey).toBe(`manual-${res.body.occurrenceAt}`);
    expect(new Date(res.body.occurrenceAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(res.body.audience).toBeGreaterThanOrEqual(2);
    expect(res.body.stats.byStatus.queued).toBeGreaterThanOrEqual(2);
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM deliveries WHERE run_id = $1`, [
      res.body.id,
    ]);
    expect(n).toBe(res.body.audience);
    // Another one is another run.
    const again = await runNow(c.id).expect(201);
    expect(again.body.id).not.toBe(res.body.id);
  });

  it('works for a paused or draft campaign too, but not an archived one', async () => {
    await runNow((await ready({ name: 'paused', status: CampaignStatus.Paused })).id).expect(201);
    await runNow((await ready({ name: 'draft', status: CampaignStatus.Draft, activatedAt: null })).id).expect(
      201,
    );
    const archived = await runNow(
      (await ready({ name: 'archived', status: CampaignStatus.Archived })).id,
    ).expect(409);
    expect(archived.body.message).toContain('archived');
  });

  it('requires the edition of the current period when the campaign requires editions', async () => {
    const c = await ready({ requiresEdition: true });
    const missing = await runNow(c.id).expect(409);
    const current = currentPeriodKey(c.schedule, c.timeZone, new Date())!;
    expect(missing.body).toMatchObject({
      statusCode: 409,
      message: `edition missing: the campaign has no edition for ${current}`,
    });
    expect(await t.dataSource.query(`SELECT 1 FROM runs WHERE campaign_id = $1`, [c.id])).toEqual([]);

    await edition(c.id, current);
    const res = await runNow(c.id).expect(201);
    expect(res.body).toMatchObject({
      editionPeriodKey: current,
      message: `run now by ${marketerEmail}; edition ${current}`,
    });
  });

  it('sends the edition of the period given in the body', async () => {
    const c = await ready({ requiresEdition: true });
    await edition(c.id, '2026-11');
    const res = await runNow(c.id, { periodKey: '2026-11' }).expect(201);
    expect(res.body.editionPeriodKey).toBe('2026-11');
    // What dispatch reads to find the edition of a manual run.
    const [{ edition_key }] = await t.dataSource.query(`SELECT edition_key FROM runs WHERE id = $1`, [
      res.body.id,
    ]);
    expect(edition_key).toBe('2026-11');
    expect((await runNow(c.id, { periodKey: '2026-12' }).expect(409)).body.message).toContain(
      'edition missing',
    );
    const bad = await runNow(c.id, { periodKey: '2026-Q4' }).expect(400);
    expect(fieldsOf(bad.body)).toEqual({ periodKey: expect.any(String) });
    await runNow(c.id, { periodKey: 'x y' }).expect(400);
    await runNow(c.id, { other: 1 }).expect(400);
  });

  it('the campaign must be able to run: templates for every channel', async () => {
    const c = await ready({ channels: [Channel.Email, Channel.Sms] });
    const res = await runNow(c.id).expect(409);
    expect(fieldsOf(res.body)).toEqual({ 'templates.sms': 'no template is set for the sms channel' });
  });

  it('a planner failure leaves a failed run that says why', async () => {
    const c = await ready();
    jest.spyOn(t.app.get(PlannerService), 'plan').mockRejectedValueOnce(new Error('boom'));
    const res = await runNow(c.id).expect(201);
    expect(res.body).toMatchObject({ status: 'failed', message: 'planning failed: boom' });
  });

  it('only marketers and admins; 404 for an unknown campaign', async () => {
    const c = await ready();
    await runNow(c.id, {}, salesOps).expect(403);
    await runNow('00000000-0000-4000-8000-000000000000').expect(404);
    await runNow('nope').expect(400);
  });
});
