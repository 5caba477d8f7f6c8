import { SchedulerRegistry } from '@nestjs/schedule';
import { ClassificationNightlyJob } from '@touchbase/classification';
import { Client, Stage } from '@touchbase/clients';
import { StaffRole } from '@touchbase/core';
import { createClient, createPurchase, daysAgo } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };
const as = (key: string) => ({ Authorization: `Bearer ${key}` });

interface HistoryRow {
  client_id: string;
  from_stage: string | null;
  to_stage: string;
  cause: string;
  changed_at: Date;
}

async function recompute(t: TestApp) {
  const res = await t.http().post('/api/v1/classification/recompute').set(admin).expect(200);
  return res.body as {
    clients: number;
    updated: number;
    categoryChanges: number;
    stageChanges: number;
    durationMs: number;
  };
}

async function stored(t: TestApp, id: string): Promise<Client> {
  return t.dataSource.getRepository(Client).findOneByOrFail({ id });
}

async function history(t: TestApp): Promise<HistoryRow[]> {
  return t.dataSource.query(
    `SELECT client_id, from_stage, to_stage, cause, changed_at FROM stage_history WHERE cause LIKE 'recompute:%' ORDER BY id`,
  );
}

describe('Classification: Pareto categories, VIP and overrides', () => {
  let t: TestApp;
  // Window revenue (thousands) of ten clients; the tenth bought only before the window.
  const revenues = [50, 20, 10, 8, 5, 3, 2, 1, 1, 0];
  const ids: string[] = [];
  let neverBought: Client;

  beforeAll(async () => {
    t = await createTestApp();
    for (const [i, revenue] of revenues.entries()) {
      const client = await createClient(t.dataSource, { name: `R${i}` });
      ids.push(client.id);
      if (revenue > 0) {
        // Two purchases, one of them with a return, to check that sums and counts are right.
        await createPurchase(t.dataSource, client.id, revenue * 1000 + 100, daysAgo(30));
        await createPurchase(t.dataSource, client.id, -100, daysAgo(20));
      } else {
        await createPurchase(t.dataSource, client.id, 7000, daysAgo(400));
      }
    }
    // A purchase in another currency counts for dates and counts, not for revenue (no rates).
    await createPurchase(t.dataSource, ids[9], 999_999, daysAgo(400), { currency: 'USD' });
    neverBought = await createClient(t.dataSource, { name: 'Prospect', stage: Stage.Probable });
  });
  afterAll(() => t.close());

  it('splits revenue 50/20/10/8/5/3/2/1/1/0 into exactly A, B and C and computes the statistics', async () => {
    const result = await recompute(t);
    // Total 100. Revenue ahead of each client: 0, 50, 70 (< 80 → A: the three make exactly 80 %),
    // 80, 88, 93 (< 95 → B), 96, 98, 99 (→ C); the client with no window revenue but purchases → C.
    const expected = ['A', 'A', 'A', 'B', 'B', 'B', 'C', 'C', 'C', 'C'];
    const clients = await Promise.all(ids.map((id) => stored(t, id)));
    expect(clients.map((c) => c.computedCategory)).toEqual(expected);
    expect(clients.map((c) => c.category)).toEqual(expected);
    expect(clients.map((c) => c.revenueWindow)).toEqual(revenues.map((r) => r * 1000));
    expect(clients[0]).toMatchObject({ purchaseCount: 2, revenueTotal: 50_000, vipByRule: false });
    expect(clients[0].firstPurchaseAt!.getTime()).toBeCloseTo(daysAgo(30).getTime(), -5);
    expect(clients[0].lastPurchaseAt!.getTime()).toBeCloseTo(daysAgo(20).getTime(), -5);
    expect(clients[9]).toMatchObject({ purchaseCount: 2, revenueTotal: 7000, revenueWindow: 0 });

    // Stages: A is key (no key rule), the rest with recent purchases are clients, the tenth is lapsed.
    expect(clients.map((c) => c.stage)).toEqual([
      'key',
      'key',
      'key',
      'client',
      'client',
      'client',
      'client',
      'client',
      'client',
      'lapsed',
    ]);
    const prospect = await stored(t, neverBought.id);
    expect(prospect).toMatchObject({
      computedCategory: null,
      category: null,
      stage: 'probable',
      purchaseCount: 0,
    });

    expect(result).toMatchObject({ clients: 11, updated: 10, categoryChanges: 10, stageChanges: 10 });
    const rows = await history(t);
    expect(rows).toHaveLength(10);
    const causeOf = new Map(rows.map((r) => [r.client_id, r]));
    expect(causeOf.get(ids[0])).toMatchObject({
      from_stage: 'potential',
      to_stage: 'key',
      cause: 'recompute:key',
    });
    expect(causeOf.get(ids[5])).toMatchObject({
      from_stage: 'potential',
      to_stage: 'client',
      cause: 'recompute:purchase',
    });
    expect(causeOf.get(ids[9])).toMatchObject({
      from_stage: 'potential',
      to_stage: 'lapsed',
      cause: 'recompute:lapsed',
    });
  });

  it('changes nothing when run again: no rewritten rows, no new history', async () => {
    const before = await t.dataSource.query(`SELECT id, updated_at FROM clients ORDER BY id`);
    const result = await recompute(t);
    expect(result).toMatchObject({ clients: 11, updated: 0, categoryChanges: 0, stageChanges: 0 });
    expect(await history(t)).toHaveLength(10);
    expect(await t.dataSource.query(`SELECT id, updated_at FROM clients ORDER BY id`)).toEqual(before);
  });

  it('applies VIP by rule (top-n) and by manual flag; a manual override wins and shows as such', async () => {
    await t
      .http()
      .put('/api/v1/classification/settings')
      .set(admin)
      .send({ vipRule: { type: 'top-n', n: 2 } })
      .expect(200);
    // Manual changes through the clients API: VIP flag on a C client, overrides on a B and a top-2 client.
    await t.http().patch(`/api/v1/clients/${ids[7]}`).set(admin).send({ vip: true }).expect(200);
    await t.http().patch(`/api/v1/clients/${ids[3]}`).set(admin).send({ categoryOverride: 'C' }).expect(200);
    await t.http().patch(`/api/v1/clients/${ids[1]}`).set(admin).send({ categoryOverride: 'B' }).expect(200);

    const result = await recompute(t);
    const view = async (i: number) =>
      (await t.http().get(`/api/v1/clients/${ids[i]}`).set(admin).expect(200)).body;

    expect(await view(0)).toMatchObject({
      category: 'VIP',
      categorySource: 'vip-rule',
      computedCategory: 'A',
      stage: 'key',
    });
    // Top 2 by revenue, but the override says B: the override wins, and the client is no longer key.
    expect(await view(1)).toMatchObject({
      category: 'B',
      categorySource: 'override',
      categoryOverride: 'B',
      computedCategory: 'A',
      stage: 'client',
    });
    expect((await stored(t, ids[1])).vipByRule).toBe(true);
    expect(await view(3)).toMatchObject({
      category: 'C',
      categorySource: 'override',
      computedCategory: 'B',
      stage: 'client',
    });
    // A manual VIP is key whatever its revenue.
    expect(await view(7)).toMatchObject({
      category: 'VIP',
      categorySource: 'vip-flag',
      computedCategory: 'C',
      stage: 'key',
    });
    expect(await view(2)).toMatchObject({ category: 'A', categorySource: 'computed', stage: 'key' });

    // Rewritten: 0 (VIP by rule: its category A → VIP), 1 (VIP by rule, stage) and 7 (stage); the
    // categories of 1, 3 and 7 changed through the API already, so only 0 counts as a category change.
    expect(result).toMatchObject({ updated: 3, categoryChanges: 1, stageChanges: 2 });
    const rows = (await history(t)).slice(10);
    expect(rows.map((r) => [r.client_id, r.from_stage, r.to_stage, r.cause]).sort()).toEqual(
      [
        [ids[1], 'key', 'client', 'recompute:key'],
        [ids[7], 'client', 'key', 'recompute:key'],
      ].sort(),
    );
  });

  it('uses a key rule per quarter instead of category A when one is set', async () => {
    // 12-month window: 20,000 a year is 5,000 a quarter.
    await t
      .http()
      .put('/api/v1/classification/settings')
      .set(admin)
      .send({ vipRule: null, keyRule: { minRevenuePerQuarter: 5000 } })
      .expect(200);
    await recompute(t);
    const clients = await Promise.all(ids.map((id) => stored(t, id)));
    // 0 and 1 meet it (50,000 and 20,000); 2 (10,000, category A) does not; 7 is VIP by flag.
    expect(clients.map((c) => c.stage)).toEqual([
      'key',
      'key',
      'client',
      'client',
      'client',
      'client',
      'client',
      'key',
      'client',
      'lapsed',
    ]);
    expect(clients[0].vipByRule).toBe(false);
  });
});

