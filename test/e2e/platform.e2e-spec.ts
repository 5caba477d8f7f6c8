import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

describe('HTTP platform: validation, errors, health, metrics, OpenAPI', () => {
  let t: TestApp;
  const admin = () => ({ Authorization: `Bearer ${TEST_ADMIN_KEY}` });

  beforeAll(async () => {
    t = await createTestApp({ THROTTLE_PUBLIC_PER_MINUTE: '1000' }, { withWorker: true });
  });
  afterAll(() => t.close());

  it('answers a bad body with 400 and field-level details, writing nothing', async () => {
    const res = await t
      .http()
      .post('/api/v1/staff')
      .set(admin())
      .send({ name: '', email: 'not-an-email', role: 'boss' })
      .expect(400);
    expect(res.body.statusCode).toBe(400);
    expect(res.body.error).toBe('validation_failed');
    const fields = res.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['email', 'name', 'role']);
    expect(res.body.details.find((d: { field: string }) => d.field === 'role').messages[0]).toMatch(
      /admin, marketer, sales-ops/,
    );
    expect(await t.dataSource.query(`SELECT 1 FROM staff_members WHERE email = 'not-an-email'`)).toHaveLength(
      0,
    );
  });

  it('answers an unknown field with 400 naming it', async () => {
    const res = await t
      .http()
      .post('/api/v1/staff')
      .set(admin())
      .send({ name: 'Ivan', email: 'ivan@example.com', role: 'marketer', isRoot: true })
      .expect(400);
    expect(res.body.details).toEqual([{ field: 'isRoot', messages: ['isRoot is not an allowed field'] }]);
  });

  it('answers malformed JSON with 400, not 500', async () => {
    const res = await t
      .http()
      .post('/api/v1/staff')
      .set(admin())
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'malformed_request' });
  });

  it('accepts bulk bodies up to 5 MB and answers larger ones with 413', async () => {
    const big = { name: 'x'.repeat(1_500_000), email: 'big@example.com', role: 'marketer' };
    const ok = await t.http().post('/api/v1/staff').set(admin()).send(big).expect(400);
    expect(ok.body.details.map((d: { field: string }) => d.field)).toEqual(['name']);
    const huge = await t
      .http()
      .post('/api/v1/staff')
      .set(admin())
      .send({ ...big, name: 'x'.repeat(6_000_000) })
      .expect(413);
    expect(huge.body).toMatchObject({ statusCode: 413, error: 'payload_too_large' });
  });

  it('answers an unknown route with 404 in the same error shape', async () => {
    const res = await t.http().get('/api/v1/nothing-here').set(admin()).expect(404);
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'not_found',
      message: 'No route GET /api/v1/nothing-here',
    });
  });

  it('reports health: database and the worker heartbeat', async () => {
    const res = await t.http().get('/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.database.status).toBe('up');
    expect(res.body.info.workers).toMatchObject({ status: 'up', alive: 1 });
    const beat = await t.dataSource.query(`SELECT pid FROM worker_heartbeats`);
    expect(beat).toEqual([{ pid: process.pid }]);
  });

  it('reports 503 when no worker is beating', async () => {
    await t.dataSource.query(`UPDATE worker_heartbeats SET last_beat_at = now() - interval '1 hour'`);
    const res = await t.http().get('/health').expect(503);
    expect(res.body.error.workers).toMatchObject({ status: 'down', alive: 0 });
    await t.dataSource.query(`UPDATE worker_heartbeats SET last_beat_at = now()`);
  });

  it('serves Prometheus metrics including HTTP request counts', async () => {
    await t.http().get('/health/live').expect(200);
    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toMatch(/touchbase_http_requests_total\{[^}]*route="\/health\/live"[^}]*\} \d+/);
    expect(res.text).toContain('touchbase_process_resident_memory_bytes');
  });

  it('serves the OpenAPI document with the bearer scheme and the documented routes', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.components.securitySchemes['api-key']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/staff',
        '/api/v1/staff/{id}',
        '/api/v1/staff/{staffId}/api-keys',
        '/health',
      ]),
    );
    expect(res.body.components.schemas.CreateStaffMemberDto.required).toEqual(['name', 'email', 'role']);
    const html = await t.http().get('/docs').expect(200);
    expect(html.text).toContain('swagger');
  });

  it('sets security headers and a request id', async () => {
    const res = await t.http().get('/health/live').set('X-Request-Id', 'abc-123').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeTruthy();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
