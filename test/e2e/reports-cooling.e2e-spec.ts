import { Category, Client } from '@touchbase/clients';
import { StaffRole } from '@touchbase/core';
import { VIP_COOLING_CAMPAIGN_KEY, VipCoolingService } from '@touchbase/reports';
import { StaffMember } from '@touchbase/staff';
import { createClient, daysAgo } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TestApp } from '../support/test-app';

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

/**
 * VIP cooling: VIP and A clients idle (no touch, no purchase) for VIP_COOLING_DAYS (60) get one owner
 * call task per cooling episode, however often the pass runs.
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
    t = await createTestApp({ VIP_COOLING_DAYS: '60' });
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
    const now = new Date();
    const first = await cooling.run(now);
    expect(first.started).toBe(2);
    let all = await tasks();
    expect(Object.keys(all).sort()).toEqual(['Тихий', 'Холодный']);
    expect(all['Холодный'][0]).toMatchObject({
      client_id: c.cold.id,
      owner_id: carl.staff.id,
      status: 'open',
      delivery_status: 'sending',
      playbook_key: VIP_COOLING_CAMPAIGN_KEY,
    });
    expect(all['Холодный'][0].script).toMatch(
      /^Клиент давно без контакта: ни касаний, ни покупок с .* \(90 дн\.\)/,
    );

    // Again the same day, and the next days: the episodes are open, nothing new.
    expect((await cooling.run(new Date(now.getTime() + 60_000))).started).toBe(0);
    expect((await cooling.run(new Date(now.getTime() + DAY))).started).toBe(0);
    expect((await cooling.run(new Date(now.getTime() + 2 * DAY))).started).toBe(0);
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

    // 61 days without a touch: a new episode, a second task; the quiet client's episode is still open.
    // (By then the warm client, touched 10 days ago, has cooled too.)
    const later = await cooling.run(new Date(now.getTime() + 61 * DAY));
    expect(later.started).toBe(2);
    expect((await cooling.run(new Date(now.getTime() + 62 * DAY))).started).toBe(0);
    const all = await tasks();
    expect(all['Холодный'].map((r) => r.status)).toEqual(['done', 'open']);
    expect(all['Тихий']).toHaveLength(1);
    expect(all['Тёплый']).toHaveLength(1);
  });

  it('can be run on demand by sales ops (not by marketers)', async () => {
    const res = await t.http().post('/api/v1/reports/vip-cooling/run').set(as(carl.key)).expect(200);
    expect(res.body).toMatchObject({ days: 60, started: 0 });
    await t.http().post('/api/v1/reports/vip-cooling/run').set(as(marketer)).expect(403);
  });
});
