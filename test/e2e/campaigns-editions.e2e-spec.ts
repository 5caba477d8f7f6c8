import { CampaignStatus } from '@touchbase/campaigns';
import { StaffRole } from '@touchbase/core';
import { RunStatus } from '@touchbase/runs';
import { createCampaign } from '../factories/campaign.factory';
import { createRun } from '../factories/run.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TestApp } from '../support/test-app';
import { as, fieldsOf, resetCampaigns } from './campaigns-support';

describe('Editions API', () => {
  let t: TestApp;
  let marketer: string;
  let salesOps: string;

  const content = {
    subjectRu: 'Новости ноября',
    subjectEn: 'November news',
    blocks: [
      { type: 'heading', ru: 'Новый каталог', en: 'The new catalogue' },
      { type: 'paragraph', ru: 'Мы обновили каталог.' },
      { type: 'link', ru: 'Смотреть', en: 'Look', url: 'https://example.com/catalogue' },
      { type: 'image', url: 'https://example.com/cover.png', en: 'Cover' },
    ],
  };
  const url = (campaignId: string, key?: string) =>
    `/api/v1/campaigns/${campaignId}/editions${key === undefined ? '' : `/${encodeURIComponent(key)}`}`;
  const put = (campaignId: string, key: string, body: object, as_ = marketer) =>
    t.http().put(url(campaignId, key)).set(as(as_)).send(body);
  const monthly = () =>
    createCampaign(t.dataSource, {
      schedule: { type: 'monthly', day: 1, time: '10:00' },
      requiresEdition: true,
    });

  beforeAll(async () => {
    t = await createTestApp();
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
  });
  afterAll(() => t.close());
  beforeEach(() => resetCampaigns(t.dataSource));

  it('PUT creates (201) then replaces (200); GET one and the list, newest period first', async () => {
    const c = await monthly();
    const created = await put(c.id, '2026-11', content).expect(201);
    expect(created.body).toMatchObject({ campaignId: c.id, periodKey: '2026-11', ...content });
    const replaced = await put(c.id, '2026-11', {
      subjectRu: 'Исправлено',
      blocks: [{ type: 'paragraph', ru: 'Текст' }],
    }).expect(200);
    expect(replaced.body).toMatchObject({
      id: created.body.id,
      subjectRu: 'Исправлено',
      subjectEn: null,
      blocks: [{ type: 'paragraph', ru: 'Текст' }],
      createdAt: created.body.createdAt,
    });
    await put(c.id, '2026-12', content).expect(201);
    await put(c.id, '2027-01', content).expect(201);

    const one = await t.http().get(url(c.id, '2026-11')).set(as(salesOps)).expect(200);
    expect(one.body).toEqual(replaced.body);
    const page1 = await t
      .http()
      .get(`${url(c.id)}?limit=2`)
      .set(as(salesOps))
      .expect(200);
    expect(page1.body.items.map((e: { periodKey: string }) => e.periodKey)).toEqual(['2027-01', '2026-12']);
    const page2 = await t
      .http()
      .get(`${url(c.id)}?limit=2&cursor=${page1.body.nextCursor}`)
      .set(as(salesOps))
      .expect(200);
    expect(page2.body).toMatchObject({ items: [{ periodKey: '2026-11' }], nextCursor: null });
  });

  it('DELETE removes one; 404 for what does not exist', async () => {
    const c = await monthly();
    await put(c.id, '2026-11', content).expect(201);
    await t.http().delete(url(c.id, '2026-11')).set(as(marketer)).expect(204);
    await t.http().get(url(c.id, '2026-11')).set(as(marketer)).expect(404);
    await t.http().delete(url(c.id, '2026-11')).set(as(marketer)).expect(404);
    const unknown = '00000000-0000-4000-8000-000000000000';
    await t.http().get(url(unknown)).set(as(marketer)).expect(404);
    await put(unknown, '2026-11', content).expect(404);
  });

  it('the period key must be a period of the schedule', async () => {
    const m = await monthly();
    for (const key of ['2026-13', '2026-Q4', '2026-11-01T10:00', 'november']) {
      const res = await put(m.id, key, content).expect(400);
      expect(fieldsOf(res.body)).toEqual({ periodKey: expect.stringContaining('YYYY-MM') });
    }
    const q = await createCampaign(t.dataSource, { schedule: { type: 'quarterly', time: '10:00' } });
    await put(q.id, '2026-Q4', content).expect(201);
    await put(q.id, '2026-11', content).expect(400);
    const weekly = await createCampaign(t.dataSource, {
      schedule: { type: 'rrule', rrule: 'FREQ=WEEKLY;BYDAY=MO', dtstart: '2026-11-02T09:00' },
      timeZone: 'Europe/Moscow',
    });
    await put(weekly.id, '2026-11-09T09:00', content).expect(201);
    const wrongDay = await put(weekly.id, '2026-11-10T09:00', content).expect(400);
    expect(fieldsOf(wrongDay.body).periodKey).toContain('local time of an occurrence');
    const once = await createCampaign(t.dataSource, {
      schedule: { type: 'once', at: '2026-12-24T12:00' },
      timeZone: 'Europe/Moscow',
    });
    await put(once.id, '2026-12-24T12:00', content).expect(201);
    await put(once.id, '2026-12-24T13:00', content).expect(400);
  });

  it('validates blocks, naming each bad one', async () => {
    const c = await monthly();
    const problems = async (body: object) => fieldsOf((await put(c.id, '2026-11', body).expect(400)).body);
    expect(await problems({ blocks: [{ type: 'video', ru: 'x' }] })).toEqual({
      'blocks.0.type': expect.stringContaining('heading'),
    });
    expect(await problems({ blocks: [{ type: 'link', ru: 'Смотреть' }] })).toEqual({
      'blocks[0].url': 'a link block needs a url',
    });
    expect(await problems({ blocks: [{ type: 'image', url: 'javascript:alert(1)' }] })).toEqual({
      'blocks.0.url': expect.stringContaining('http(s)'),
    });
    expect(
      await problems({
        blocks: [
          { type: 'paragraph', ru: 'ok' },
          { type: 'heading', ru: '  ' },
        ],
      }),
    ).toEqual({
      'blocks[1]': expect.stringContaining('needs text'),
    });
    expect(await problems({ blocks: [{ type: 'paragraph', ru: 'x', colour: 'red' }] })).toEqual({
      'blocks.0.colour': expect.stringContaining('not an allowed field'),
    });
    expect(await problems({ blocks: [] })).toEqual({
      blocks: expect.stringContaining('subject or at least one block'),
    });
    expect(await problems({ subjectRu: 'x' })).toHaveProperty('blocks');
    expect(await problems({ subjectRu: 5, blocks: [] })).toHaveProperty('subjectRu');
    await t.http().get(url(c.id, '2026-11')).set(as(marketer)).expect(404);
  });

  it('an edition is fixed once its run has started, and kept while its run is planned', async () => {
    const c = await monthly();
    await put(c.id, '2026-11', content).expect(201);
    const run = await createRun(t.dataSource, c, new Date('2026-11-01T07:00:00Z'), '2026-11');
    // planned: it may still change, but not disappear
    await put(c.id, '2026-11', content).expect(200);
    const del = await t.http().delete(url(c.id, '2026-11')).set(as(marketer)).expect(409);
    expect(del.body.message).toContain('its run is planned');
    await t.dataSource.query(`UPDATE runs SET status = $2 WHERE id = $1`, [run.id, RunStatus.Dispatching]);
    const res = await put(c.id, '2026-11', content).expect(409);
    expect(res.body).toMatchObject({
      message: expect.stringContaining('dispatching'),
      details: { runId: run.id },
    });
    await t.dataSource.query(`UPDATE runs SET status = $2 WHERE id = $1`, [run.id, RunStatus.Missed]);
    await t.http().delete(url(c.id, '2026-11')).set(as(marketer)).expect(204);
  });

  it('archived campaigns take no editions; only marketers and admins write', async () => {
    const archived = await createCampaign(t.dataSource, {
      status: CampaignStatus.Archived,
      schedule: { type: 'monthly', day: 1, time: '10:00' },
    });
    await put(archived.id, '2026-11', content).expect(409);
    await t.http().get(url(archived.id)).set(as(salesOps)).expect(200);
    const c = await monthly();
    await put(c.id, '2026-11', content, salesOps).expect(403);
    await put(c.id, '2026-11', content).expect(201);
    await t.http().delete(url(c.id, '2026-11')).set(as(salesOps)).expect(403);
  });
});