describe('Classification: lapsed clients', () => {
  let t: TestApp;
  let old: Client;
  let recent: Client;
  let big: Client;

  beforeAll(async () => {
    t = await createTestApp();
    big = await createClient(t.dataSource, { name: 'Big' });
    old = await createClient(t.dataSource, { name: 'Old' });
    recent = await createClient(t.dataSource, { name: 'Recent' });
    await createPurchase(t.dataSource, big.id, 1000, daysAgo(5));
    await createPurchase(t.dataSource, old.id, 10, daysAgo(181));
    await createPurchase(t.dataSource, recent.id, 10, daysAgo(179));
    // As if classified yesterday, when both were still active clients.
    await t.dataSource.query(
      `UPDATE clients SET stage = 'client', stage_changed_at = now() - interval '100 days' WHERE id IN ($1, $2)`,
      [old.id, recent.id],
    );
  });
  afterAll(() => t.close());

  it('makes a client with no purchase for 181 days lapsed (default 180), with a stage-history row; 179 days is not', async () => {
    const startedAt = new Date();
    await recompute(t);
    expect(await stored(t, old.id)).toMatchObject({ stage: 'lapsed' });
    expect((await stored(t, old.id)).stageChangedAt.getTime()).toBeGreaterThanOrEqual(
      startedAt.getTime() - 1000,
    );
    expect(await stored(t, recent.id)).toMatchObject({ stage: 'client', computedCategory: 'C' });
    expect(await stored(t, big.id)).toMatchObject({ stage: 'key', computedCategory: 'A' });

    const rows = await history(t);
    const lapsed = rows.filter((r) => r.client_id === old.id);
    expect(lapsed).toEqual([
      {
        client_id: old.id,
        from_stage: 'client',
        to_stage: 'lapsed',
        cause: 'recompute:lapsed',
        changed_at: expect.any(Date),
      },
    ]);
    expect(lapsed[0].changed_at.getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);
    expect(rows.filter((r) => r.client_id === recent.id)).toEqual([]);

    // Second run: nothing to do.
    expect(await recompute(t)).toMatchObject({ updated: 0, stageChanges: 0, categoryChanges: 0 });
    expect(await history(t)).toHaveLength(rows.length);
  });

  it('follows lapsedDays from the settings, and a new purchase brings a lapsed client back', async () => {
    await t.http().put('/api/v1/classification/settings').set(admin).send({ lapsedDays: 178 }).expect(200);
    await recompute(t);
    expect(await stored(t, recent.id)).toMatchObject({ stage: 'lapsed' });

    await t
      .http()
      .post('/api/v1/purchases')
      .set(admin)
      .send({ items: [{ clientId: old.id, purchasedAt: new Date().toISOString(), amount: 50 }] })
      .expect(200);
    expect(await stored(t, old.id)).toMatchObject({ stage: 'client', purchaseCount: 2 });
    const last = (await history(t)).filter((r) => r.client_id === old.id).at(-1);
    expect(last).toMatchObject({ from_stage: 'lapsed', to_stage: 'client', cause: 'recompute:purchase' });
  });
});

