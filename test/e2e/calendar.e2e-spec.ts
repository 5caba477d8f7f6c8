import { Campaign, CampaignKind, CampaignStatus } from '@touchbase/campaigns';
import { StaffRole } from '@touchbase/core';
import { RunStatus } from '@touchbase/runs';
import { createCampaign, createEdition } from '../factories/campaign.factory';
import { createRun } from '../factories/run.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createSegment } from '../factories/segment.factory';
import { createTestApp, TestApp } from '../support/test-app';
import { as, fieldsOf, resetCampaigns } from './campaigns-support';

interface Item {
  campaignId: string;
  campaignName: string;
  periodKey: string;
  occurrenceAt: string;
  localTime: string;
  editionStatus: string;
  runId: string | null;
  runStatus: string | null;
}

describe('Calendar API', () => {
  let t: TestApp;
  let salesOps: string;
  let news: Campaign;
  let letter: Campaign;
  let segmentId: string;

  const calendar = (query: string, key = salesOps) => t.http().get(`/api/v1/calendar?${query}`).set(as(key));
  const Q4 = 'from=2026-10-01T00:00:00Z&to=2026-12-31T23:59:59Z';
  const short = (items: Item[]) => items.map((i) => `${i.campaignName} ${i.periodKey} ${i.occurrenceAt}`);

  beforeAll(async () => {
    t = await createTestApp();
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
  });
  afterAll(() => t.close());

  beforeEach(async () => {
    await resetCampaigns(t.dataSource);
    await t.dataSource.query(`DELETE FROM segments WHERE name = 'Клиенты Урала'`);
    segmentId = await createSegment(t.dataSource, 'Клиенты Урала');
    news = await createCampaign(t.dataSource, {
      name: 'Newsletter',
      status: CampaignStatus.Active,
      activatedAt: new Date('2026-01-01T00:00:00Z'),
      schedule: { type: 'monthly', day: 1, time: '10:00' },
      timeZone: 'Europe/Moscow',
      requiresEdition: true,
      segmentId,
    });
    letter = await createCampaign(t.dataSource, {
      name: 'CEO letter',
      kind: CampaignKind.CeoLetter,
      status: CampaignStatus.Paused,
      schedule: { type: 'quarterly', time: '10:00' },
      timeZone: 'Europe/Berlin',
    });
    await createCampaign(t.dataSource, {
      name: 'Draft',
      status: CampaignStatus.Draft,
      schedule: { type: 'monthly', day: 1, time: '10:00' },
    });
    await createCampaign(t.dataSource, {
      name: 'Gone',
      status: CampaignStatus.Archived,
      schedule: { type: 'monthly', day: 1, time: '10:00' },
    });
  });

  it('lists every occurrence of active and paused campaigns in the range, in time order', async () => {
    const res = await calendar(Q4).expect(200);
    expect(res.body.from).toBe('2026-10-01T00:00:00.000Z');
    expect(res.body.to).toBe('2026-12-31T23:59:59.000Z');
    expect(short(res.body.items)).toEqual([
      'Newsletter 2026-10 2026-10-01T07:00:00.000Z',
      'CEO letter 2026-Q4 2026-10-01T08:00:00.000Z', // 10:00 in Berlin (summer time)
      'Newsletter 2026-11 2026-11-01T07:00:00.000Z',
      'Newsletter 2026-12 2026-12-01T07:00:00.000Z',
    ]);
    expect(res.body.items[0]).toEqual({
      campaignId: news.id,
      campaignName: 'Newsletter',
      campaignKind: 'broadcast',
      campaignStatus: 'active',
      segmentId,
      segmentName: 'Клиенты Урала',
      periodKey: '2026-10',
      occurrenceAt: '2026-10-01T07:00:00.000Z',
      localTime: '2026-10-01T10:00',
      timeZone: 'Europe/Moscow',
      editionStatus: 'missing',
      runId: null,
      runStatus: null,
    });
    expect(res.body.items[1]).toMatchObject({
      campaignId: letter.id,
      campaignKind: 'ceo-letter',
      campaignStatus: 'paused',
      segmentId: null,
      segmentName: null,
      localTime: '2026-10-01T10:00',
      editionStatus: 'not-required',
    });
  });

  it('shows edition status and the run of each occurrence', async () => {
    await createEdition(t.dataSource, news, '2026-11', { subjectRu: 'Ноябрь' });
    await createEdition(t.dataSource, letter, '2026-Q4', { subjectRu: 'Q4' });
    const october = await createRun(t.dataSource, news, new Date('2026-10-01T07:00:00Z'), '2026-10');
    await t.dataSource.query(`UPDATE runs SET status = $2 WHERE id = $1`, [october.id, RunStatus.Completed]);
    const november = await createRun(t.dataSource, news, new Date('2026-11-01T07:00:00Z'), '2026-11');
    const items: Item[] = (await calendar(Q4).expect(200)).body.items;
    expect(items.map((i) => [i.campaignName, i.periodKey, i.editionStatus, i.runId, i.runStatus])).toEqual([
      ['Newsletter', '2026-10', 'missing', october.id, 'completed'],
      ['CEO letter', '2026-Q4', 'ready', null, null],
      ['Newsletter', '2026-11', 'ready', november.id, 'planned'],
      ['Newsletter', '2026-12', 'missing', null, null],
    ]);
  });

  it('keeps local wall time across a DST change', async () => {
    await createCampaign(t.dataSource, {
      name: 'Berlin monthly',
      status: CampaignStatus.Active,
      activatedAt: new Date('2026-01-01T00:00:00Z'),
      schedule: { type: 'monthly', day: 1, time: '10:00' },
      timeZone: 'Europe/Berlin',
    });
    const items: Item[] = (await calendar(Q4).expect(200)).body.items;
    const berlin = items.filter((i) => i.campaignName === 'Berlin monthly');
    expect(berlin.map((i) => [i.occurrenceAt, i.localTime])).toEqual([
      ['2026-10-01T08:00:00.000Z', '2026-10-01T10:00'],
      ['2026-11-01T09:00:00.000Z', '2026-11-01T10:00'],
      ['2026-12-01T09:00:00.000Z', '2026-12-01T10:00'],
    ]);
  });

  it('filters by campaign; dates are whole days in the workspace zone', async () => {
    const one = await calendar(`${Q4}&campaignId=${letter.id}`).expect(200);
    expect(one.body.items.map((i: Item) => i.periodKey)).toEqual(['2026-Q4']);
    const day = await calendar('from=2026-11-01&to=2026-11-01').expect(200);
    expect(day.body.items.map((i: Item) => i.periodKey)).toEqual(['2026-11']);
    const defaults = await calendar('').expect(200);
    const span = new Date(defaults.body.to).getTime() - new Date(defaults.body.from).getTime();
    expect(span).toBe(31 * 86_400_000);
  });

  it('validates the range: at most 400 days, to after from, ISO dates', async () => {
    await calendar('from=2026-01-01&to=2027-02-04').expect(200);
    const long = await calendar('from=2026-01-01&to=2027-03-01').expect(400);
    expect(fieldsOf(long.body)).toEqual({ to: expect.stringContaining('400 days') });
    const reversed = await calendar('from=2026-11-02&to=2026-11-01').expect(400);
    expect(fieldsOf(reversed.body)).toEqual({ to: 'to must not be before from' });
    const bad = await calendar('from=yesterday&to=2026-13-01').expect(400);
    expect(Object.keys(fieldsOf(bad.body)).sort()).toEqual(['from', 'to']);
    await calendar('campaignId=nope').expect(400);
    await t.http().get('/api/v1/calendar').expect(401);
  });
});
