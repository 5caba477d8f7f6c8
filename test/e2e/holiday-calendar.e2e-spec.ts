import {
  BusinessCalendar,
  CampaignStatus,
  DEFAULT_BUSINESS_CALENDAR,
  RUSSIAN_PRODUCTION_CALENDAR,
} from '@touchbase/campaigns';
import { Channel, StaffRole } from '@touchbase/core';
import { createCampaign } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { createStaffMember, createStaffWithKey } from '../factories/staff.factory';
import { planAt } from '../support/planning';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

describe('Holiday calendar', () => {
  let t: TestApp;
  let marketer: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const put = (body: unknown, key = TEST_ADMIN_KEY) =>
    t
      .http()
      .put('/api/v1/holiday-calendar')
      .set(as(key))
      .send(body as object);

  beforeAll(async () => {
    t = await createTestApp();
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
  });
  afterAll(() => t.close());
  afterEach(() => t.dataSource.query(`DELETE FROM workspace_settings WHERE key = 'holiday-calendar'`));

  it('is the Russian production calendar until an admin replaces it; anyone reads, only an admin writes', async () => {
    const res = await t.http().get('/api/v1/holiday-calendar').set(as(marketer)).expect(200);
    expect(res.body).toEqual(RUSSIAN_PRODUCTION_CALENDAR);
    expect(res.body.daysOff).toEqual(expect.arrayContaining(['2026-12-31', '2027-01-08', '2025-05-08']));
    expect(res.body.workingDays).toEqual(['2025-11-01']);
    await put({ daysOff: ['2027-01-01'], workingDays: [] }, marketer).expect(403);
    const saved = await put({ daysOff: ['2027-03-08', '2027-01-01'], workingDays: ['2027-11-13'] }).expect(
      200,
    );
    expect(saved.body).toEqual({ daysOff: ['2027-01-01', '2027-03-08'], workingDays: ['2027-11-13'] });
    const after = await t.http().get('/api/v1/holiday-calendar').set(as(marketer)).expect(200);
    expect(after.body).toEqual(saved.body);
  });

  it('is in the OpenAPI document: GET and PUT, with both lists described', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths['/api/v1/holiday-calendar']).sort()).toEqual(['get', 'put']);
    expect(Object.keys(doc.components.schemas.HolidayCalendarDto.properties).sort()).toEqual([
      'daysOff',
      'workingDays',
    ]);
  });

  it('refuses bad input with a 400 naming each bad date, and keeps the calendar it had', async () => {
    const fields = (body: { details: { field: string }[] }) => body.details.map((d) => d.field).sort();
    const bad = await put({
      daysOff: ['2027-02-30', '2027-01-01', '2027-01-01'],
      workingDays: ['2027-01-04', '2027-01-01'],
    }).expect(400);
    expect(fields(bad.body)).toEqual(['daysOff[0]', 'daysOff[2]', 'workingDays[0]', 'workingDays[1]']);
    expect(
      bad.body.details.find((d: { field: string }) => d.field === 'workingDays[0]').messages[0],
    ).toContain('2027-01-04 is a Monday');
    const shape = await put({ daysOff: '2027-01-01', workingDays: [1], extra: true }).expect(400);
    expect(fields(shape.body)).toEqual(['daysOff', 'extra', 'workingDays']);
    await put({ daysOff: Array(2_001).fill('2027-01-01'), workingDays: [] }).expect(400);
    const still = await t.http().get('/api/v1/holiday-calendar').set(as(marketer)).expect(200);
    expect(still.body).toEqual(RUSSIAN_PRODUCTION_CALENDAR);
  });

  it('SQL and TypeScript agree on every day from 2025 to 2030, for the default calendar and an edited one', async () => {
    const edited = { daysOff: ['2027-01-11', '2028-06-13'], workingDays: ['2027-01-02', '2029-12-29'] };
    for (const calendar of [RUSSIAN_PRODUCTION_CALENDAR, edited]) {
      const rows: { day: string; business: boolean }[] = await t.dataSource.query(
        `SELECT to_char(d, 'YYYY-MM-DD') AS day, tb_is_business_day(d::date, $1::date[], $2::date[]) AS business
           FROM generate_series('2025-01-01'::timestamp, '2030-12-31'::timestamp, interval '1 day') d`,
        [calendar.daysOff, calendar.workingDays],
      );
      const ts = new BusinessCalendar(calendar);
      expect(rows).toHaveLength(2_191);
      expect(rows.filter((r) => r.business !== ts.isBusinessDay(r.day))).toEqual([]);
    }
    expect(DEFAULT_BUSINESS_CALENDAR.isBusinessDay('2027-01-11')).toBe(true);
  });

  it('an edited calendar moves calls (a working Saturday) and first-business-day schedules', async () => {
    const ownerId = (await createStaffMember(t.dataSource, { role: StaffRole.SalesOps })).id;
    const client = await createClient(t.dataSource, { email: null, ownerId, timeZone: 'Europe/Moscow' });
    await put({ daysOff: RUSSIAN_PRODUCTION_CALENDAR.daysOff, workingDays: ['2027-01-09'] }).expect(200);
    const calls = await createCampaign(t.dataSource, { channels: [Channel.Call], deadlineHours: 24 * 14 });
    const rows = await planAt(t, calls, new Date('2026-12-31T09:00:00Z'));
    expect(rows.get(client.id)!.scheduled_at.toISOString()).toBe('2027-01-09T06:00:00.000Z');

    await createCampaign(t.dataSource, {
      name: 'Письмо директора',
      status: CampaignStatus.Active,
      schedule: { type: 'quarterly', time: '10:00' },
    });
    const q1 = 'from=2027-01-01T00:00:00Z&to=2027-01-31T23:59:59Z';
    const first = async () =>
      (await t.http().get(`/api/v1/calendar?${q1}`).set(as(marketer)).expect(200)).body.items
        .filter((i: { campaignName: string }) => i.campaignName === 'Письмо директора')
        .map((i: { localTime: string }) => i.localTime);
    expect(await first()).toEqual(['2027-01-09T10:00']);
    await put({ daysOff: ['2027-01-01'], workingDays: [] }).expect(200);
    expect(await first()).toEqual(['2027-01-04T10:00']);
  });
});
