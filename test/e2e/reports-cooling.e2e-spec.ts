import { DateTime } from 'luxon';
import { DEFAULT_BUSINESS_CALENDAR } from '@touchbase/campaigns';
import { Category, Client } from '@touchbase/clients';
import { Channel, StaffRole } from '@touchbase/core';
import { VIP_COOLING_CAMPAIGN_KEY, VipCoolingService } from '@touchbase/reports';
import { StaffMember } from '@touchbase/staff';
import { createTouch } from '../factories/delivery.factory';
import { createClient, daysAgo } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TestApp } from '../support/test-app';
import { dispatchAll, pastBusinessDayAt } from './calls-support';

const DAY = 86_400_000;

interface TaskRow {
  id: string;
  client_id: string;
  owner_id: string | null;
  status: string;
  script: string;
  delivery_status: string;
  playbook_key: string;
}

// The fixture's clients live in this zone (the client factory's).
const ZONE = 'Asia/Yekaterinburg';

interface CoolingCall {
  name: string;
  status: string;
  reason: string | null;
  scheduled_at: Date;
}

/** The cooling campaign's deliveries of the fixture's clients, oldest first. */
async function coolingCalls(t: TestApp): Promise<CoolingCall[]> {
  return t.dataSource.query(
    `SELECT c.name, d.status, d.reason, d.scheduled_at
       FROM deliveries d
       JOIN campaigns ca ON ca.id = d.campaign_id AND ca.playbook_key = $1
       JOIN clients c ON c.id = d.client_id
      ORDER BY d.created_at, d.id`,
    [VIP_COOLING_CAMPAIGN_KEY],
  );
}

/**
 * VIP cooling: VIP and A clients idle (no touch, no purchase) for VIP_COOLING_DAYS (60) get one owner
 * call per cooling episode, however often the pass runs. The calls are a run of the cooling campaign
 * that the planner plans; their call tasks appear when the dispatcher hands the due calls over.
 */
