import { Category, Client } from '@touchbase/clients';
import { StaffRole } from '@touchbase/core';
import { SegmentCountService } from '@touchbase/segments';
import { createClient } from '../factories/client.factory';
import { createSegment } from '../factories/segment.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TestApp } from '../support/test-app';

describe('Segment live counts', () => {
  let t: TestApp;
  let key: string;
  const as = () => ({ Authorization: `Bearer ${key}` });
  const client = (overrides: Partial<Client> = {}) => createClient(t.dataSource, overrides);
  const count = (rules: unknown) => t.http().post('/api/v1/segments/count').set(as()).send({ rules });

  const threeConditions = {
    all: [
      { field: 'category', op: 'in', value: ['A', 'VIP'] },
      { field: 'city', op: 'eq', value: 'Екатеринбург' },
      { field: 'hasEmail', op: 'is', value: true },
    ],
  };

  beforeAll(async () => {
    t = await createTestApp();
    ({ key } = await createStaffWithKey(t.dataSource, StaffRole.Marketer));
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.dataSource.query(`DELETE FROM segment_counts`);
    await t.dataSource.query(`DELETE FROM clients`);
  });

  async function fixture(): Promise<Client[]> {
    const members: Client[] = [];
    for (let i = 0; i < 16; i++) {
      members.push(await client({ computedCategory: i % 2 ? Category.A : Category.B, vipFlag: i % 4 === 0 }));
    }
    await client({ computedCategory: Category.A, addressCity: 'Пермь' });
    await client({ computedCategory: Category.A, email: null });
    await client({ computedCategory: Category.C });
    // A when i is odd, VIP when i % 4 === 0: twelve members
    return members.filter((_, i) => i % 2 === 1 || i % 4 === 0);
  }

  it('counts exactly when it can, with ten members by name, and agrees with the preview', async () => {
    const members = await fixture();
    const res = await count(threeConditions).expect(200);
    expect(res.body).toMatchObject({ count: members.length, exact: true });
    expect(res.body.ruleHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(res.body.computedAt)).not.toBeNaN();
    expect(res.body.estimatedAt).toBeUndefined();
    expect(res.body.sample).toHaveLength(10);
    const memberIds = new Set(members.map((m) => m.id));
    for (const s of res.body.sample) {
      expect(memberIds.has(s.id)).toBe(true);
      expect(Object.keys(s).sort()).toEqual(['category', 'city', 'id', 'name']);
      expect(s.city).toBe('Екатеринбург');
    }

    const preview = await t
      .http()
      .post('/api/v1/segments/preview')
      .set(as())
      .send({ rules: threeConditions });
    expect(preview.body.count).toBe(res.body.count);

    const byHash = await t.http().get(`/api/v1/segments/counts/${res.body.ruleHash}`).set(as()).expect(200);
    expect(byHash.body).toEqual(res.body);
  });

  it('forgets the counts untouched for a day (the hourly retention), keeping the recent ones', async () => {
    await fixture();
    const old = (await count(threeConditions).expect(200)).body.ruleHash as string;
    const recent = (await count({ field: 'city', op: 'eq', value: 'Пермь' }).expect(200)).body
      .ruleHash as string;
    await t.dataSource.query(
      `UPDATE segment_counts SET requested_at = now() - interval '25 hours', computed_at = now() - interval '25 hours'
        WHERE rule_hash = $1`,
      [old],
    );
    await expect(t.app.get(SegmentCountService).pruneStale()).resolves.toBe(1);
    await t.http().get(`/api/v1/segments/counts/${old}`).set(as()).expect(404);
    await t.http().get(`/api/v1/segments/counts/${recent}`).set(as()).expect(200);
    // Asked again, it is counted afresh.
    await expect(count(threeConditions).expect(200)).resolves.toMatchObject({
      body: { ruleHash: old, exact: true },
    });
  });

  it('hashes equal trees alike whatever the key order, and different trees differently', async () => {
    await fixture();
    const a = await count(threeConditions).expect(200);
    const reordered = {
      all: threeConditions.all.map((c) => Object.fromEntries(Object.entries(c).reverse())),
    };
    const b = await count(reordered).expect(200);
    expect(b.body.ruleHash).toBe(a.body.ruleHash);
    const c = await count({ all: threeConditions.all.slice(0, 2) }).expect(200);
    expect(c.body.ruleHash).not.toBe(a.body.ruleHash);
  });

  it('counts a saved segment by id; unknown ids and hashes are 404, bad ones 400', async () => {
    const members = await fixture();
    const id = await createSegment(t.dataSource, undefined, threeConditions as never);
    const res = await t.http().get(`/api/v1/segments/${id}/count`).set(as()).expect(200);
    expect(res.body).toMatchObject({ count: members.length, exact: true });

    await t.http().get('/api/v1/segments/00000000-0000-4000-8000-000000000000/count').set(as()).expect(404);
    await t.http().get('/api/v1/segments/not-a-uuid/count').set(as()).expect(400);
    await t
      .http()
      .get(`/api/v1/segments/counts/${'0'.repeat(64)}`)
      .set(as())
      .expect(404);
    const bad = await t.http().get('/api/v1/segments/counts/xyz').set(as()).expect(400);
    expect(bad.body.details).toEqual([{ field: 'ruleHash', messages: [expect.stringContaining('64')] }]);
  });

  it('rejects a bad rule with the path of each problem', async () => {
    const res = await count({ all: [{ field: 'colour', op: 'eq', value: 'red' }] }).expect(400);
    expect(res.body.error).toBe('validation_failed');
    expect(res.body.details[0].field).toBe('rules.all[0].field');
    await t.http().post('/api/v1/segments/count').set(as()).send({}).expect(400);
  });

  it('answers an estimate marked as such when the exact count runs out of time, then the exact one', async () => {
    const members = await fixture();
    // Another transaction holds the clients table: the exact count waits past its budget, and the
    // estimate waits too until the lock is released.
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query(`LOCK TABLE clients IN ACCESS EXCLUSIVE MODE`);
    const pending = count(threeConditions).then((r) => r);
    // All three wait (exact count, sample, estimate); then the exact count and the sample give up
    // at their budget and only the estimate still waits.
    const waiting = async () => {
      const rows: { sampled: boolean }[] = await t.dataSource.query(
        `SELECT query LIKE '%TABLESAMPLE SYSTEM%' AS sampled FROM pg_stat_activity
          WHERE query LIKE '%FROM clients c%' AND query NOT LIKE '%pg_stat_activity%'
            AND wait_event_type = 'Lock'`,
      );
      return rows;
    };
    const until = async (done: (rows: { sampled: boolean }[]) => boolean) => {
      while (!done(await waiting())) await new Promise((r) => setTimeout(r, 10));
    };
    await until((rows) => rows.length === 3);
    await until((rows) => rows.length === 1 && rows[0].sampled);
    await runner.commitTransaction();
    await runner.release();

    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.exact).toBe(false);
    expect(Date.parse(res.body.estimatedAt)).not.toBeNaN();
    expect(res.body.computedAt).toBeUndefined();
    expect(typeof res.body.count).toBe('number');

    await t.app.get(SegmentCountService).settled(res.body.ruleHash);
    const exact = await t.http().get(`/api/v1/segments/counts/${res.body.ruleHash}`).set(as()).expect(200);
    expect(exact.body).toMatchObject({ ruleHash: res.body.ruleHash, count: members.length, exact: true });
    expect(exact.body.sample).toHaveLength(10);

    // The next live count of the same rule is the cached exact one.
    const again = await count(threeConditions).expect(200);
    expect(again.body).toEqual(exact.body);
  });
});
