import { StaffRole } from '@touchbase/core';
import { createStaffMember, createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

const as = (key: string) => ({ Authorization: `Bearer ${key}` });

interface ClientRow {
  id: string;
  external_ref: string;
  name: string;
  email: string | null;
  phone: string | null;
  owner_id: string | null;
  tags: string[];
  archived_at: Date | null;
  updated_at: Date;
}

describe('Bulk sync (changes in from a CRM)', () => {
  let t: TestApp;
  let salesOps: string;
  let salesOpsId: string;
  let marketer: string;

  const upsert = (items: unknown[], key?: string, token = salesOps) => {
    const req = t.http().post('/api/v1/clients/bulk').set(as(token));
    if (key) req.set('Idempotency-Key', key);
    return req.send({ items });
  };
  const clientsByRef = async (prefix: string): Promise<ClientRow[]> =>
    t.dataSource.query(
      `SELECT id, external_ref, name, email, phone, owner_id, tags, archived_at, updated_at
         FROM clients WHERE external_ref LIKE $1 ORDER BY external_ref`,
      [`${prefix}%`],
    );
  const outbox = async (prefix: string): Promise<{ type: string; payload: Record<string, unknown> }[]> =>
    t.dataSource.query(
      `SELECT o.type, o.payload FROM webhook_outbox o
         JOIN clients c ON c.id = o.client_id
        WHERE c.external_ref LIKE $1 ORDER BY o.sequence`,
      [`${prefix}%`],
    );

  beforeAll(async () => {
    t = await createTestApp();
    const member = await createStaffWithKey(t.dataSource, StaffRole.SalesOps);
    salesOps = member.key;
    salesOpsId = member.staff.id;
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
  });
  afterAll(() => t.close());

  it('creates clients by external reference, then updates them; left-out fields keep their values', async () => {
    const owner = await createStaffMember(t.dataSource, { email: 'manager.sync@touchbase.example' });
    const first = await upsert([
      {
        externalRef: 'A-1',
        name: 'ООО «Ромашка»',
        email: 'Info@Romashka.example',
        phone: '+7 912 345-67-89',
        ownerEmail: 'manager.sync@touchbase.example',
        tags: ['Dealer'],
        address: { city: 'Екатеринбург', country: 'ru' },
      },
      { externalRef: 'A-2', name: 'ИП Иванов', kind: 'person' },
    ]).expect(200);
    expect(first.body).toEqual({ total: 2, created: 2, updated: 0, unchanged: 0, failed: 0, errors: [] });
    const created = await clientsByRef('A-');
    expect(created.map((c) => [c.external_ref, c.name, c.email, c.phone, c.owner_id, c.tags])).toEqual([
      ['A-1', 'ООО «Ромашка»', 'info@romashka.example', '+79123456789', owner.id, ['dealer']],
      ['A-2', 'ИП Иванов', null, null, null, []],
    ]);
    const [country] = await t.dataSource.query(
      `SELECT address_country, address_city FROM clients WHERE external_ref = 'A-1'`,
    );
    expect(country).toEqual({ address_country: 'RU', address_city: 'Екатеринбург' });
    // New clients get their first stage and their preferences, as with a single create.
    const [{ stages, prefs }] = await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM stage_history h WHERE h.client_id = ANY($1::uuid[])) AS stages,
              (SELECT count(*)::int FROM client_preferences p WHERE p.client_id = ANY($1::uuid[])) AS prefs`,
      [created.map((c) => c.id)],
    );
    expect({ stages, prefs }).toEqual({ stages: 2, prefs: 2 });

    const second = await upsert([
      { externalRef: 'A-1', name: 'ООО «Ромашка-Урал»' },
      { externalRef: 'A-2', name: 'ИП Иванов' },
      { externalRef: 'A-3', name: 'АО «Вектор»', email: null },
    ]).expect(200);
    expect(second.body).toEqual({ total: 3, created: 1, updated: 1, unchanged: 1, failed: 0, errors: [] });
    const after = await clientsByRef('A-');
    expect(after.map((c) => [c.external_ref, c.name, c.email, c.owner_id])).toEqual([
      ['A-1', 'ООО «Ромашка-Урал»', 'info@romashka.example', owner.id],
      ['A-2', 'ИП Иванов', null, null],
      ['A-3', 'АО «Вектор»', null, null],
    ]);
    // The unchanged client was not written.
    expect(after[1].updated_at).toEqual(created[1].updated_at);

    // null clears a field; the webhook events say what changed, in the same transaction.
    await upsert([{ externalRef: 'A-1', email: null, archived: true }]).expect(200);
    const [a1] = await clientsByRef('A-1');
    expect(a1.email).toBeNull();
    expect(a1.archived_at).not.toBeNull();
    const events = await outbox('A-');
    expect(events.map((e) => [e.type, e.payload.externalRef, e.payload.changed ?? null])).toEqual([
      ['client.created', 'A-1', null],
      ['client.created', 'A-2', null],
      ['client.updated', 'A-1', ['name']],
      ['client.created', 'A-3', null],
      ['client.updated', 'A-1', ['email', 'archivedAt']],
    ]);
    expect(events[4].payload).toMatchObject({ clientId: a1.id, archived: true, stage: 'potential' });
  });

  it('reports bad records by index, field and reason and keeps the good ones', async () => {
    const res = await upsert([
      { externalRef: 'B-1', name: 'Хороший клиент' },
      { externalRef: 'B-2', name: 'Плохой email', email: 'not-an-email' },
      { name: 'Без кода' },
      { externalRef: 'B-4', email: 'new@client.example' },
      { externalRef: 'B-1', name: 'Повтор' },
      { externalRef: 'B-6', name: 'Телефон', phone: '12', colour: 'red' },
      'not an object',
      { externalRef: 'B-8', name: 'Хороший тоже', ownerEmail: 'nobody@touchbase.example' },
      { externalRef: 'B-9', name: 'Хороший третий', locale: 'en', timeZone: 'Europe/Moscow' },
    ]).expect(200);
    expect(res.body).toMatchObject({ total: 9, created: 2, updated: 0, unchanged: 0, failed: 7 });
    const fields = [
      ...new Set(
        (res.body.errors as { index: number; field: string; externalRef: string | null }[]).map(
          (e) => `${e.index} ${e.field} ${e.externalRef}`,
        ),
      ),
    ];
    expect(fields).toEqual([
      '1 email B-2',
      '2 externalRef null',
      '3 name B-4',
      '4 externalRef B-1',
      '5 colour B-6',
      '6  null',
      '7 ownerEmail B-8',
    ]);
    const messages = res.body.errors.map((e: { message: string }) => e.message).join('\n');
    expect(messages).toContain('email must be an email address');
    expect(messages).toContain('name is required for a new client');
    expect(messages).toContain('B-1 is also record 0');
    expect(messages).toContain('colour is not an allowed field');
    expect(messages).toContain('no staff member has the email nobody@touchbase.example');
    expect((await clientsByRef('B-')).map((c) => c.external_ref)).toEqual(['B-1', 'B-9']);
  });

  it('a retried call with the same Idempotency-Key changes nothing twice and returns the stored answer', async () => {
    const items = Array.from({ length: 50 }, (_, i) => ({
      externalRef: `C-${String(i).padStart(3, '0')}`,
      name: `Клиент ${i}`,
      email: `c${i}@sync.example`,
    }));
    const first = await upsert(items, 'chunk-c-1').expect(200);
    expect(first.body).toMatchObject({ created: 50, failed: 0 });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const rows = await clientsByRef('C-');
    const events = (await outbox('C-')).length;
    expect(events).toBe(50);

    const again = await upsert(items, 'chunk-c-1').expect(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await clientsByRef('C-')).toEqual(rows);
    expect((await outbox('C-')).length).toBe(events);

    // Without a key the same call runs again: nothing changes, so nothing is emitted either.
    const plain = await upsert(items).expect(200);
    expect(plain.body).toMatchObject({ created: 0, unchanged: 50 });

    // The same key with another body is refused, and nothing is written.
    const changed = items.map((it) => ({ ...it, name: `${it.name} (новое)` }));
    const reused = await upsert(changed, 'chunk-c-1').expect(422);
    expect(reused.body).toMatchObject({ statusCode: 422, error: 'idempotency_key_reused' });
    expect(reused.body.message).toContain('different request');
    expect(await clientsByRef('C-')).toEqual(rows);

    // Keys belong to their staff member: another member's key of the same name is another key.
    const admin = await upsert(changed, 'chunk-c-1', TEST_ADMIN_KEY).expect(200);
    expect(admin.body).toMatchObject({ updated: 50 });
  });

  it('a call while another with the same key runs gets 409; an expired key may be used again', async () => {
    const items = [{ externalRef: 'D-1', name: 'Параллельный' }];
    const { requestHash } = await import('@touchbase/idempotency');
    await t.dataSource.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, locked_until, expires_at)
       VALUES ($1, 'running-key', $2, now() + interval '10 minutes', now() + interval '1 day')`,
      [salesOpsId, requestHash('POST', '/api/v1/clients/bulk', { items })],
    );
    const busy = await upsert(items, 'running-key').expect(409);
    expect(busy.body.message).toContain('still running');
    expect(await clientsByRef('D-')).toEqual([]);

    // Two calls at once with one key: one runs, the other is refused or gets the stored answer.
    const many = Array.from({ length: 3000 }, (_, i) => ({ externalRef: `E-${i}`, name: `Клиент ${i}` }));
    const [a, b] = await Promise.all([upsert(many, 'race-key'), upsert(many, 'race-key')]);
    const statuses = [a.status, b.status].sort();
    expect([
      [200, 200],
      [200, 409],
    ]).toContainEqual(statuses);
    expect((await clientsByRef('E-')).length).toBe(3000);
    expect((await outbox('E-')).length).toBe(3000);
    for (const r of [a, b].filter((x) => x.status === 200)) expect(r.body).toMatchObject({ total: 3000 });

    // A key past its 24 hours is forgotten: the call runs afresh.
    await t.dataSource.query(
      `UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'running-key'`,
    );
    const fresh = await upsert(items, 'running-key').expect(200);
    expect(fresh.body).toMatchObject({ created: 1 });
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses more than 10,000 records with a clear message, and bad keys and roles', async () => {
    const tooMany = Array.from({ length: 10_001 }, (_, i) => ({ externalRef: `F-${i}`, name: 'X' }));
    const res = await upsert(tooMany).expect(400);
    expect(res.body.details).toEqual([
      {
        field: 'items',
        messages: ['items may hold at most 10000 clients per call; send the rest in further calls'],
      },
    ]);
    expect(await clientsByRef('F-')).toEqual([]);
    await upsert([]).expect(400);
    const badKey = await upsert([{ externalRef: 'F-1', name: 'X' }], 'has spaces in it').expect(400);
    expect(badKey.body.details[0].field).toBe('Idempotency-Key');
    await upsert([{ externalRef: 'F-1', name: 'X' }], undefined, marketer).expect(403);
  });

  it('writes 10,000 clients in one call', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      externalRef: `G-${i}`,
      name: `ООО «Клиент номер ${i}»`,
      email: `client${i}@bulk.example`,
      phone: `+7912${String(i).padStart(7, '0')}`,
      address: { lines: [`ул. Ленина, д. ${i}`], city: 'Екатеринбург', postalCode: '620014', country: 'RU' },
      tags: ['crm', 'bulk'],
      locale: 'ru',
      timeZone: 'Asia/Yekaterinburg',
    }));
    const res = await upsert(items, 'big-chunk').expect(200);
    expect(res.body).toEqual({
      total: 10_000,
      created: 10_000,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
    });
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM clients WHERE external_ref LIKE 'G-%'`,
    );
    expect(n).toBe(10_000);
  });

  it('removes by reference: archive by default, erase for admins; unknown references reported', async () => {
    await upsert([
      { externalRef: 'H-1', name: 'Удаляемый', email: 'h1@sync.example' },
      { externalRef: 'H-2', name: 'Стираемый', email: 'h2@sync.example' },
    ]).expect(200);
    const removal = await t
      .http()
      .post('/api/v1/clients/bulk-delete')
      .set(as(salesOps))
      .send({ externalRefs: ['H-1', 'H-404'] })
      .expect(200);
    expect(removal.body).toEqual({
      total: 2,
      removed: 1,
      unchanged: 0,
      failed: 1,
      errors: [
        {
          index: 1,
          externalRef: 'H-404',
          field: 'externalRefs',
          message: 'no client has the external reference H-404',
        },
      ],
    });
    const [h1] = await clientsByRef('H-1');
    expect(h1.archived_at).not.toBeNull();
    const again = await t
      .http()
      .post('/api/v1/clients/bulk-delete')
      .set(as(salesOps))
      .send({ externalRefs: ['H-1'] });
    expect(again.body).toMatchObject({ removed: 0, unchanged: 1 });
    expect((await outbox('H-1')).map((e) => [e.type, e.payload.changed ?? null])).toEqual([
      ['client.created', null],
      ['client.updated', ['archivedAt']],
    ]);

    const [h2] = await clientsByRef('H-2');
    await t
      .http()
      .post('/api/v1/clients/bulk-delete')
      .set(as(salesOps))
      .send({ externalRefs: ['H-2'], mode: 'erase' })
      .expect(403);
    const erased = await t
      .http()
      .post('/api/v1/clients/bulk-delete')
      .set(as(TEST_ADMIN_KEY))
      .send({ externalRefs: ['H-2'], mode: 'erase' })
      .expect(200);
    expect(erased.body).toMatchObject({ removed: 1, failed: 0 });
    const [gone] = await t.dataSource.query(
      `SELECT name, email, external_ref, erased_at FROM clients WHERE id = $1`,
      [h2.id],
    );
    expect(gone).toMatchObject({ name: '[erased]', email: null, external_ref: null });
    expect(gone.erased_at).not.toBeNull();
    const [{ type }] = await t.dataSource.query(
      `SELECT type FROM webhook_outbox WHERE client_id = $1 ORDER BY sequence DESC LIMIT 1`,
      [h2.id],
    );
    expect(type).toBe('client.erased');
    await t
      .http()
      .post('/api/v1/clients/bulk-delete')
      .set(as(salesOps))
      .send({ externalRefs: ['H-1'], mode: 'wipe' })
      .expect(400);
  });

  it('upserts purchases by reference, attributed to the right client, and deletes them by reference', async () => {
    await upsert([
      { externalRef: 'P-1', name: 'Покупатель 1' },
      { externalRef: 'P-2', name: 'Покупатель 2' },
    ]).expect(200);
    const [p1, p2] = await clientsByRef('P-');
    const items = [
      { externalId: 'INV-P-1', clientExternalRef: 'P-1', purchasedAt: '2026-11-01', amount: 1000 },
      { externalId: 'INV-P-2', clientExternalRef: 'P-2', purchasedAt: '2026-11-02', amount: 2500 },
      { externalId: 'INV-P-3', clientExternalRef: 'P-404', purchasedAt: '2026-11-02', amount: 10 },
    ];
    const post = (body: unknown[], key?: string) => {
      const req = t.http().post('/api/v1/purchases').set(as(salesOps));
      if (key) req.set('Idempotency-Key', key);
      return req.send({ items: body });
    };
    const res = await post(items, 'purchases-1').expect(200);
    expect(res.body).toMatchObject({
      created: 2,
      failed: 1,
      errors: [{ index: 2, field: 'clientExternalRef' }],
    });
    const again = await post(items, 'purchases-1').expect(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(res.body);
    const owners = await t.dataSource.query(
      `SELECT external_id, client_id, amount::float AS amount FROM purchases WHERE external_id LIKE 'INV-P-%' ORDER BY external_id`,
    );
    expect(owners).toEqual([
      { external_id: 'INV-P-1', client_id: p1.id, amount: 1000 },
      { external_id: 'INV-P-2', client_id: p2.id, amount: 2500 },
    ]);
    // Moved to another client in the CRM: the same externalId follows.
    await post([{ ...items[0], clientExternalRef: 'P-2' }]).expect(200);
    const [{ purchase_count: moved }] = await t.dataSource.query(
      `SELECT purchase_count FROM clients WHERE id = $1`,
      [p2.id],
    );
    expect(moved).toBe(2);

    const removal = await t
      .http()
      .post('/api/v1/purchases/bulk-delete')
      .set(as(salesOps))
      .send({ externalIds: ['INV-P-2', 'INV-P-404'] })
      .expect(200);
    expect(removal.body).toEqual({
      total: 2,
      deleted: 1,
      failed: 1,
      errors: [{ index: 1, field: 'externalIds', message: 'no purchase has the externalId INV-P-404' }],
    });
    const [{ purchase_count: left, revenue_total: revenue }] = await t.dataSource.query(
      `SELECT purchase_count, revenue_total::float AS revenue_total FROM clients WHERE id = $1`,
      [p2.id],
    );
    expect({ left, revenue }).toEqual({ left: 1, revenue: 1000 });
  });
});