describe('VIP cooling', () => {
  let t: TestApp;
  let cooling: VipCoolingService;
  let carl: { staff: StaffMember; key: string };
  let marketer: string;
  const c: Record<string, Client> = {};
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  async function client(
    key: string,
    name: string,
    fields: Partial<Client> & { touchedDaysAgo?: number; boughtDaysAgo?: number },
  ): Promise<void> {
    const { touchedDaysAgo, boughtDaysAgo, ...rest } = fields;
    c[key] = await createClient(t.dataSource, { name, ownerId: carl.staff.id, ...rest });
    await t.dataSource.query(
      `UPDATE clients SET created_at = now() - interval '400 days', last_touch_at = $2, last_purchase_at = $3 WHERE id = $1`,
      [
        c[key].id,
        touchedDaysAgo === undefined ? null : daysAgo(touchedDaysAgo),
        boughtDaysAgo === undefined ? null : daysAgo(boughtDaysAgo),
      ],
    );
  }

  /** The cooling call tasks of the fixture's clients, by client name. */
  async function tasks(): Promise<Record<string, TaskRow[]>> {
    const rows: (TaskRow & { name: string })[] = await t.dataSource.query(
      `SELECT t.id, t.client_id, t.owner_id, t.status, t.script, d.status AS delivery_status, ca.playbook_key, c.name
         FROM call_tasks t
         JOIN deliveries d ON d.id = t.delivery_id
         JOIN campaigns ca ON ca.id = t.campaign_id
         JOIN clients c ON c.id = t.client_id
        ORDER BY t.created_at, t.id`,
    );
    const out: Record<string, TaskRow[]> = {};
    for (const r of rows) (out[r.name] ??= []).push(r);
    return out;
  }

  beforeAll(async () => {
    t = await createTestApp({ VIP_COOLING_DAYS: '60' }, { withWorker: true });
    cooling = t.app.get(VipCoolingService);
    carl = await createStaffWithKey(t.dataSource, StaffRole.SalesOps, { name: 'Карл' });
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;

    await client('cold', 'Холодный', { vipFlag: true, touchedDaysAgo: 90, boughtDaysAgo: 200 });
    await client('warm', 'Тёплый', { computedCategory: Category.A, touchedDaysAgo: 10, boughtDaysAgo: 100 });
    await client('quiet', 'Тихий', { computedCategory: Category.A, boughtDaysAgo: 70 });
    await client('bee', 'Категория Б', { computedCategory: Category.B, touchedDaysAgo: 100 });
    await client('optedOut', 'Отписался', { vipFlag: true, touchedDaysAgo: 80 });
    await client('gone', 'В архиве', { vipFlag: true, touchedDaysAgo: 100 });
    await t.dataSource.query(`UPDATE client_preferences SET opted_out = true WHERE client_id = $1`, [
      c.optedOut.id,
    ]);
    await t.dataSource.query(`UPDATE clients SET archived_at = now() WHERE id = $1`, [c.gone.id]);
  });
  afterAll(() => t.close());

  it('reports the VIP and A clients idle for N days, longest idle first, with their owner', async () => {
    const res = await t.http().get('/api/v1/reports/vip-cooling').set(as(marketer)).expect(200);
    expect(res.body.period).toBeNull();
    expect(res.body.summary).toEqual({ days: 60, clients: 3 });
    expect(
      res.body.tables.clients.map((r: Record<string, unknown>) => [
        r.clientName,
        r.category,
        r.idleDays,
        r.ownerName,
      ]),
    ).toEqual([
      ['Холодный', 'VIP', 90, 'Карл'],
      ['Отписался', 'VIP', 80, 'Карл'],
      ['Тихий', 'A', 70, 'Карл'],
    ]);
    expect(res.body.tables.clients[0]).toMatchObject({ ownerId: carl.staff.id, callTaskId: null });
    expect(res.body.tables.byOwner).toEqual([{ ownerId: carl.staff.id, ownerName: 'Карл', clients: 3 }]);

    const longer = await t
      .http()
      .get('/api/v1/reports/vip-cooling?days=75&category=VIP')
      .set(as(marketer))
      .expect(200);
    expect(longer.body.tables.clients.map((r: { clientName: string }) => r.clientName)).toEqual([
      'Холодный',
      'Отписался',
    ]);
  });

  it('creates one owner call task per cooling episode, not one per run or per day', async () => {
    // A past business day at noon in the clients' zone: the calls are due at once.
    const now = pastBusinessDayAt(ZONE, 12);
    const first = await cooling.run(now);
    expect(first).toMatchObject({ started: 2, suppressed: 0 });
    await dispatchAll(t, Channel.Call);
    let all = await tasks();
    expect(Object.keys(all).sort()).toEqual(['Тихий', 'Холодный']);
    expect(all['Холодный'][0]).toMatchObject({
      client_id: c.cold.id,
      owner_id: carl.staff.id,
      status: 'open',
      delivery_status: 'sending',
      playbook_key: VIP_COOLING_CAMPAIGN_KEY,
    });
    // The script is the vip-call template's, in the client's language, for its owner.
    expect(all['Холодный'][0].script).toMatch(/^Звонок VIP-клиенту: Холодный/);
    expect(all['Холодный'][0].script).toContain('Это Карл, ваш менеджер');

    // Again the same day, and the next days: the episodes are open, nothing new.
    expect((await cooling.run(new Date(now.getTime() + 60_000))).started).toBe(0);
    expect((await cooling.run(new Date(now.getTime() + DAY))).started).toBe(0);
    expect((await cooling.run(new Date(now.getTime() + 2 * DAY))).started).toBe(0);
    await dispatchAll(t, Channel.Call);
    all = await tasks();
    expect(all['Холодный']).toHaveLength(1);
    expect(all['Тихий']).toHaveLength(1);

    const report = await t.http().get('/api/v1/reports/vip-cooling').set(as(marketer)).expect(200);
    const cold = report.body.tables.clients.find((r: { clientId: string }) => r.clientId === c.cold.id);
    expect(cold).toMatchObject({ callTaskId: all['Холодный'][0].id, callTaskStatus: 'open' });
  });

  it('ends the episode when the client is touched, and opens a new one when it cools again', async () => {
    const [task] = (await tasks())['Холодный'];
    // The owner reaches the client: a touch (last_touch_at now).
    await t
      .http()
      .post(`/api/v1/call-tasks/${task.id}/outcome`)
      .set(as(carl.key))
      .send({ outcome: 'reached' })
      .expect(200);

    const now = new Date();
    const next = await cooling.run(new Date(now.getTime() + DAY));
    expect(next).toMatchObject({ ended: 1, started: 0 });
    const [{ open }]: { open: number }[] = await t.dataSource.query(
      `SELECT count(*)::int AS open FROM vip_cooling_episodes WHERE client_id = $1 AND ended_at IS NULL`,
      [c.cold.id],
    );
    expect(open).toBe(0);

    // 61 days without a touch: a new episode, a second call; the quiet client's episode is still open.
    // (By then the warm client, touched 10 days ago, has cooled too.) The calls are planned for then.
    const at = new Date(now.getTime() + 61 * DAY);
    const later = await cooling.run(at);
    expect(later.started).toBe(2);
    expect((await cooling.run(new Date(now.getTime() + 62 * DAY))).started).toBe(0);
    const calls = await coolingCalls(t);
    const queued = calls.filter((d) => d.status === 'queued' && d.scheduled_at.getTime() >= at.getTime());
    expect(queued.map((d) => d.name).sort()).toEqual(['Тёплый', 'Холодный']);
    const all = await tasks();
    expect(all['Холодный'].map((r) => r.status)).toEqual(['done']);
    expect(all['Тихий']).toHaveLength(1);
  });

  it('can be run on demand by sales ops (not by marketers)', async () => {
    const res = await t.http().post('/api/v1/reports/vip-cooling/run').set(as(carl.key)).expect(200);
    expect(res.body).toMatchObject({ days: 60, started: 0 });
    await t.http().post('/api/v1/reports/vip-cooling/run').set(as(marketer)).expect(403);
  });
});

