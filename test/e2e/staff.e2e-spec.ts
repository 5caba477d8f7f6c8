import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

describe('Staff and API keys admin API', () => {
  let t: TestApp;
  const admin = () => ({ Authorization: `Bearer ${TEST_ADMIN_KEY}` });

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('creates a staff member, issues a key shown once, and the key works with its role', async () => {
    const created = await t
      .http()
      .post('/api/v1/staff')
      .set(admin())
      .send({ name: '  Анна Петрова ', email: 'Anna@Example.COM', role: 'sales-ops' })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'Анна Петрова',
      email: 'anna@example.com',
      role: 'sales-ops',
      active: true,
    });

    const issued = await t
      .http()
      .post(`/api/v1/staff/${created.body.id}/api-keys`)
      .set(admin())
      .send({ name: 'CRM sync' })
      .expect(201);
    expect(issued.body.key).toMatch(/^tb_[A-Za-z0-9_-]{43}$/);
    expect(issued.body.prefix).toBe(issued.body.key.slice(0, 11));

    const me = await t.http().get('/api/v1/me').set('Authorization', `Bearer ${issued.body.key}`).expect(200);
    expect(me.body.id).toBe(created.body.id);

    const listed = await t.http().get(`/api/v1/staff/${created.body.id}/api-keys`).set(admin()).expect(200);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).not.toHaveProperty('key');
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.key);
  });

  it('refuses a duplicate email with 409', async () => {
    await t
      .http()
      .post('/api/v1/staff')
      .set(admin())
      .send({ name: 'A', email: 'dup@example.com', role: 'marketer' })
      .expect(201);
    const res = await t
      .http()
      .post('/api/v1/staff')
      .set(admin())
      .send({ name: 'B', email: 'DUP@example.com', role: 'admin' })
      .expect(409);
    expect(res.body).toMatchObject({
      error: 'conflict',
      message: expect.stringContaining('dup@example.com'),
    });
  });

  it('filters the list by role and rejects an unknown role with 400', async () => {
    const res = await t.http().get('/api/v1/staff?role=admin').set(admin()).expect(200);
    expect(res.body.items.every((s: { role: string }) => s.role === 'admin')).toBe(true);
    const bad = await t.http().get('/api/v1/staff?role=boss').set(admin()).expect(400);
    expect(bad.body.details[0].field).toBe('role');
  });

  it('never deactivates or demotes the last active admin', async () => {
    const me = await t.http().get('/api/v1/me').set(admin()).expect(200);
    const res = await t
      .http()
      .patch(`/api/v1/staff/${me.body.id}`)
      .set(admin())
      .send({ role: 'marketer' })
      .expect(409);
    expect(res.body.message).toContain('last active admin');
    await t.http().get('/api/v1/me').set(admin()).expect(200);
  });

  it('answers 404 for an unknown staff member and 400 for a malformed id', async () => {
    await t.http().get('/api/v1/staff/00000000-0000-4000-8000-000000000000').set(admin()).expect(404);
    const res = await t.http().get('/api/v1/staff/not-a-uuid').set(admin()).expect(400);
    expect(res.body.statusCode).toBe(400);
  });
});
