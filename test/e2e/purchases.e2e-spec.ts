import { randomUUID } from 'node:crypto';
import { Client } from '@touchbase/clients';
import { StaffRole } from '@touchbase/core';
import { createClient, createPurchase, daysAgo } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };
const as = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('Purchases API', () => {
  let t: TestApp;
  let salesOps: string;
  let marketer: string;

  const post = (items: unknown[], key = salesOps) =>
    t.http().post('/api/v1/purchases').set(as(key)).send({ items });
  const stored = (id: string) => t.dataSource.getRepository(Client).findOneByOrFail({ id });
  const count = async (where = 'true', params: unknown[] = []) =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM purchases WHERE ${where}`, params))[0]
      .n as number;

  beforeAll(async () => {
    t = await createTestApp();
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
  });
  afterAll(() => t.close());

  it('is idempotent by externalId: the same batch twice is unchanged the second time; new data updates', async () => {
    const client = await createClient(t.dataSource);
    const items = [
      { externalId: 'INV-1', clientId: client.id, purchasedAt: '2025-11-03', amount: 1000, product: 'Насос' },
      { externalId: 'INV-2', clientId: client.id, purchasedAt: daysAgo(10).toISOString(), amount: '2500.50' },
      {
        externalId: 'INV-3',
        clientExternalRef: client.externalRef,
        purchasedAt: daysAgo(5).toISOString(),
        amount: 300,
      },
    ];
    const first = await post(items).expect(200);
    expect(first.body).toEqual({ total: 3, created: 3, updated: 0, unchanged: 0, failed: 0, errors: [] });
    const historyAfterFirst = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM stage_history WHERE client_id = $1`,
      [client.id],
    );

    const second = await post(items).expect(200);
    expect(second.body).toEqual({ total: 3, created: 0, updated: 0, unchanged: 3, failed: 0, errors: [] });
    expect(await count('client_id = $1', [client.id])).toBe(3);
    expect(
      await t.dataSource.query(`SELECT count(*)::int AS n FROM stage_history WHERE client_id = $1`, [
        client.id,
      ]),
    ).toEqual(historyAfterFirst);

    // Statistics, category and stage follow in the same request.
    expect(await stored(client.id)).toMatchObject({
      purchaseCount: 3,
      revenueTotal: 3800.5,
      computedCategory: 'A',
      stage: 'key',
    });
    const [h] = await t.dataSource.query(
      `SELECT from_stage, to_stage, cause FROM stage_history WHERE client_id = $1 AND cause LIKE 'recompute:%'`,
      [client.id],
    );
    expect(h).toEqual({ from_stage: 'potential', to_stage: 'key', cause: 'recompute:key' });

    const changed = [{ ...items[0], amount: 1200 }, items[1], { ...items[2], product: 'Фильтр' }];
    const third = await post(changed).expect(200);
    expect(third.body).toMatchObject({ created: 0, updated: 2, unchanged: 1, failed: 0 });
    const rows = await t.dataSource.query(
      `SELECT external_id, amount::float AS amount, currency, product FROM purchases WHERE client_id = $1 ORDER BY external_id`,
      [client.id],
    );
    expect(rows).toEqual([
      { external_id: 'INV-1', amount: 1200, currency: 'RUB', product: 'Насос' },
      { external_id: 'INV-2', amount: 2500.5, currency: 'RUB', product: null },
      { external_id: 'INV-3', amount: 300, currency: 'RUB', product: 'Фильтр' },
    ]);
    expect((await stored(client.id)).revenueTotal).toBe(4000.5);
  });

  it('keeps the good items of a mixed batch and reports each bad one by index and field', async () => {
    const client = await createClient(t.dataSource);
    const at = daysAgo(3).toISOString();
    const res = await post([
      { externalId: 'MIX-0', clientId: client.id, purchasedAt: at, amount: 100 },
      { externalId: 'MIX-1', clientId: client.id, purchasedAt: at, amount: 100, currency: 'RUBLES' },
      { externalId: 'MIX-2', clientId: randomUUID(), purchasedAt: at, amount: 100 },
      { externalId: 'MIX-3', clientId: client.id, purchasedAt: at, amount: 0 },
      { externalId: 'MIX-4', clientId: client.id, purchasedAt: '2025-13-45', amount: 100 },
      {
        externalId: 'MIX-5',
        clientExternalRef: client.externalRef,
        purchasedAt: '2025-06-01T10:00:00+05:00',
        amount: -40,
        currency: 'usd',
      },
      { externalId: 'MIX-6', clientExternalRef: 'NO-SUCH-REF', purchasedAt: at, amount: 100 },
      { externalId: 'MIX-7', purchasedAt: 'yesterday', amount: 'a lot', colour: 'red' },
      { externalId: 'MIX-0', clientId: client.id, purchasedAt: at, amount: 999 },
      'not an object',
    ]).expect(200);

    expect(res.body).toMatchObject({ total: 10, created: 2, updated: 0, unchanged: 0, failed: 8 });
    const errors = res.body.errors as { index: number; field: string; message: string }[];
    const fieldsOf = (index: number) =>
      errors
        .filter((e) => e.index === index)
        .map((e) => e.field)
        .sort();
    expect(fieldsOf(1)).toEqual(['currency']);
    expect(fieldsOf(2)).toEqual(['clientId']);
    expect(errors.find((e) => e.index === 2)!.message).toContain('no client has id');
    expect(fieldsOf(3)).toEqual(['amount']);
    expect(fieldsOf(4)).toEqual(['purchasedAt']);
    expect(fieldsOf(6)).toEqual(['clientExternalRef']);
    expect(fieldsOf(7)).toEqual(['amount', 'clientId', 'colour', 'purchasedAt']);
    expect(fieldsOf(8)).toEqual(['externalId']);
    expect(fieldsOf(9)).toEqual(['']);
    expect(errors.map((e) => e.index)).toEqual([...errors.map((e) => e.index)].sort((a, b) => a - b));

    const rows = await t.dataSource.query(
      `SELECT external_id, amount::float AS amount, currency, purchased_at FROM purchases WHERE client_id = $1 ORDER BY external_id`,
      [client.id],
    );
    expect(rows).toEqual([
      { external_id: 'MIX-0', amount: 100, currency: 'RUB', purchased_at: new Date(at) },
      { external_id: 'MIX-5', amount: -40, currency: 'USD', purchased_at: new Date('2025-06-01T05:00:00Z') },
    ]);
  });

  it('reads a date without a time as that day in the workspace time zone', async () => {
    const client = await createClient(t.dataSource);
    await post([{ clientId: client.id, purchasedAt: '2025-01-15', amount: 10 }]).expect(200);
    const [row] = await t.dataSource.query(`SELECT purchased_at FROM purchases WHERE client_id = $1`, [
      client.id,
    ]);
    // DEFAULT_TIME_ZONE is Europe/Moscow (UTC+3).
    expect(row.purchased_at).toEqual(new Date('2025-01-14T21:00:00Z'));
  });

  it('moves a purchase to another client when its externalId comes back with another client, refreshing both', async () => {
    const a = await createClient(t.dataSource);
    const b = await createClient(t.dataSource);
    const at = daysAgo(2).toISOString();
    await post([{ externalId: 'MOVE-1', clientId: a.id, purchasedAt: at, amount: 70 }]).expect(200);
    expect(await stored(a.id)).toMatchObject({
      purchaseCount: 1,
      stage: expect.stringMatching(/^(client|key)$/),
    });

    const res = await post([{ externalId: 'MOVE-1', clientId: b.id, purchasedAt: at, amount: 70 }]).expect(
      200,
    );
    expect(res.body).toMatchObject({ updated: 1 });
    expect(await stored(b.id)).toMatchObject({ purchaseCount: 1, revenueTotal: 70 });
    // a has no purchases left: no statistics, no category, back to prospect.
    expect(await stored(a.id)).toMatchObject({
      purchaseCount: 0,
      revenueTotal: 0,
      lastPurchaseAt: null,
      computedCategory: null,
      stage: 'prospect',
    });
  });

  it('refuses more than 10,000 items, and a body without an items array, with 400', async () => {
    const tooMany = await post(Array.from({ length: 10_001 }, () => ({}))).expect(400);
    expect(tooMany.body.details).toEqual([{ field: 'items', messages: [expect.stringContaining('10000')] }]);
    const notArray = await t
      .http()
      .post('/api/v1/purchases')
      .set(as(salesOps))
      .send({ items: 'x' })
      .expect(400);
    expect(notArray.body.details[0].field).toBe('items');
    await t.http().post('/api/v1/purchases').set(as(salesOps)).send({}).expect(400);
    expect(await post([]).expect(200)).toMatchObject({ body: { total: 0, created: 0, failed: 0 } });
  });

  it('writes a large batch in one go', async () => {
    const clients = await Promise.all([1, 2, 3, 4, 5].map(() => createClient(t.dataSource)));
    const items = Array.from({ length: 600 }, (_, i) => ({
      externalId: `BULK-${i}`,
      clientId: clients[i % 5].id,
      purchasedAt: daysAgo(i % 300).toISOString(),
      amount: 10 + i,
    }));
    const res = await post(items).expect(200);
    expect(res.body).toMatchObject({ total: 600, created: 600, failed: 0 });
    expect((await stored(clients[0].id)).purchaseCount).toBe(120);
  });

  it('checks roles: sales ops and admin write, any staff member reads, nobody without a key', async () => {
    const client = await createClient(t.dataSource);
    const item = { clientId: client.id, purchasedAt: daysAgo(1).toISOString(), amount: 5 };
    await post([item], marketer).expect(403);
    await t
      .http()
      .post('/api/v1/purchases')
      .send({ items: [item] })
      .expect(401);
    await t
      .http()
      .post('/api/v1/purchases')
      .set(admin)
      .send({ items: [item] })
      .expect(200);
    await t.http().get(`/api/v1/purchases?clientId=${client.id}`).set(as(marketer)).expect(200);
    await t.http().get('/api/v1/purchases').expect(401);
  });

  it('lists purchases newest first by client and date range, with a cursor', async () => {
    const client = await createClient(t.dataSource);
    const other = await createClient(t.dataSource);
    const dates = [
      '2025-03-01T09:00:00Z',
      '2025-03-10T09:00:00Z',
      '2025-03-20T09:00:00Z',
      '2025-03-31T20:00:00Z',
      '2025-04-02T09:00:00Z',
    ];
    for (const [i, d] of dates.entries()) {
      await createPurchase(t.dataSource, client.id, 100 + i, new Date(d), {
        externalId: `LIST-${i}`,
        product: `P${i}`,
      });
    }
    await createPurchase(t.dataSource, other.id, 1, new Date('2025-03-15T09:00:00Z'));

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string | number> = { clientId: client.id, limit: 2 };
      if (cursor) query.cursor = cursor;
      const res = await t.http().get('/api/v1/purchases').query(query).set(as(marketer)).expect(200);
      const body = res.body as { items: { externalId: string }[]; nextCursor: string | null };
      seen.push(...body.items.map((p) => p.externalId));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(['LIST-4', 'LIST-3', 'LIST-2', 'LIST-1', 'LIST-0']);
    expect(pages).toBe(3);

    const first = await t
      .http()
      .get('/api/v1/purchases')
      .query({ clientId: client.id, limit: 1 })
      .set(as(marketer))
      .expect(200);
    expect(first.body.items[0]).toEqual({
      id: expect.any(String),
      externalId: 'LIST-4',
      clientId: client.id,
      purchasedAt: '2025-04-02T09:00:00.000Z',
      amount: 104,
      currency: 'RUB',
      product: 'P4',
      productCategory: null,
      createdAt: expect.any(String),
    });

    // A date alone as `to` includes that whole day (2025-03-31 23:59 Moscow is 20:59 UTC).
    const march = await t
      .http()
      .get('/api/v1/purchases')
      .query({ clientId: client.id, from: '2025-03-10', to: '2025-03-31' })
      .set(as(marketer))
      .expect(200);
    expect(march.body.items.map((p: { externalId: string }) => p.externalId)).toEqual([
      'LIST-3',
      'LIST-2',
      'LIST-1',
    ]);

    const all = await t
      .http()
      .get('/api/v1/purchases')
      .query({ from: '2025-03-15T09:00:00Z', to: '2025-03-15T09:00:01Z' })
      .set(admin)
      .expect(200);
    expect(all.body.items.map((p: { clientId: string }) => p.clientId)).toEqual([other.id]);

    await t.http().get('/api/v1/purchases').query({ from: 'March' }).set(admin).expect(400);
    await t.http().get('/api/v1/purchases').query({ to: '2025-02-30' }).set(admin).expect(400);
    await t.http().get('/api/v1/purchases').query({ clientId: 'nope' }).set(admin).expect(400);
    await t.http().get('/api/v1/purchases').query({ cursor: 'garbage' }).set(admin).expect(400);
  });
});