/** The cooling calls go through the planner: the caps and the calling days hold for them too. */
describe('VIP cooling through the planner', () => {
  let t: TestApp;
  let cooling: VipCoolingService;
  let owner: StaffMember;

  beforeAll(async () => {
    t = await createTestApp({ VIP_COOLING_DAYS: '60' }, { withWorker: true });
    cooling = t.app.get(VipCoolingService);
    owner = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps, { name: 'Ольга' })).staff;
  });
  afterAll(() => t.close());

  async function coolingVip(name: string): Promise<Client> {
    const client = await createClient(t.dataSource, { name, ownerId: owner.id, vipFlag: true });
    await t.dataSource.query(
      `UPDATE clients SET created_at = now() - interval '400 days', last_touch_at = now() - interval '120 days'
        WHERE id = $1`,
      [client.id],
    );
    return client;
  }

  async function callTasksOf(clientId: string): Promise<{ due_at: Date }[]> {
    return t.dataSource.query(`SELECT due_at FROM call_tasks WHERE client_id = $1`, [clientId]);
  }

  it('gives a cooling VIP whose call cap is full no call task, and tries again another day', async () => {
    const capped = await coolingVip('Занятой');
    const now = pastBusinessDayAt(ZONE, 12, 3);
    // Another campaign's call already planned for tomorrow (not due yet): calls are capped at 1 in 14 days.
    await createTouch(t.dataSource, capped.id, new Date(Date.now() + DAY), {
      channel: Channel.Call,
      status: 'queued',
    });

    const pass = await cooling.run(now);
    expect(pass).toMatchObject({ started: 0, suppressed: 1 });
    await dispatchAll(t, Channel.Call);
    expect(await callTasksOf(capped.id)).toEqual([]);
    const calls = await coolingCalls(t);
    expect(calls.map((d) => [d.name, d.status, d.reason])).toEqual([
      ['Занятой', 'suppressed', 'frequency-cap'],
    ]);
    const [{ episodes }]: { episodes: number }[] = await t.dataSource.query(
      `SELECT count(*)::int AS episodes FROM vip_cooling_episodes WHERE client_id = $1`,
      [capped.id],
    );
    expect(episodes).toBe(0);

    // Still cooling the next day, and still capped: tried again, still no call.
    expect(await cooling.run(new Date(now.getTime() + DAY))).toMatchObject({ started: 0, suppressed: 1 });
    // Out of the next test's way.
    await t.dataSource.query(`UPDATE clients SET archived_at = now() WHERE id = $1`, [capped.id]);
  });

  it('plans the call of a VIP found cooling on a Saturday for Monday morning', async () => {
    const vip = await coolingVip('Субботний');
    // A Saturday at noon at least a week back, in the client's zone, before a working Monday (no holiday).
    const calendar = DEFAULT_BUSINESS_CALENDAR;
    let saturday = DateTime.now()
      .setZone(ZONE)
      .minus({ days: 7 })
      .set({ hour: 12, minute: 0, second: 0, millisecond: 0 });
    while (
      saturday.weekday !== 6 ||
      calendar.isBusinessDay(saturday.toISODate()!) ||
      !calendar.isBusinessDay(saturday.plus({ days: 2 }).toISODate()!)
    ) {
      saturday = saturday.minus({ days: 1 });
    }

    const pass = await cooling.run(saturday.toJSDate());
    expect(pass).toMatchObject({ started: 1, suppressed: 0 });
    const monday = saturday.plus({ days: 2 }).set({ hour: 9 });
    const [call] = (await coolingCalls(t)).filter((d) => d.name === 'Субботний');
    expect(call.reason).toBeNull();
    expect(DateTime.fromJSDate(call.scheduled_at).setZone(ZONE).toISO()).toBe(monday.toISO());

    await dispatchAll(t, Channel.Call);
    const tasks = await callTasksOf(vip.id);
    expect(tasks).toHaveLength(1);
    expect(DateTime.fromJSDate(tasks[0].due_at).setZone(ZONE).toISO()).toBe(monday.toISO());
  });
});
