import { Category } from '@touchbase/clients';
import { StaffRole } from '@touchbase/core';
import { createClient, createPurchase, daysAgo } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

describe('Clients API', () => {
  let t: TestApp;
  let salesOps: string;
  let marketer: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    t = await createTestApp();
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
  });
  afterAll(() => t.close());

  it('creates a client with normalised contact data, a preferences row and a stage-history row', async () => {
    const { staff: owner } = await createStaffWithKey(t.dataSource, StaffRole.SalesOps, {
      name: 'Ольга Смирнова',
    });
    const res = await t
      .http()
      .post('/api/v1/clients')
      .set(as(salesOps))
      .send({
        externalRef: 'ERP-1',
        name: ' ООО «Ромашка» ',
        email: ' Info@Romashka.RU ',
        phone: '8 (912) 345-67-89',
        address: {
          recipient: 'Отдел закупок',
          lines: ['ул. Ленина, 1'],
          city: 'Екатеринбург',
          postalCode: '620014',
          country: 'Россия',
        },
        timeZone: 'Asia/Yekaterinburg',
        ownerId: owner.id,
        tags: ['Dealer', ' ural ', 'dealer'],
      })
      .expect(201);
    expect(res.body).toMatchObject({
      externalRef: 'ERP-1',
      name: 'ООО «Ромашка»',
      email: 'info@romashka.ru',
      phone: '+79123456789',
      address: { recipient: 'Отдел закупок', lines: ['ул. Ленина, 1'], city: 'Екатеринбург', country: 'RU' },
      owner: { id: owner.id, name: 'Ольга Смирнова' },
      tags: ['dealer', 'ural'],
      stage: 'potential',
      category: null,
      locale: 'ru',
    });
    const prefs = await t.dataSource.query(
      `SELECT opted_out, frequency FROM client_preferences WHERE client_id = $1`,
      [res.body.id],
    );
    expect(prefs).toEqual([{ opted_out: false, frequency: 'unlimited' }]);
    const history = await t.dataSource.query(
      `SELECT from_stage, to_stage, cause FROM stage_history WHERE client_id = $1`,
      [res.body.id],
    );
    expect(history).toEqual([{ from_stage: null, to_stage: 'potential', cause: 'created' }]);
  });

  it('reports every bad field at once and writes nothing', async () => {
    const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM clients`);
    const res = await t
      .http()
      .post('/api/v1/clients')
      .set(as(salesOps))
      .send({
        name: 'X',
        email: 'nope',
        phone: '12',
        timeZone: 'Mars/Base',
        ownerId: '00000000-0000-4000-8000-000000000000',
      })
      .expect(400);
    const fields = res.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['email', 'timeZone']);
    // Phone and owner are checked after the shape is valid: send only those.
    const res2 = await t
      .http()
      .post('/api/v1/clients')
      .set(as(salesOps))
      .send({ name: 'X', phone: '12', ownerId: '00000000-0000-4000-8000-000000000000' })
      .expect(400);
    expect(res2.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['ownerId', 'phone']);
    expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM clients`)).toEqual(before);
  });

  it('requires a name on create and refuses null for fields that cannot be empty', async () => {
    const res = await t
      .http()
      .post('/api/v1/clients')
      .set(as(salesOps))
      .send({ email: 'a@example.com' })
      .expect(400);
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['name']);
    const c = await createClient(t.dataSource);
    const bad = await t
      .http()
      .patch(`/api/v1/clients/${c.id}`)
      .set(as(salesOps))
      .send({ name: null, tags: null })
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['name', 'tags']);
  });

  it('refuses a duplicate external reference with 409', async () => {
    await createClient(t.dataSource, { externalRef: 'DUP-1' });
    const res = await t
      .http()
      .post('/api/v1/clients')
      .set(as(salesOps))
      .send({ name: 'Y', externalRef: 'DUP-1' })
      .expect(409);
    expect(res.body.details.field).toBe('externalRef');
  });

  it('lets marketers read but not write', async () => {
    const c = await createClient(t.dataSource);
    await t.http().get(`/api/v1/clients/${c.id}`).set(as(marketer)).expect(200);
    await t.http().patch(`/api/v1/clients/${c.id}`).set(as(marketer)).send({ name: 'Z' }).expect(403);
    await t.http().post('/api/v1/clients').set(as(marketer)).send({ name: 'Z' }).expect(403);
  });

  it('updates, clears fields with null, and sets a manual stage with history', async () => {
    const c = await createClient(t.dataSource, { contactFlags: ['email-invalid'] });
    const res = await t
      .http()
      .patch(`/api/v1/clients/${c.id}`)
      .set(as(salesOps))
      .send({ email: 'new@example.com', phone: null, stage: 'prospect', contactVerified: true })
      .expect(200);
    expect(res.body).toMatchObject({
      email: 'new@example.com',
      phone: null,
      stage: 'prospect',
      contactFlags: [],
    });
    expect(res.body.contactVerifiedAt).not.toBeNull();
    const history = await t.dataSource.query(
      `SELECT from_stage, to_stage, cause FROM stage_history WHERE client_id = $1 ORDER BY id`,
      [c.id],
    );
    expect(history).toEqual([{ from_stage: 'potential', to_stage: 'prospect', cause: 'manual' }]);
    const bad = await t
      .http()
      .patch(`/api/v1/clients/${c.id}`)
      .set(as(salesOps))
      .send({ stage: 'lapsed' })
      .expect(400);
    expect(bad.body.details[0].field).toBe('stage');
  });

  it('shows a manual category override as such', async () => {
    const c = await createClient(t.dataSource, { computedCategory: Category.C });
    const res = await t
      .http()
      .patch(`/api/v1/clients/${c.id}`)
      .set(as(salesOps))
      .send({ categoryOverride: 'A' })
      .expect(200);
    expect(res.body).toMatchObject({ category: 'A', categorySource: 'override', computedCategory: 'C' });
    const vip = await t
      .http()
      .patch(`/api/v1/clients/${c.id}`)
      .set(as(salesOps))
      .send({ categoryOverride: null, vip: true })
      .expect(200);
    expect(vip.body).toMatchObject({ category: 'VIP', categorySource: 'vip-flag' });
  });

  it('lists with filters, free text and stable cursor pagination', async () => {
    const tag = `page-${Date.now()}`;
    const made = [];
    for (let i = 0; i < 7; i++)
      made.push(await createClient(t.dataSource, { name: `Пагинация ${i}`, tags: [tag] }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t
        .http()
        .get('/api/v1/clients')
        .query({ tag, limit: 3, sort: '-name', ...(cursor ? { cursor } : {}) })
        .set(as(marketer))
        .expect(200);
      seen.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made.map((c) => c.id).reverse());

    const byPhone = await t
      .http()
      .get('/api/v1/clients')
      .query({ q: made[3].phone!.slice(-7) })
      .set(as(marketer))
      .expect(200);
    expect(byPhone.body.items.map((i: { id: string }) => i.id)).toContain(made[3].id);
    const byName = await t
      .http()
      .get('/api/v1/clients')
      .query({ q: 'пагинация 5' })
      .set(as(marketer))
      .expect(200);
    expect(byName.body.items.map((i: { id: string }) => i.id)).toEqual([made[5].id]);
    await t.http().get('/api/v1/clients').query({ cursor: 'garbage' }).set(as(marketer)).expect(400);
    await t.http().get('/api/v1/clients').query({ sort: 'password' }).set(as(marketer)).expect(400);
  });

  it('paginates by last purchase with clients that never bought', async () => {
    const tag = `lp-${Date.now()}`;
    const never = await createClient(t.dataSource, { tags: [tag] });
    const old = await createClient(t.dataSource, { tags: [tag], lastPurchaseAt: daysAgo(100) });
    const recent = await createClient(t.dataSource, { tags: [tag], lastPurchaseAt: daysAgo(1) });
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t
        .http()
        .get('/api/v1/clients')
        .query({ tag, limit: 1, sort: '-lastPurchaseAt', ...(cursor ? { cursor } : {}) })
        .set(as(marketer))
        .expect(200);
      ids.push(...res.body.items.map((i) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(ids).toEqual([recent.id, old.id, never.id]);
  });

  it('archives and unarchives; archived clients are hidden by default', async () => {
    const c = await createClient(t.dataSource, { name: 'Архивный клиент' });
    await t.http().post(`/api/v1/clients/${c.id}/archive`).set(as(salesOps)).expect(200);
    const list = await t
      .http()
      .get('/api/v1/clients')
      .query({ q: 'Архивный клиент' })
      .set(as(marketer))
      .expect(200);
    expect(list.body.items).toHaveLength(0);
    const archived = await t
      .http()
      .get('/api/v1/clients')
      .query({ q: 'Архивный клиент', archived: 'true' })
      .set(as(marketer))
      .expect(200);
    expect(archived.body.items).toHaveLength(1);
    await t.http().post(`/api/v1/clients/${c.id}/unarchive`).set(as(salesOps)).expect(200);
  });

  it('erases personal data (admin only), keeping aggregates and the consent log', async () => {
    const c = await createClient(t.dataSource, {
      revenueTotal: 1234.5,
      purchaseCount: 2,
      computedCategory: Category.A,
    });
    await createPurchase(t.dataSource, c.id, 1000, daysAgo(3), { product: 'Бетон М300' });
    await t
      .http()
      .put(`/api/v1/clients/${c.id}/preferences`)
      .set(as(salesOps))
      .set('User-Agent', 'test-agent')
      .send({ frequency: 'monthly' })
      .expect(200);
    await t.http().post(`/api/v1/clients/${c.id}/erase`).set(as(salesOps)).expect(403);
    const res = await t.http().post(`/api/v1/clients/${c.id}/erase`).set(as(TEST_ADMIN_KEY)).expect(200);
    expect(res.body).toMatchObject({
      name: '[erased]',
      email: null,
      phone: null,
      externalRef: null,
      address: { recipient: null, lines: [], city: null },
      revenueTotal: 1234.5,
      purchaseCount: 2,
      category: 'A',
    });
    expect(res.body.erasedAt).not.toBeNull();
    expect(res.body.archivedAt).not.toBeNull();
    const [prefs] = await t.dataSource.query(
      `SELECT opted_out FROM client_preferences WHERE client_id = $1`,
      [c.id],
    );
    expect(prefs.opted_out).toBe(true);
    const log = await t.dataSource.query(
      `SELECT item, ip, user_agent FROM consent_log WHERE client_id = $1`,
      [c.id],
    );
    expect(log).toEqual([{ item: 'frequency', ip: null, user_agent: null }]);
    const [purchase] = await t.dataSource.query(
      `SELECT amount, product FROM purchases WHERE client_id = $1`,
      [c.id],
    );
    expect(purchase).toEqual({ amount: '1000.00', product: null });
    await t.http().patch(`/api/v1/clients/${c.id}`).set(as(salesOps)).send({ name: 'Back' }).expect(409);
  });

  it('answers 404 for an unknown client', async () => {
    await t.http().get('/api/v1/clients/00000000-0000-4000-8000-000000000000').set(as(marketer)).expect(404);
  });
});
