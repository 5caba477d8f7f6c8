import { Category, Client, Stage } from '@touchbase/clients';
import { Locale, StaffRole } from '@touchbase/core';
import { SegmentsService } from '@touchbase/segments';
import { StaffMember } from '@touchbase/staff';
import { createClient, createPurchase, daysAgo } from '../factories/client.factory';
import { createStaffMember, createStaffWithKey } from '../factories/staff.factory';
import { createTopic, setTopicSubscription } from '../factories/topic.factory';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

const INJECTION = "x'); DROP TABLE clients; --";

describe('Segments API', () => {
  let t: TestApp;
  let marketer: string;
  let marketerStaff: StaffMember;
  let salesOps: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const client = (overrides: Partial<Client> = {}) => createClient(t.dataSource, overrides);
  const ids = (...clients: { id: string }[]) => clients.map((c) => c.id).sort();

  const preview = (rules: unknown, key = marketer) =>
    t.http().post('/api/v1/segments/preview').set(as(key)).send({ rules });

  /** The ids of the clients the rules match now (every fixture here stays under the sample size). */
  async function matching(rules: unknown): Promise<string[]> {
    const res = await preview(rules);
    if (res.status !== 200) throw new Error(`preview answered ${res.status}: ${JSON.stringify(res.body)}`);
    expect(res.body.count).toBe(res.body.sample.length);
    return (res.body.sample as { id: string }[]).map((s) => s.id).sort();
  }

  /** The 400 a preview answers, as { path: messages joined }. */
  async function problems(rules: unknown): Promise<Record<string, string>> {
    const res = await preview(rules).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'validation_failed' });
    return Object.fromEntries(
      (res.body.details as { field: string; messages: string[] }[]).map((d) => [
        d.field,
        d.messages.join(' | '),
      ]),
    );
  }

  const cond = (field: string, op: string, value?: unknown, windowDays?: number) => ({
    field,
    op,
    ...(value !== undefined && { value }),
    ...(windowDays !== undefined && { windowDays }),
  });

  beforeAll(async () => {
    t = await createTestApp();
    ({ key: marketer, staff: marketerStaff } = await createStaffWithKey(t.dataSource, StaffRole.Marketer));
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
  });
  afterAll(() => t.close());

  // Each test sees only its own clients (the factory writes no consent-log rows, so this is allowed).
  beforeEach(() => t.dataSource.query(`DELETE FROM clients`));

  describe('fields and operators', () => {
    it('category: eq, neq, in, notIn (neq / notIn include clients without a category)', async () => {
      const a = await client({ computedCategory: Category.A });
      const b = await client({ computedCategory: Category.B });
      const vip = await client({ computedCategory: Category.C, vipFlag: true });
      const none = await client();
      expect(await matching(cond('category', 'eq', 'A'))).toEqual(ids(a));
      expect(await matching(cond('category', 'eq', 'vip'))).toEqual(ids(vip));
      expect(await matching(cond('category', 'neq', 'A'))).toEqual(ids(b, vip, none));
      expect(await matching(cond('category', 'in', ['A', 'VIP']))).toEqual(ids(a, vip));
      expect(await matching(cond('category', 'notIn', ['A', 'VIP']))).toEqual(ids(b, none));
    });

    it('stage: eq, neq, in, notIn', async () => {
      const potential = await client({ stage: Stage.Potential });
      const key = await client({ stage: Stage.Key });
      const lapsed = await client({ stage: Stage.Lapsed });
      expect(await matching(cond('stage', 'eq', 'key'))).toEqual(ids(key));
      expect(await matching(cond('stage', 'neq', 'key'))).toEqual(ids(potential, lapsed));
      expect(await matching(cond('stage', 'in', ['key', 'lapsed']))).toEqual(ids(key, lapsed));
      expect(await matching(cond('stage', 'notIn', ['potential']))).toEqual(ids(key, lapsed));
    });

    it('owner: eq, neq, in, notIn, isSet, isNotSet; an unknown staff member is a 400', async () => {
      const o1 = await createStaffMember(t.dataSource, { role: StaffRole.SalesOps });
      const o2 = await createStaffMember(t.dataSource, { role: StaffRole.SalesOps });
      const c1 = await client({ ownerId: o1.id });
      const c2 = await client({ ownerId: o2.id });
      const c3 = await client({ ownerId: null });
      expect(await matching(cond('owner', 'eq', o1.id))).toEqual(ids(c1));
      expect(await matching(cond('owner', 'eq', o1.id.toUpperCase()))).toEqual(ids(c1));
      expect(await matching(cond('owner', 'neq', o1.id))).toEqual(ids(c2, c3));
      expect(await matching(cond('owner', 'in', [o1.id, o2.id]))).toEqual(ids(c1, c2));
      expect(await matching(cond('owner', 'notIn', [o1.id]))).toEqual(ids(c2, c3));
      expect(await matching(cond('owner', 'isSet'))).toEqual(ids(c1, c2));
      expect(await matching(cond('owner', 'isNotSet'))).toEqual(ids(c3));
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect(await problems({ all: [cond('owner', 'in', [o1.id, unknown])] })).toEqual({
        'rules.all[0].value[1]': `no staff member has id ${unknown}`,
      });
    });

    it('tags: contains, containsAny, containsAll, isEmpty (values lower-cased)', async () => {
      const dealer = await client({ tags: ['dealer', 'ural'] });
      const ural = await client({ tags: ['ural'] });
      const wholesale = await client({ tags: ['wholesale'] });
      const none = await client({ tags: [] });
      expect(await matching(cond('tags', 'contains', ' DEALER '))).toEqual(ids(dealer));
      expect(await matching(cond('tags', 'containsAny', ['dealer', 'Wholesale']))).toEqual(
        ids(dealer, wholesale),
      );
      expect(await matching(cond('tags', 'containsAll', ['ural', 'dealer']))).toEqual(ids(dealer));
      expect(await matching(cond('tags', 'containsAll', ['ural']))).toEqual(ids(dealer, ural));
      expect(await matching(cond('tags', 'isEmpty'))).toEqual(ids(none));
      expect(await matching({ not: cond('tags', 'isEmpty') })).toEqual(ids(dealer, ural, wholesale));
    });

    it('city: eq, neq, in, notIn, ignoring case (Cyrillic too)', async () => {
      const ekb = await client({ addressCity: 'Екатеринбург' });
      const perm = await client({ addressCity: 'Пермь' });
      const none = await client({ addressCity: null });
      expect(await matching(cond('city', 'eq', 'екатеринбург'))).toEqual(ids(ekb));
      expect(await matching(cond('city', 'eq', ' ЕКАТЕРИНБУРГ '))).toEqual(ids(ekb));
      expect(await matching(cond('city', 'neq', 'Екатеринбург'))).toEqual(ids(perm, none));
      expect(await matching(cond('city', 'in', ['пермь', 'Москва']))).toEqual(ids(perm));
      expect(await matching(cond('city', 'notIn', ['ПЕРМЬ']))).toEqual(ids(ekb, none));
    });

    it('region: eq, neq, in, notIn, ignoring case', async () => {
      const sverdl = await client({ addressRegion: 'Свердловская область' });
      const perm = await client({ addressRegion: 'Пермский край' });
      const none = await client({ addressRegion: null });
      expect(await matching(cond('region', 'eq', 'свердловская ОБЛАСТЬ'))).toEqual(ids(sverdl));
      expect(await matching(cond('region', 'neq', 'Пермский край'))).toEqual(ids(sverdl, none));
      expect(await matching(cond('region', 'in', ['пермский край', 'Тюменская область']))).toEqual(ids(perm));
      expect(await matching(cond('region', 'notIn', ['Пермский край', 'Свердловская область']))).toEqual(
        ids(none),
      );
    });

    it('country: eq, neq, in, notIn (codes in any case)', async () => {
      const ru = await client({ addressCountry: 'RU' });
      const kz = await client({ addressCountry: 'KZ' });
      const none = await client({ addressCountry: null });
      expect(await matching(cond('country', 'eq', 'ru'))).toEqual(ids(ru));
      expect(await matching(cond('country', 'neq', 'RU'))).toEqual(ids(kz, none));
      expect(await matching(cond('country', 'in', ['kz', 'BY']))).toEqual(ids(kz));
      expect(await matching(cond('country', 'notIn', ['RU', 'KZ']))).toEqual(ids(none));
    });

    it('locale: eq, neq, in, notIn', async () => {
      const ru = await client({ locale: Locale.Ru });
      const en = await client({ locale: Locale.En });
      expect(await matching(cond('locale', 'eq', 'en'))).toEqual(ids(en));
      expect(await matching(cond('locale', 'neq', 'en'))).toEqual(ids(ru));
      expect(await matching(cond('locale', 'in', ['ru', 'en']))).toEqual(ids(ru, en));
      expect(await matching(cond('locale', 'notIn', ['ru']))).toEqual(ids(en));
    });

    it('revenue: gt, gte, lt, lte, between over a trailing window (365 days by default)', async () => {
      const big = await client();
      await createPurchase(t.dataSource, big.id, 60_000, daysAgo(10));
      await createPurchase(t.dataSource, big.id, 50_000, daysAgo(100));
      const small = await client();
      await createPurchase(t.dataSource, small.id, 5_000, daysAgo(20));
      const old = await client();
      await createPurchase(t.dataSource, old.id, 200_000, daysAgo(400));
      const none = await client();
      // In the default window: big 110 000, small 5 000, old 0, none 0.
      expect(await matching(cond('revenue', 'gt', 100_000))).toEqual(ids(big));
      expect(await matching(cond('revenue', 'gte', 110_000))).toEqual(ids(big));
      expect(await matching(cond('revenue', 'gt', 110_000))).toEqual([]);
      expect(await matching(cond('revenue', 'lt', 5_000))).toEqual(ids(old, none));
      expect(await matching(cond('revenue', 'lte', 5_000))).toEqual(ids(small, old, none));
      expect(await matching(cond('revenue', 'between', [5_000, 60_000]))).toEqual(ids(small));
      // Over 30 days big has 60 000; over 730 days old has 200 000.
      expect(await matching(cond('revenue', 'between', [5_000, 60_000], 30))).toEqual(ids(big, small));
      expect(await matching(cond('revenue', 'gte', 200_000, 730))).toEqual(ids(old));
      expect(await matching(cond('revenue', 'gt', 0.5, 5))).toEqual([]);
    });

    it.each([
      ['lastPurchase', 'lastPurchaseAt'],
      ['lastTouch', 'lastTouchAt'],
    ] as const)('%s: olderThanDays (never excluded), withinDays, never', async (field, column) => {
      const recent = await client({ [column]: daysAgo(5) });
      const old = await client({ [column]: daysAgo(200) });
      const never = await client({ [column]: null });
      expect(await matching(cond(field, 'olderThanDays', 90))).toEqual(ids(old));
      expect(await matching(cond(field, 'withinDays', 90))).toEqual(ids(recent));
      expect(await matching(cond(field, 'withinDays', 365))).toEqual(ids(recent, old));
      expect(await matching(cond(field, 'never'))).toEqual(ids(never));
      expect(await matching({ not: cond(field, 'never') })).toEqual(ids(recent, old));
    });

    it('contactVerified: olderThanDays (never included), withinDays, never', async () => {
      const recent = await client({ contactVerifiedAt: daysAgo(5) });
      const old = await client({ contactVerifiedAt: daysAgo(400) });
      const never = await client({ contactVerifiedAt: null });
      expect(await matching(cond('contactVerified', 'olderThanDays', 365))).toEqual(ids(old, never));
      expect(await matching(cond('contactVerified', 'withinDays', 30))).toEqual(ids(recent));
      expect(await matching(cond('contactVerified', 'never'))).toEqual(ids(never));
    });

    it('lastClick (clicked within N days) and lastEngagement (no engagement for N days: clicks, human opens, purchases; since creation)', async () => {
      const engaged = (c: { id: string }, e: { click?: Date; open?: Date; machineOpens?: number }) =>
        t.dataSource.query(
          `INSERT INTO client_engagement (client_id, last_click_at, last_open_at, clicks, opens, machine_opens)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [c.id, e.click ?? null, e.open ?? null, e.click ? 1 : 0, e.open ? 1 : 0, e.machineOpens ?? 0],
        );
      const clickedRecently = await client();
      await engaged(clickedRecently, { click: daysAgo(3) });
      const clickedLongAgo = await client({ lastPurchaseAt: daysAgo(300) });
      await engaged(clickedLongAgo, { click: daysAgo(60) });
      const opened = await client({ createdAt: daysAgo(400) } as Partial<Client>);
      await engaged(opened, { open: daysAgo(5) });
      const bought = await client({
        lastPurchaseAt: daysAgo(10),
        createdAt: daysAgo(400),
      } as Partial<Client>);
      const silentOld = await client({ createdAt: daysAgo(200) } as Partial<Client>);
      const silentNew = await client();
      // Machine opens (privacy proxies, scanners) are not engagement.
      const machinesOnly = await client({ createdAt: daysAgo(200) } as Partial<Client>);
      await engaged(machinesOnly, { machineOpens: 4 });

      expect(await matching(cond('lastClick', 'withinDays', 30))).toEqual(ids(clickedRecently));
      expect(await matching(cond('lastClick', 'olderThanDays', 30))).toEqual(ids(clickedLongAgo));
      expect(await matching(cond('lastClick', 'never'))).toEqual(
        ids(opened, bought, silentOld, silentNew, machinesOnly),
      );
      expect(await matching(cond('lastEngagement', 'olderThanDays', 30))).toEqual(
        ids(clickedLongAgo, silentOld, machinesOnly),
      );
      expect(await matching(cond('lastEngagement', 'withinDays', 30))).toEqual(
        ids(clickedRecently, opened, bought, silentNew),
      );
      // The count agrees with the members.
      const count = await t
        .http()
        .post('/api/v1/segments/preview')
        .set(as(marketer))
        .send({ rules: { not: cond('lastEngagement', 'olderThanDays', 30) } })
        .expect(200);
      expect(count.body.count).toBe(4);
    });

    it('hasEmail, hasPhone, hasAddress: is true / is false', async () => {
      const full = await client();
      const noEmail = await client({ email: null });
      const noPhone = await client({ phone: null });
      const noStreet = await client({ addressLines: [] });
      const noCity = await client({ addressCity: null });
      const noPostal = await client({ addressPostalCode: null });
      const noCountry = await client({ addressCountry: null });
      const everyone = [full, noEmail, noPhone, noStreet, noCity, noPostal, noCountry];
      const except = (...out: Client[]) => ids(...everyone.filter((c) => !out.includes(c)));
      expect(await matching(cond('hasEmail', 'is', true))).toEqual(except(noEmail));
      expect(await matching(cond('hasEmail', 'is', false))).toEqual(ids(noEmail));
      expect(await matching(cond('hasPhone', 'is', true))).toEqual(except(noPhone));
      expect(await matching(cond('hasPhone', 'is', false))).toEqual(ids(noPhone));
      expect(await matching(cond('hasAddress', 'is', true))).toEqual(ids(full, noEmail, noPhone));
      expect(await matching(cond('hasAddress', 'is', false))).toEqual(
        ids(noStreet, noCity, noPostal, noCountry),
      );
    });

    it("topicSubscribed: the client's choice, else the topic's default; unknown topics are a 400", async () => {
      await createTopic(t.dataSource, 'vip-events', { ru: 'События', en: 'Events' });
      const plain = await client();
      const unsubscribed = await client();
      const optedIn = await client();
      await setTopicSubscription(t.dataSource, unsubscribed.id, 'news', false);
      await setTopicSubscription(t.dataSource, optedIn.id, 'vip-events', true);
      expect(await matching(cond('topicSubscribed', 'is', 'news'))).toEqual(ids(plain, optedIn));
      expect(await matching(cond('topicSubscribed', 'is', { topic: 'news', subscribed: false }))).toEqual(
        ids(unsubscribed),
      );
      expect(
        await matching(cond('topicSubscribed', 'is', { topic: 'vip-events', subscribed: true })),
      ).toEqual(ids(optedIn));
      expect(
        await matching(cond('topicSubscribed', 'is', { topic: 'vip-events', subscribed: false })),
      ).toEqual(ids(plain, unsubscribed));
      const bad = await problems(cond('topicSubscribed', 'is', 'no-such-topic'));
      expect(bad['rules.value']).toMatch(/no topic has key "no-such-topic"; topics: .*news.*vip-events/);
    });

    it('optedOut: is true / is false (a client without a preferences row is not opted out)', async () => {
      const out = await client();
      const inn = await client();
      const noRow = await client();
      await t.dataSource.query(`UPDATE client_preferences SET opted_out = true WHERE client_id = $1`, [
        out.id,
      ]);
      await t.dataSource.query(`DELETE FROM client_preferences WHERE client_id = $1`, [noRow.id]);
      expect(await matching(cond('optedOut', 'is', true))).toEqual(ids(out));
      expect(await matching(cond('optedOut', 'is', false))).toEqual(ids(inn, noRow));
    });
  });

  describe('trees', () => {
    it('combines all, any and not at any depth', async () => {
      const a1 = await client({ computedCategory: Category.A, addressCity: 'Пермь', tags: ['dealer'] });
      const a2 = await client({ computedCategory: Category.A, addressCity: 'Екатеринбург' });
      const b1 = await client({ computedCategory: Category.B, addressCity: 'Пермь' });
      const vip = await client({ vipFlag: true, tags: ['dealer'] });
      const isA = cond('category', 'eq', 'A');
      const dealer = cond('tags', 'contains', 'dealer');
      const perm = cond('city', 'eq', 'Пермь');
      expect(
        await matching({ all: [{ any: [isA, cond('category', 'eq', 'VIP')] }, { not: dealer }] }),
      ).toEqual(ids(a2));
      expect(
        await matching({
          any: [{ all: [isA, perm] }, { all: [cond('category', 'eq', 'B'), { not: perm }] }],
        }),
      ).toEqual(ids(a1));
      expect(await matching({ not: { any: [isA, { not: dealer }] } })).toEqual(ids(vip));
      expect(await matching({ not: { not: perm } })).toEqual(ids(a1, b1));
      expect(await matching({ all: [{ all: [{ any: [{ all: [perm] }] }] }] })).toEqual(ids(a1, b1));
    });

    it('treats an empty all as everyone and an empty any as nobody', async () => {
      const a = await client();
      const b = await client();
      expect(await matching({ all: [] })).toEqual(ids(a, b));
      expect(await matching({ any: [] })).toEqual([]);
      expect(await matching({ not: { all: [] } })).toEqual([]);
      expect(await matching({ not: { any: [] } })).toEqual(ids(a, b));
    });

    it('never counts archived or erased clients, in preview and members', async () => {
      const active = await client({ name: 'Активный' });
      await client({ name: 'Архивный', archivedAt: new Date() });
      await client({ name: '[erased]', archivedAt: new Date(), erasedAt: new Date() });
      await client({ name: 'Стёртый, но не в архиве', erasedAt: new Date() });
      expect(await matching({ all: [] })).toEqual(ids(active));
      expect(await matching(cond('hasEmail', 'is', true))).toEqual(ids(active));

      const seg = await t
        .http()
        .post('/api/v1/segments')
        .set(as(marketer))
        .send({ name: 'Все', rules: { all: [] } })
        .expect(201);
      const members = await t
        .http()
        .get(`/api/v1/segments/${seg.body.id}/members`)
        .set(as(salesOps))
        .expect(200);
      expect(members.body.items.map((m: { id: string }) => m.id)).toEqual([active.id]);
    });
  });

  describe('validation', () => {
    it('answers 400 for an unknown field, naming its path and the allowed fields', async () => {
      const bad = await problems({ all: [cond('stage', 'eq', 'key'), cond('password', 'eq', 'x')] });
      expect(Object.keys(bad)).toEqual(['rules.all[1].field']);
      expect(bad['rules.all[1].field']).toContain(
        'unknown field "password"; allowed fields: category, stage, owner',
      );
      expect(bad['rules.all[1].field']).toContain('topicSubscribed, optedOut');
    });

    it('answers 400 for an operator the field does not have, listing its operators', async () => {
      const bad = await problems({ all: [cond('stage', 'eq', 'key'), cond('category', 'contains', 'A')] });
      expect(bad).toEqual({
        'rules.all[1].op':
          'operator "contains" is not allowed for field category; allowed operators: eq, neq, in, notIn',
      });
      expect(await problems({ not: cond('revenue', 'eq', 5) })).toEqual({
        'rules.not.op':
          'operator "eq" is not allowed for field revenue; allowed operators: gt, gte, lt, lte, between',
      });
    });

    it('answers 400 for bad values, every one at once', async () => {
      const bad = await problems({
        any: [
          cond('category', 'in', []),
          cond('lastPurchase', 'withinDays', -1),
          cond('revenue', 'between', [100, 1]),
          cond('revenue', 'gt', 1, 5000),
          cond('owner', 'eq', 'not-a-uuid'),
          cond('hasAddress', 'is', 'yes'),
          cond(
            'stage',
            'in',
            Array.from({ length: 1001 }, () => 'key'),
          ),
        ],
      });
      expect(Object.keys(bad)).toEqual([
        'rules.any[0].value',
        'rules.any[1].value',
        'rules.any[2].value',
        'rules.any[3].windowDays',
        'rules.any[4].value',
        'rules.any[5].value',
        'rules.any[6].value',
      ]);
      expect(bad['rules.any[2].value']).toContain('min ≤ max');
    });

    it('answers 400 for a tree too deep or too large, and for rules that are not an object', async () => {
      let deep: unknown = cond('hasEmail', 'is', true);
      for (let i = 0; i < 10; i += 1) deep = { not: deep };
      expect(Object.values(await problems(deep))).toEqual(['rules may nest at most 10 levels deep']);
      const wide = { any: Array.from({ length: 201 }, () => cond('hasEmail', 'is', true)) };
      expect(await problems(wide)).toEqual({ rules: 'rules may hold at most 200 conditions; found 201' });
      const notObject = await preview([cond('hasEmail', 'is', true)]).expect(400);
      expect(notObject.body.details[0].field).toBe('rules');
      await t.http().post('/api/v1/segments/preview').set(as(marketer)).send({}).expect(400);
    });
  });

  describe('CRUD', () => {
    const create = (body: Record<string, unknown>, key = marketer) =>
      t.http().post('/api/v1/segments').set(as(key)).send(body);

    it('creates, reads, lists, changes and deletes a segment, storing normalised rules', async () => {
      const created = await create({
        name: '  Крупные на Урале ',
        description: 'A и VIP',
        rules: {
          all: [
            cond('category', 'in', ['a', 'VIP']),
            cond('tags', 'contains', 'URAL'),
            cond('revenue', 'gt', 0),
          ],
        },
      }).expect(201);
      expect(created.body).toMatchObject({
        name: 'Крупные на Урале',
        description: 'A и VIP',
        createdBy: marketerStaff.id,
        rules: {
          all: [
            { field: 'category', op: 'in', value: ['A', 'VIP'] },
            { field: 'tags', op: 'contains', value: 'ural' },
            { field: 'revenue', op: 'gt', value: 0, windowDays: 365 },
          ],
        },
      });
      const id = created.body.id as string;
      expect((await t.http().get(`/api/v1/segments/${id}`).set(as(salesOps)).expect(200)).body).toEqual(
        created.body,
      );
      const list = await t.http().get('/api/v1/segments').set(as(salesOps)).expect(200);
      expect(list.body.items.map((s: { id: string }) => s.id)).toContain(id);

      const changed = await t
        .http()
        .patch(`/api/v1/segments/${id}`)
        .set(as(marketer))
        .send({ name: 'Урал', rules: { any: [] } })
        .expect(200);
      expect(changed.body).toMatchObject({ id, name: 'Урал', description: 'A и VIP', rules: { any: [] } });
      expect(new Date(changed.body.updatedAt).getTime()).toBeGreaterThanOrEqual(
        new Date(created.body.updatedAt).getTime(),
      );

      await t.http().delete(`/api/v1/segments/${id}`).set(as(marketer)).expect(204);
      await t.http().get(`/api/v1/segments/${id}`).set(as(marketer)).expect(404);
      await t.http().delete(`/api/v1/segments/${id}`).set(as(marketer)).expect(404);
      await t.http().get('/api/v1/segments/not-a-uuid').set(as(marketer)).expect(400);
      for (const body of [{ name: null }, { description: null }, { rules: null }, { name: '  ' }]) {
        await t.http().patch(`/api/v1/segments/${id}`).set(as(marketer)).send(body).expect(400);
      }
    });

    it('refuses a duplicate name, ignoring case, with 409 on create and on rename', async () => {
      await create({ name: 'Дилеры', rules: { all: [] } }).expect(201);
      const dup = await create({ name: 'ДИЛЕРЫ', rules: { all: [] } }).expect(409);
      expect(dup.body).toMatchObject({
        statusCode: 409,
        error: 'conflict',
        message: expect.stringContaining('Дилеры'),
      });
      const other = await create({ name: 'Оптовики', rules: { all: [] } }).expect(201);
      await t
        .http()
        .patch(`/api/v1/segments/${other.body.id}`)
        .set(as(marketer))
        .send({ name: 'дилеры' })
        .expect(409);
      // Renaming a segment to its own name in another case is no conflict.
      await t
        .http()
        .patch(`/api/v1/segments/${other.body.id}`)
        .set(as(marketer))
        .send({ name: 'ОПТОВИКИ' })
        .expect(200);
    });

    it('validates rules on create and on change, and writes nothing when they are bad', async () => {
      const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM segments`);
      const bad = await create({ name: 'Плохой', rules: { all: [cond('category', 'gt', 'A')] } }).expect(400);
      expect(bad.body.details).toEqual([
        {
          field: 'rules.all[0].op',
          messages: [expect.stringContaining('allowed operators: eq, neq, in, notIn')],
        },
      ]);
      await create({ name: 'Без правил' }).expect(400);
      expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM segments`)).toEqual(before);
      const ok = await create({ name: 'Хороший', rules: { all: [] } }).expect(201);
      await t
        .http()
        .patch(`/api/v1/segments/${ok.body.id}`)
        .set(as(marketer))
        .send({ rules: { any: [cond('nope', 'eq', 1)] } })
        .expect(400);
      expect((await t.http().get(`/api/v1/segments/${ok.body.id}`).set(as(marketer))).body.rules).toEqual({
        all: [],
      });
    });

    it('lets every role read and preview, and only marketers and admins write', async () => {
      const seg = await create({ name: 'Для ролей', rules: { all: [] } }, TEST_ADMIN_KEY).expect(201);
      const id = seg.body.id as string;
      await t.http().get('/api/v1/segments').set(as(salesOps)).expect(200);
      await t.http().get('/api/v1/segments/fields').set(as(salesOps)).expect(200);
      await t.http().get(`/api/v1/segments/${id}`).set(as(salesOps)).expect(200);
      await t.http().get(`/api/v1/segments/${id}/members`).set(as(salesOps)).expect(200);
      await preview({ all: [] }, salesOps).expect(200);
      const denied = await create({ name: 'Продажи', rules: { all: [] } }, salesOps).expect(403);
      expect(denied.body.error).toBe('forbidden');
      await t.http().patch(`/api/v1/segments/${id}`).set(as(salesOps)).send({ name: 'x' }).expect(403);
      await t.http().delete(`/api/v1/segments/${id}`).set(as(salesOps)).expect(403);
      await t.http().get('/api/v1/segments').expect(401);
    });
  });

  describe('members and preview', () => {
    it('pages members by name then id, with a cursor, and rejects a forged cursor', async () => {
      const names = ['Бета', 'Альфа', 'Гамма', 'Альфа', 'Дельта'];
      for (const name of names) await client({ name });
      await client({ name: 'Аа (архив)', archivedAt: new Date() });
      const seg = await t
        .http()
        .post('/api/v1/segments')
        .set(as(marketer))
        .send({ name: 'Страницы', rules: { all: [] } })
        .expect(201);
      const expected: { id: string; name: string }[] = await t.dataSource.query(
        `SELECT id, name FROM clients WHERE archived_at IS NULL ORDER BY name, id`,
      );
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: Record<string, string | number> = cursor ? { limit: 2, cursor } : { limit: 2 };
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t
          .http()
          .get(`/api/v1/segments/${seg.body.id}/members`)
          .query(query)
          .set(as(salesOps))
          .expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((m) => m.id));
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual(expected.map((e) => e.id));

      const forged = Buffer.from(JSON.stringify(['x', "1'; DROP TABLE clients; --"])).toString('base64url');
      const bad = await t
        .http()
        .get(`/api/v1/segments/${seg.body.id}/members?cursor=${forged}`)
        .set(as(salesOps))
        .expect(400);
      expect(bad.body.details[0].field).toBe('cursor');
      await t
        .http()
        .get('/api/v1/segments/00000000-0000-4000-8000-000000000000/members')
        .set(as(salesOps))
        .expect(404);
    });

    it('previews a count of all matches and a sample of the first 20 by name', async () => {
      for (let i = 0; i < 25; i += 1) {
        await client({
          name: `Клиент ${String(i).padStart(2, '0')}`,
          email: i % 5 === 0 ? null : `c${i}@example.com`,
        });
      }
      const res = await preview(cond('hasEmail', 'is', true)).expect(200);
      expect(res.body.count).toBe(20);
      expect(res.body.sample).toHaveLength(20);
      const all = await preview({ all: [] }).expect(200);
      expect(all.body.count).toBe(25);
      expect(all.body.sample.map((s: { name: string }) => s.name)).toEqual(
        Array.from({ length: 20 }, (_, i) => `Клиент ${String(i).padStart(2, '0')}`),
      );
      expect(Object.keys(all.body.sample[0]).sort()).toEqual([
        'category',
        'city',
        'email',
        'id',
        'name',
        'phone',
        'stage',
      ]);
    });

    it('describes the fields, their operators and value types', async () => {
      const res = await t.http().get('/api/v1/segments/fields').set(as(salesOps)).expect(200);
      const byField = Object.fromEntries(res.body.items.map((f: { field: string }) => [f.field, f]));
      expect(Object.keys(byField)).toEqual([
        'category',
        'stage',
        'owner',
        'tags',
        'city',
        'region',
        'country',
        'locale',
        'revenue',
        'lastPurchase',
        'lastClick',
        'lastEngagement',
        'lastTouch',
        'contactVerified',
        'hasEmail',
        'hasPhone',
        'hasAddress',
        'topicSubscribed',
        'optedOut',
      ]);
      expect(byField.owner.ops.map((o: { op: string }) => o.op)).toEqual([
        'eq',
        'neq',
        'in',
        'notIn',
        'isSet',
        'isNotSet',
      ]);
      expect(byField.revenue.windowDays).toMatchObject({ min: 1, max: 3650, default: 365 });
      expect(byField.stage.ops[0].value).toMatchObject({
        type: 'string',
        allowed: expect.arrayContaining(['lapsed']),
      });
    });

    it('compiles a saved segment for a bigger statement, numbering placeholders after an offset', async () => {
      const keep = await client({ name: 'Нужный', tags: ['dealer'] });
      await client({ name: 'Лишний', tags: ['dealer'] });
      await client({ name: 'Чужой' });
      const seg = await t
        .http()
        .post('/api/v1/segments')
        .set(as(marketer))
        .send({ name: 'Дилеры для плана', rules: cond('tags', 'contains', 'dealer') })
        .expect(201);
      const compiled = await t.app.get(SegmentsService).compile(seg.body.id, 2);
      expect(compiled.sql).toContain('$3::text');
      const rows = await t.dataSource.query(
        `SELECT c.id FROM clients c WHERE c.name <> $1 AND c.stage = $2 AND ${compiled.sql}`,
        ['Лишний', 'potential', ...compiled.params],
      );
      expect(rows.map((r: { id: string }) => r.id)).toEqual([keep.id]);
    });
  });

  describe('SQL injection', () => {
    it('treats payloads as data: correct (empty) results, 400 for typed values, and the clients table intact', async () => {
      await client({ addressCity: 'Екатеринбург', tags: ['dealer'] });
      const literal = await client({ addressCity: INJECTION, tags: [INJECTION.toLowerCase()] });
      const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM clients`);

      for (const rules of [
        cond('city', 'eq', `${INJECTION} `.repeat(2)),
        cond('city', 'in', [`${INJECTION}x`, "' OR '1'='1"]),
        cond('region', 'eq', INJECTION),
        cond('tags', 'contains', `${INJECTION}2`),
        cond('tags', 'containsAny', ["' OR 1=1 --", `${INJECTION}2`]),
      ]) {
        expect(await matching(rules)).toEqual([]);
      }
      // The payload is an ordinary value: the one client that holds it matches, nobody else.
      expect(await matching(cond('city', 'eq', INJECTION))).toEqual(ids(literal));
      expect(await matching(cond('tags', 'containsAll', [INJECTION]))).toEqual(ids(literal));

      expect(Object.keys(await problems(cond('owner', 'eq', INJECTION)))).toEqual(['rules.value']);
      expect(Object.keys(await problems(cond('owner', 'in', [INJECTION])))).toEqual(['rules.value']);
      expect(Object.keys(await problems(cond('topicSubscribed', 'is', INJECTION)))).toEqual(['rules.value']);
      expect(Object.keys(await problems(cond('topicSubscribed', 'is', { topic: INJECTION })))).toEqual([
        'rules.value',
      ]);
      expect(Object.keys(await problems(cond(INJECTION, 'eq', 'x')))).toEqual(['rules.field']);
      expect(Object.keys(await problems(cond('city', INJECTION, 'x')))).toEqual(['rules.op']);

      const named = await t
        .http()
        .post('/api/v1/segments')
        .set(as(marketer))
        .send({ name: INJECTION, description: INJECTION, rules: cond('city', 'neq', INJECTION) })
        .expect(201);
      expect(named.body).toMatchObject({ name: INJECTION, description: INJECTION });
      const members = await t
        .http()
        .get(`/api/v1/segments/${named.body.id}/members`)
        .set(as(marketer))
        .expect(200);
      expect(members.body.items).toHaveLength(1);

      expect(await t.dataSource.query(`SELECT to_regclass('public.clients') IS NOT NULL AS present`)).toEqual(
        [{ present: true }],
      );
      expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM clients`)).toEqual(before);
    });
  });
});