describe('Classification settings, recompute API and the nightly job', () => {
  let t: TestApp;
  let salesOps: string;
  let marketer: string;

  beforeAll(async () => {
    t = await createTestApp({}, { withWorker: true });
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
  });
  afterAll(() => t.close());

  it('shows the defaults to any staff member and lets only an admin change them', async () => {
    const res = await t.http().get('/api/v1/classification/settings').set(as(marketer)).expect(200);
    expect(res.body).toEqual({
      windowMonths: 12,
      aShare: 0.8,
      bShare: 0.15,
      vipRule: null,
      lapsedDays: 180,
      keyRule: null,
    });
    await t
      .http()
      .put('/api/v1/classification/settings')
      .set(as(salesOps))
      .send({ windowMonths: 6 })
      .expect(403);
    await t.http().get('/api/v1/classification/settings').expect(401);

    const changed = await t
      .http()
      .put('/api/v1/classification/settings')
      .set(admin)
      .send({ windowMonths: 6, vipRule: { type: 'min-revenue', amount: 1_000_000 } })
      .expect(200);
    expect(changed.body).toEqual({
      windowMonths: 6,
      aShare: 0.8,
      bShare: 0.15,
      vipRule: { type: 'min-revenue', amount: 1_000_000 },
      lapsedDays: 180,
      keyRule: null,
    });
    const stored = await t.dataSource.query(
      `SELECT value FROM workspace_settings WHERE key = 'classification'`,
    );
    expect(stored[0].value).toMatchObject({
      windowMonths: 6,
      vipRule: { type: 'min-revenue', amount: 1_000_000 },
    });
  });

  it('refuses bad settings with the field at fault', async () => {
    const bad = async (body: object, field: string) => {
      const res = await t.http().put('/api/v1/classification/settings').set(admin).send(body).expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    };
    await bad({ aShare: 0.9, bShare: 0.15 }, 'bShare');
    await bad({ aShare: 1.5 }, 'aShare');
    await bad({ windowMonths: 0 }, 'windowMonths');
    await bad({ vipRule: { type: 'top-n' } }, 'vipRule.n');
    await bad({ vipRule: { type: 'best' } }, 'vipRule.type');
    await bad({ keyRule: { minRevenuePerQuarter: -1 } }, 'keyRule.minRevenuePerQuarter');
    await bad({ lapsedDays: 30, colour: 'red' }, 'colour');
    // Nothing was written by the refused requests.
    const res = await t.http().get('/api/v1/classification/settings').set(admin).expect(200);
    expect(res.body.lapsedDays).toBe(180);
  });

  it('lets admin and sales ops run a recompute, not marketers', async () => {
    await t.http().post('/api/v1/classification/recompute').set(as(marketer)).expect(403);
    const res = await t.http().post('/api/v1/classification/recompute').set(as(salesOps)).expect(200);
    expect(res.body).toEqual({
      clients: 0,
      updated: 0,
      categoryChanges: 0,
      stageChanges: 0,
      durationMs: expect.any(Number),
    });
  });

  it('schedules the nightly run at 03:00 in the workspace time zone', () => {
    const job = t.app.get(SchedulerRegistry).getCronJob('classification-nightly');
    const next = job.nextDate().setZone(t.env.DEFAULT_TIME_ZONE);
    expect([next.hour, next.minute]).toEqual([3, 0]);
  });

  it('runs the nightly recompute once however many workers fire at the same time', async () => {
    const client = await createClient(t.dataSource);
    await createPurchase(t.dataSource, client.id, 100, daysAgo(1));
    const job = t.app.get(ClassificationNightlyJob);
    const night = new Date('2031-05-04T00:30:00Z');

    const results = await Promise.all([1, 2, 3, 4].map(() => job.runNightly(night)));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(results.find((r) => r !== null)).toMatchObject({ clients: 1, stageChanges: 1 });
    expect(await stored(t, client.id)).toMatchObject({ stage: 'key', purchaseCount: 1 });

    // A late worker the same night skips; the next night runs again.
    expect(await job.runNightly(new Date('2031-05-04T10:00:00Z'))).toBeNull();
    expect(await job.runNightly(new Date('2031-05-05T00:30:00Z'))).toMatchObject({ updated: 0 });
  });
});
