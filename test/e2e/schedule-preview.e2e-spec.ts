import { StaffRole } from '@touchbase/core';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

describe('Schedule preview', () => {
  let t: TestApp;
  let marketer: string;
  const preview = (body: object) =>
    t
      .http()
      .post('/api/v1/schedules/preview')
      .set({ Authorization: `Bearer ${marketer}` })
      .send(body);
  const fields = (res: { body: { details: { field: string }[] } }) =>
    res.body.details.map((d) => d.field).sort();

  beforeAll(async () => {
    t = await createTestApp();
    ({ key: marketer } = await createStaffWithKey(t.dataSource, StaffRole.Marketer));
  });
  afterAll(() => t.close());

  it('gives the next ten occurrences of a preset, a short month running on its last day', async () => {
    const res = await preview({
      schedule: { type: 'monthly', day: 31, time: '10:00' },
      timeZone: 'Europe/Moscow',
      from: '2027-01-15T00:00:00Z',
    }).expect(200);
    expect(res.body.timeZone).toBe('Europe/Moscow');
    expect(res.body.from).toBe('2027-01-15T00:00:00.000Z');
    expect(res.body.occurrences).toHaveLength(10);
    expect(res.body.occurrences.slice(0, 3)).toEqual([
      { at: '2027-01-31T07:00:00.000Z', local: '2027-01-31T10:00', periodKey: '2027-01' },
      { at: '2027-02-28T07:00:00.000Z', local: '2027-02-28T10:00', periodKey: '2027-02' },
      { at: '2027-03-31T07:00:00.000Z', local: '2027-03-31T10:00', periodKey: '2027-03' },
    ]);
    expect(res.body.occurrences[9].periodKey).toBe('2027-10');
    expect(typeof res.body.scheduleText).toBe('string');
    expect(res.body.rrule).toContain('FREQ=MONTHLY');
  });

  it("follows the workspace's holiday calendar for the first business day of a quarter", async () => {
    const body = {
      schedule: { type: 'quarterly', time: '10:00' },
      timeZone: 'Europe/Moscow',
      from: '2026-12-01T00:00:00Z',
    };
    const before = await preview(body).expect(200);
    // The New Year holidays run to 8 January 2027; the 9th and 10th are a weekend.
    expect(before.body.occurrences.slice(0, 2).map((o: { at: string }) => o.at)).toEqual([
      '2027-01-11T07:00:00.000Z',
      '2027-04-01T07:00:00.000Z',
    ]);
    const current = await t
      .http()
      .get('/api/v1/holiday-calendar')
      .set({ Authorization: `Bearer ${TEST_ADMIN_KEY}` })
      .expect(200);
    await t
      .http()
      .put('/api/v1/holiday-calendar')
      .set({ Authorization: `Bearer ${TEST_ADMIN_KEY}` })
      .send({ daysOff: [...current.body.daysOff, '2027-04-01'], workingDays: current.body.workingDays })
      .expect(200);
    const after = await preview(body).expect(200);
    expect(after.body.occurrences[1]).toMatchObject({ at: '2027-04-02T07:00:00.000Z', periodKey: '2027-Q2' });
  });

  it('evaluates a custom RRULE in the zone, and a rule that ends gives fewer than ten', async () => {
    const res = await preview({
      schedule: { type: 'rrule', rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3', dtstart: '2027-03-01T09:30' },
      timeZone: 'Asia/Yekaterinburg',
      from: '2027-01-01',
    }).expect(200);
    expect(res.body.occurrences.map((o: { local: string }) => o.local)).toEqual([
      '2027-03-01T09:30',
      '2027-03-08T09:30',
      '2027-03-15T09:30',
    ]);
    expect(res.body.occurrences[0].at).toBe('2027-03-01T04:30:00.000Z');
  });

  it('defaults to now in the workspace zone', async () => {
    const res = await preview({ schedule: { type: 'monthly', day: 1, time: '10:00' } }).expect(200);
    expect(res.body.occurrences).toHaveLength(10);
    expect(Date.parse(res.body.occurrences[0].at)).toBeGreaterThan(Date.now());
  });

  it('names every bad field', async () => {
    const bad = await preview({
      schedule: { type: 'rrule', rrule: 'FREQ=SOMETIMES', dtstart: '2027-13-01T09:30' },
      timeZone: 'Mars/Olympus',
      from: 'yesterday',
    }).expect(400);
    expect(bad.body.error).toBe('validation_failed');
    expect(fields(bad)).toEqual(['from', 'schedule.dtstart', 'schedule.rrule', 'timeZone']);

    const day = await preview({ schedule: { type: 'monthly', day: 32, time: '25:00' } }).expect(400);
    expect(fields(day)).toEqual(['schedule.day', 'schedule.time']);
    const type = await preview({ schedule: { type: 'weekly' } }).expect(400);
    expect(fields(type)).toEqual(['schedule.type']);
    const missing = await preview({}).expect(400);
    expect(fields(missing)).toEqual(['schedule']);
  });
});
