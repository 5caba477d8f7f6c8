import { Client, Stage } from '@touchbase/clients';
import { StaffRole } from '@touchbase/core';
import { createClient, createPurchase, daysAgo } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TestApp } from '../support/test-app';

describe('Clients for the console: city filter, search, history', () => {
  let t: TestApp;
  let salesOps: { Authorization: string };
  let salesOpsName: string;
  const made: Client[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const s = await createStaffWithKey(t.dataSource, StaffRole.SalesOps, { name: 'Ирина Продажи' });
    salesOps = { Authorization: `Bearer ${s.key}` };
    salesOpsName = s.staff.name;
    const cities = ['Казань', 'Казань', 'казань', 'Пермь', null];
    for (const [i, city] of cities.entries()) {
      made.push(
        await createClient(t.dataSource, {
          name: `Поиск ${['Альфа', 'Бета', 'Гамма', 'Дельта', 'Эпсилон'][i]} ${i}`,
          email: `search${i}@shop${i}.example.com`,
          phone: `+7912555000${i}`,
          externalRef: `CRM-77${i}`,
          addressCity: city,
        }),
      );
    }
  });
  afterAll(() => t.close());

  const list = (query: Record<string, string | number>) =>
    t.http().get('/api/v1/clients').query(query).set(salesOps).expect(200);
  const names = (body: { items: { name: string }[] }) => body.items.map((c) => c.name);

  it('filters by city in any letter case, with cursor pagination', async () => {
    const first = await list({ city: 'КАЗАНЬ', limit: 2 });
    expect(names(first.body)).toEqual(['Поиск Альфа 0', 'Поиск Бета 1']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list({ city: 'казань', limit: 2, cursor: first.body.nextCursor });
    expect(names(second.body)).toEqual(['Поиск Гамма 2']);
    expect(second.body.nextCursor).toBeNull();
    expect(names((await list({ city: ' Пермь ' })).body)).toEqual(['Поиск Дельта 3']);
    expect((await list({ city: 'Москва' })).body.items).toEqual([]);
  });

  it('searches name, email, phone (as people write it) and reference', async () => {
    expect(names((await list({ q: 'гамма' })).body)).toEqual(['Поиск Гамма 2']);
    expect(names((await list({ q: 'shop3.example' })).body)).toEqual(['Поиск Дельта 3']);
    expect(names((await list({ q: '912 555-00-04' })).body)).toEqual(['Поиск Эпсилон 4']);
    expect(names((await list({ q: '8 (912) 555 0001' })).body)).toEqual(['Поиск Бета 1']);
    expect(names((await list({ q: 'crm-770' })).body)).toEqual(['Поиск Альфа 0']);
    expect(names((await list({ q: '100%' })).body)).toEqual([]);
    // Search and filters together.
    expect(names((await list({ q: 'Поиск', city: 'казань', limit: 10 })).body)).toHaveLength(3);
  });

  it('answers the category and stage history: manual changes with who made them, reclassification', async () => {
    const client = await createClient(t.dataSource, { name: 'История', stage: Stage.Potential });
    await t
      .http()
      .patch(`/api/v1/clients/${client.id}`)
      .set(salesOps)
      .send({ stage: 'probable' })
      .expect(200);
    await t
      .http()
      .patch(`/api/v1/clients/${client.id}`)
      .set(salesOps)
      .send({ categoryOverride: 'B' })
      .expect(200);
    await t.http().patch(`/api/v1/clients/${client.id}`).set(salesOps).send({ vip: true }).expect(200);
    // Nothing changes the category: no row.
    await t
      .http()
      .patch(`/api/v1/clients/${client.id}`)
      .set(salesOps)
      .send({ name: 'История 2' })
      .expect(200);

    const history = (await t.http().get(`/api/v1/clients/${client.id}/history`).set(salesOps).expect(200))
      .body;
    expect(history.map((h: Record<string, unknown>) => ({ ...h, at: undefined }))).toEqual([
      // The override wins over the VIP flag: the flag changed nothing visible.
      { field: 'category', from: null, to: 'B', source: 'manual', staffName: salesOpsName, at: undefined },
      {
        field: 'stage',
        from: 'potential',
        to: 'probable',
        source: 'manual',
        staffName: salesOpsName,
        at: undefined,
      },
    ]);
    expect(Date.parse(history[0].at)).toBeGreaterThanOrEqual(Date.parse(history[1].at));

    await t
      .http()
      .patch(`/api/v1/clients/${client.id}`)
      .set(salesOps)
      .send({ categoryOverride: null })
      .expect(200);
    const after = (await t.http().get(`/api/v1/clients/${client.id}/history`).set(salesOps).expect(200)).body;
    expect(after[0]).toMatchObject({ field: 'category', from: 'B', to: 'VIP', source: 'manual' });
  });

  it('records a reclassification, but not a client’s first category', async () => {
    const buyer = await createClient(t.dataSource, { name: 'Покупатель' });
    await createPurchase(t.dataSource, buyer.id, 1000, daysAgo(10));
    await t.http().post('/api/v1/classification/recompute').set(salesOps).expect(200);
    const first = (await t.http().get(`/api/v1/clients/${buyer.id}`).set(salesOps).expect(200)).body;
    expect(first.category).toEqual(expect.any(String));
    const categoryRows = async () =>
      (
        (await t.http().get(`/api/v1/clients/${buyer.id}/history`).set(salesOps).expect(200)).body as {
          field: string;
        }[]
      ).filter((h) => h.field === 'category');
    expect(await categoryRows()).toEqual([]);

    // As if an earlier classification had put the client elsewhere: the next one moves it back.
    const stale = first.category === 'C' ? 'A' : 'C';
    await t.dataSource.query(`UPDATE clients SET computed_category = $2 WHERE id = $1`, [buyer.id, stale]);
    await t.http().post('/api/v1/classification/recompute').set(salesOps).expect(200);
    const rows = await categoryRows();
    expect(rows).toEqual([
      { at: expect.any(String), field: 'category', from: stale, to: first.category, source: 'recompute' },
    ]);
  });

  it('answers 404 for the history of an unknown client and 400 for a bad id', async () => {
    await t
      .http()
      .get('/api/v1/clients/00000000-0000-4000-8000-000000000000/history')
      .set(salesOps)
      .expect(404);
    await t.http().get('/api/v1/clients/nope/history').set(salesOps).expect(400);
  });
});
