import { StaffRole } from '@touchbase/core';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

describe('API key authentication and roles', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('rejects a request without a key with 401 and a WWW-Authenticate challenge', async () => {
    const res = await t.http().get('/api/v1/staff').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'unauthorized',
      message: expect.stringContaining('Missing API key'),
    });
  });

  it('rejects an unknown key and a malformed header with 401', async () => {
    await t
      .http()
      .get('/api/v1/staff')
      .set('Authorization', 'Bearer tb_unknownunknownunknownunknown')
      .expect(401);
    await t.http().get('/api/v1/staff').set('Authorization', `Basic ${TEST_ADMIN_KEY}`).expect(401);
  });

  it('accepts the bootstrap admin key and records when it was last used', async () => {
    const res = await t.http().get('/api/v1/me').set('Authorization', `Bearer ${TEST_ADMIN_KEY}`).expect(200);
    expect(res.body).toMatchObject({ role: 'admin', email: 'admin@touchbase.local', active: true });
    // last_used_at is written without making the request wait: poll for it.
    let lastUsed: Date | null = null;
    for (let i = 0; i < 50 && !lastUsed; i++) {
      const rows = await t.dataSource.query(`SELECT last_used_at FROM api_keys WHERE prefix = $1`, [
        TEST_ADMIN_KEY.slice(0, 11),
      ]);
      lastUsed = rows[0]?.last_used_at ?? null;
      if (!lastUsed) await new Promise((r) => setTimeout(r, 20));
    }
    expect(lastUsed).toBeInstanceOf(Date);
  });

  it('rejects a revoked key with 401, at once', async () => {
    const { staff, key, apiKey } = await createStaffWithKey(t.dataSource, StaffRole.SalesOps);
    await t.http().get('/api/v1/me').set('Authorization', `Bearer ${key}`).expect(200);
    await t
      .http()
      .delete(`/api/v1/staff/${staff.id}/api-keys/${apiKey.id}`)
      .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
      .expect(200);
    const res = await t.http().get('/api/v1/me').set('Authorization', `Bearer ${key}`).expect(401);
    expect(res.body.error).toBe('unauthorized');
  });

  it('rejects the key of a deactivated staff member with 401', async () => {
    const { staff, key } = await createStaffWithKey(t.dataSource, StaffRole.Marketer);
    await t
      .http()
      .patch(`/api/v1/staff/${staff.id}`)
      .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
      .send({ active: false })
      .expect(200);
    await t.http().get('/api/v1/me').set('Authorization', `Bearer ${key}`).expect(401);
  });

  it('answers 403 naming the required roles when the role may not do this', async () => {
    const { key } = await createStaffWithKey(t.dataSource, StaffRole.Marketer);
    const res = await t
      .http()
      .post('/api/v1/staff')
      .set('Authorization', `Bearer ${key}`)
      .send({ name: 'X', email: 'x@example.com', role: 'marketer' })
      .expect(403);
    expect(res.body).toMatchObject({
      statusCode: 403,
      error: 'forbidden',
      details: { required: ['admin'], actual: 'marketer' },
    });
    expect(
      await t.dataSource.query(`SELECT 1 FROM staff_members WHERE email = 'x@example.com'`),
    ).toHaveLength(0);
  });

  it('lets every role read the staff list (owners are staff)', async () => {
    for (const role of [StaffRole.Marketer, StaffRole.SalesOps]) {
      const { key } = await createStaffWithKey(t.dataSource, role);
      const res = await t.http().get('/api/v1/staff').set('Authorization', `Bearer ${key}`).expect(200);
      expect(res.body.items.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('stores only a hash of each key', async () => {
    const rows: { key_hash: string }[] = await t.dataSource.query(`SELECT key_hash FROM api_keys`);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.key_hash).not.toContain('tb_');
    }
  });
});
