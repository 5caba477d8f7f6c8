import { CampaignStatus, periodKey, Priority } from '@touchbase/campaigns';
import { Channel, StaffRole } from '@touchbase/core';
import { SimulationService } from '@touchbase/planning';
import { RunStatus } from '@touchbase/runs';
import { createCampaign } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { createTouch } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { days, hours, setPolicy } from '../support/planning';
import { createTestApp, TestApp } from '../support/test-app';

interface Item {
  campaignId: string;
  campaignName: string;
  status: string;
  priority: string;
  channels: string[];
  runId: string | null;
  runStatus: string | null;
  willBeHeld: boolean;
  collisions: number | null;
}

describe('Calendar board', () => {
  let t: TestApp;
  let marketer: string;
  const now = Date.now();
  const at = (ms: number) => new Date(now + ms);
  const range = { from: at(-days(15)).toISOString(), to: at(days(10)).toISOString() };
  const board = (query: Record<string, string> = range) =>
    t
      .http()
      .get('/api/v1/calendar/board')
      .query(query)
      .set({ Authorization: `Bearer ${marketer}` });
  const byName = (items: Item[]) => Object.fromEntries(items.map((i) => [i.campaignName, i]));

  beforeAll(async () => {
    t = await createTestApp();
    ({ key: marketer } = await createStaffWithKey(t.dataSource, StaffRole.Marketer));
  });
  afterAll(() => t.close());

  it('shows every occurrence with its status, priority, channels, run and cap collisions, cached per policy', async () => {
    // Two touches in the last two days: the default policy (2 in 7 days) caps this client.
    const busy = await createClient(t.dataSource, { name: 'Занятой' });
    await createClient(t.dataSource, { name: 'Свободный' });
    await createTouch(t.dataSource, busy.id, at(-days(1)));
    await createTouch(t.dataSource, busy.id, at(-days(2)));

    const once = (ms: number) => ({ type: 'once' as const, at: at(ms).toISOString() });
    const make = async (name: string, ms: number, extra: object = {}) =>
      createCampaign(t.dataSource, { name, schedule: once(ms), ...extra });
    const upcoming = await make('Upcoming', days(2), {
      channels: [Channel.Email, Channel.Sms],
      priority: Priority.High,
    });
    await make('Paused', days(3), { status: CampaignStatus.Paused });
    await make('Needs edition', days(4), { requiresEdition: true });
    await make('Missed', -days(10), { graceHours: 24 });
    const withRun = async (name: string, ms: number, status: RunStatus) => {
      const c = await make(name, ms);
      const when = at(ms);
      return createRun(t.dataSource, c, when, periodKey(c.schedule, when, c.timeZone), status);
    };
    const done = await withRun('Done', -days(10), RunStatus.Completed);
    await withRun('Held', -hours(1), RunStatus.Held);
    await withRun('Running', -hours(2), RunStatus.Dispatching);
    await withRun('Cancelled', -days(5), RunStatus.Cancelled);

    const simulate = jest.spyOn(t.app.get(SimulationService), 'simulate');
    const res = await board().expect(200);
    expect(simulate).toHaveBeenCalledTimes(1);
    const items = byName(res.body.items);
    expect(Object.keys(items).sort()).toEqual(
      ['Cancelled', 'Done', 'Held', 'Missed', 'Needs edition', 'Paused', 'Running', 'Upcoming'].sort(),
    );
    expect(items.Upcoming).toMatchObject({
      status: 'upcoming',
      priority: 'high',
      channels: ['email', 'sms'],
      runId: null,
      willBeHeld: false,
      collisions: 1,
    });
    expect(items['Needs edition']).toMatchObject({ status: 'upcoming', willBeHeld: true });
    expect(items.Paused).toMatchObject({ status: 'upcoming', collisions: null });
    expect(items.Missed).toMatchObject({ status: 'missed', runId: null, collisions: null });
    expect(items.Done).toMatchObject({
      status: 'done',
      runId: done.id,
      runStatus: 'completed',
      collisions: null,
    });
    expect(items.Held.status).toBe('held');
    expect(items.Running.status).toBe('running');
    expect(items.Cancelled.status).toBe('cancelled');
    expect(res.body.policyVersion).toMatch(/^[0-9a-f]{16}$/);
    const times = res.body.items.map((i: { occurrenceAt: string }) => i.occurrenceAt);
    expect(times).toEqual([...times].sort());

    // Repeated: from the cache, no simulation.
    const again = await board().expect(200);
    expect(simulate).toHaveBeenCalledTimes(1);
    expect(byName(again.body.items).Upcoming.collisions).toBe(1);

    // A new policy is a new version: simulated again, and nobody collides under it.
    await setPolicy(t.dataSource, { overall: [{ maxTouches: 5, windowDays: 7 }] });
    const relaxed = await board().expect(200);
    expect(simulate).toHaveBeenCalledTimes(2);
    expect(relaxed.body.policyVersion).not.toBe(res.body.policyVersion);
    expect(byName(relaxed.body.items).Upcoming.collisions).toBe(0);

    // collisions=false skips the simulation; what is cached still shows.
    await setPolicy(t.dataSource, { overall: [{ maxTouches: 1, windowDays: 7 }] });
    const skipped = await board({ ...range, collisions: 'false' }).expect(200);
    expect(simulate).toHaveBeenCalledTimes(2);
    expect(byName(skipped.body.items).Upcoming.collisions).toBeNull();
    simulate.mockRestore();
    expect(upcoming.id).toBe(items.Upcoming.campaignId);
  });

  it('refuses a bad range or flag, naming the field', async () => {
    const bad = await board({ from: 'yesterday' }).expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'from' })]);
    const backwards = await board({ from: '2027-02-01', to: '2027-01-01' }).expect(400);
    expect(backwards.body.details).toEqual([expect.objectContaining({ field: 'to' })]);
    const flag = await board({ collisions: 'maybe' }).expect(400);
    expect(flag.body.details.map((d: { field: string }) => d.field)).toEqual(['collisions']);
  });
});
