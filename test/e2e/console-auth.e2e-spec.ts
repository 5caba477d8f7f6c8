import { StaffRole } from '@touchbase/core';
import { EmailDriver, OutgoingEmail } from '@touchbase/email';
import { StaffMember } from '@touchbase/staff';
import {
  createStaffWithKey,
  createStaffWithPassword,
  setStaffPassword,
  TEST_PASSWORD,
} from '../factories/staff.factory';
import { sessionCookieOf, signIn } from '../support/console-session';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

describe('Console sign-in: sessions, CSRF, throttling, password links', () => {
  let t: TestApp;
  let sent: OutgoingEmail[];
  const admin = () => ({ Authorization: `Bearer ${TEST_ADMIN_KEY}` });
  let ipSeq = 0;
  /** Each test its own client address, so the per-IP limit counts only its own failures. */
  const nextIp = () => `203.0.113.${++ipSeq}`;

  beforeAll(async () => {
    t = await createTestApp();
    const driver = t.app.get(EmailDriver);
    jest.spyOn(driver, 'send').mockImplementation(async (m: OutgoingEmail) => {
      sent.push(m);
      return { messageId: m.messageId };
    });
  });
  beforeEach(() => {
    sent = [];
  });
  afterAll(() => t.close());

  const tokenOf = (m: OutgoingEmail) => /set-password\?token=([A-Za-z0-9_-]+)/.exec(m.text)![1];

  it('signs in: a session, an httpOnly SameSite=Lax cookie, and the last sign-in time', async () => {
    const { staff } = await createStaffWithPassword(t.dataSource, StaffRole.Marketer, {
      name: 'Мария',
      email: 'maria@example.com',
    });
    const res = await t
      .http()
      .post('/api/v1/auth/sign-in')
      .set('X-Forwarded-For', nextIp())
      .send({ email: ' Maria@Example.com ', password: TEST_PASSWORD })
      .expect(200);
    expect(res.body).toEqual({
      staff: { id: staff.id, name: 'Мария', email: 'maria@example.com', role: 'marketer', locale: 'ru' },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      expiresAt: expect.any(String),
    });
    const minutes = (Date.parse(res.body.expiresAt) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(55);
    expect(minutes).toBeLessThanOrEqual(60);
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('tb_session='),
    )!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const [row] = await t.dataSource.query(
      `SELECT token_hash, last_sign_in_at FROM staff_sessions s JOIN staff_members m ON m.id = s.staff_member_id
        WHERE m.id = $1`,
      [staff.id],
    );
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(cookie).not.toContain(row.token_hash);
    expect(row.last_sign_in_at).toBeInstanceOf(Date);

    const me = await t.http().get('/api/v1/me').set('Cookie', sessionCookieOf(cookie)).expect(200);
    expect(me.body).toMatchObject({ id: staff.id, hasPassword: true, locale: 'ru' });
    expect(JSON.stringify(me.body)).not.toContain('argon2');
    const entity = await t.dataSource.getRepository(StaffMember).findOneByOrFail({ id: staff.id });
    expect(entity.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(entity)).not.toContain('argon2');
  });

  it('marks the cookie Secure behind a TLS proxy', async () => {
    const { staff } = await createStaffWithPassword(t.dataSource, StaffRole.SalesOps);
    const res = await t
      .http()
      .post('/api/v1/auth/sign-in')
      .set('X-Forwarded-For', nextIp())
      .set('X-Forwarded-Proto', 'https')
      .send({ email: staff.email, password: TEST_PASSWORD })
      .expect(200);
    expect((res.headers['set-cookie'] as unknown as string[]).join('\n')).toMatch(/tb_session=[^\n]*Secure/);
  });

  it('answers wrong password, unknown email, no password yet and inactive member the same 401', async () => {
    const { staff } = await createStaffWithPassword(t.dataSource, StaffRole.Marketer);
    const { staff: inactive } = await createStaffWithPassword(t.dataSource, StaffRole.Marketer, {
      active: false,
    });
    const ip = nextIp();
    const attempt = (email: string, password: string) =>
      t.http().post('/api/v1/auth/sign-in').set('X-Forwarded-For', ip).send({ email, password }).expect(401);
    const answers = [
      await attempt(staff.email, 'wrong password!'),
      await attempt('nobody@example.com', TEST_PASSWORD),
      await attempt('admin@touchbase.local', TEST_PASSWORD),
      await attempt(inactive.email, TEST_PASSWORD),
    ];
    for (const res of answers) {
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'unauthorized',
        message: 'Wrong email or password',
      });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('throttles sign-in per address: 429 with Retry-After, even with the right password', async () => {
    const { staff } = await createStaffWithPassword(t.dataSource, StaffRole.Marketer);
    for (let i = 0; i < 5; i++) {
      await t
        .http()
        .post('/api/v1/auth/sign-in')
        .set('X-Forwarded-For', nextIp())
        .send({ email: staff.email, password: `wrong ${i} password` })
        .expect(401);
    }
    const res = await t
      .http()
      .post('/api/v1/auth/sign-in')
      .set('X-Forwarded-For', nextIp())
      .send({ email: staff.email, password: TEST_PASSWORD })
      .expect(429);
    expect(res.body).toMatchObject({
      statusCode: 429,
      error: 'rate_limited',
      message: 'Too many sign-in attempts. Try again in 15 minutes.',
      details: { minutes: 15 },
    });
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    // The window passes (the failures age): the right password works again.
    await t.dataSource.query(
      `UPDATE staff_sign_in_failures SET failed_at = failed_at - interval '16 minutes' WHERE email = $1`,
      [staff.email],
    );
    await signIn(t, staff.email, TEST_PASSWORD, nextIp());
  });

  it('throttles sign-in per IP across addresses', async () => {
    const ip = nextIp();
    for (let i = 0; i < 20; i++) {
      await t
        .http()
        .post('/api/v1/auth/sign-in')
        .set('X-Forwarded-For', ip)
        .send({ email: `guess${i}@example.com`, password: 'guessed password' })
        .expect(401);
    }
    const { staff } = await createStaffWithPassword(t.dataSource, StaffRole.Marketer);
    const res = await t
      .http()
      .post('/api/v1/auth/sign-in')
      .set('X-Forwarded-For', ip)
      .send({ email: staff.email, password: TEST_PASSWORD })
      .expect(429);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    // Another address is not held back.
    await signIn(t, staff.email, TEST_PASSWORD, nextIp());
  });

  it('gives a session and an API key the same answers on the same routes, with the same roles', async () => {
    const { staff, key } = await createStaffWithKey(t.dataSource, StaffRole.Marketer);
    await setStaffPassword(t.dataSource, staff.id);
    const session = await signIn(t, staff.email, TEST_PASSWORD, nextIp());
    for (const path of ['/api/v1/me', '/api/v1/staff', '/api/v1/clients?limit=5', '/api/v1/segments']) {
      const byKey = await t.http().get(path).set('Authorization', `Bearer ${key}`);
      const bySession = await t.http().get(path).set('Cookie', session.cookie);
      expect(bySession.status).toBe(byKey.status);
      expect(bySession.body).toEqual(byKey.body);
    }
    const body = { name: 'X', email: 'forced@example.com', role: 'admin' };
    const byKey = await t
      .http()
      .post('/api/v1/staff')
      .set('Authorization', `Bearer ${key}`)
      .send(body)
      .expect(403);
    const bySession = await t
      .http()
      .post('/api/v1/staff')
      .set('Cookie', session.cookie)
      .set('X-CSRF-Token', session.csrfToken)
      .send(body)
      .expect(403);
    expect(bySession.body.error).toBe(byKey.body.error);
  });

  it('refuses a marketer staff management by session: invitations, deactivation', async () => {
    const { staff } = await createStaffWithPassword(t.dataSource, StaffRole.Marketer);
    const s = await signIn(t, staff.email, TEST_PASSWORD, nextIp());
    const csrf = { Cookie: s.cookie, 'X-CSRF-Token': s.csrfToken };
    await t
      .http()
      .post('/api/v1/staff/invitations')
      .set(csrf)
      .send({ name: 'Y', email: 'y@example.com', role: 'marketer' })
      .expect(403);
    await t.http().post(`/api/v1/staff/${staff.id}/deactivate`).set(csrf).expect(403);
    await t.http().post(`/api/v1/staff/${staff.id}/activate`).set(csrf).expect(403);
  });

  it('needs the CSRF token for cookie-authenticated writes, not for reads or API keys', async () => {
    const { staff, key } = await createStaffWithKey(t.dataSource, StaffRole.SalesOps);
    const { staff: other } = await createStaffWithPassword(t.dataSource, StaffRole.SalesOps);
    const s = await signIn(t, other.email, TEST_PASSWORD, nextIp());

    await t.http().get('/api/v1/me').set('Cookie', s.cookie).expect(200);
    const missing = await t
      .http()
      .put('/api/v1/me/locale')
      .set('Cookie', s.cookie)
      .send({ locale: 'en' })
      .expect(403);
    expect(missing.body).toMatchObject({
      error: 'csrf_failed',
      message: expect.stringContaining('CSRF token'),
    });
    await t
      .http()
      .put('/api/v1/me/locale')
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrfToken.slice(1) + 'x')
      .send({ locale: 'en' })
      .expect(403);
    const [{ locale: unchanged }] = await t.dataSource.query(
      `SELECT locale FROM staff_members WHERE id = $1`,
      [other.id],
    );
    expect(unchanged).toBe('ru');
    await t
      .http()
      .put('/api/v1/me/locale')
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrfToken)
      .send({ locale: 'en' })
      .expect(200, { locale: 'en' });

    // An API key needs no CSRF token; sent together with a cookie, the key wins.
    await t
      .http()
      .put('/api/v1/me/locale')
      .set('Authorization', `Bearer ${key}`)
      .send({ locale: 'en' })
      .expect(200);
    const both = await t
      .http()
      .put('/api/v1/me/locale')
      .set('Authorization', `Bearer ${key}`)
      .set('Cookie', s.cookie)
      .send({ locale: 'ru' })
      .expect(200);
    expect(both.body).toEqual({ locale: 'ru' });
    const rows = await t.dataSource.query(
      `SELECT id, locale FROM staff_members WHERE id = ANY($1) ORDER BY id`,
      [[staff.id, other.id]],
    );
    expect(Object.fromEntries(rows.map((r: { id: string; locale: string }) => [r.id, r.locale]))).toEqual({
      [staff.id]: 'ru',
      [other.id]: 'en',
    });
  });

  it('stores the locale per person and answers it in the session; refuses an unknown one', async () => {
    const { staff } = await createStaffWithPassword(t.dataSource, StaffRole.Marketer);
    const s = await signIn(t, staff.email, TEST_PASSWORD, nextIp());
    const headers = { Cookie: s.cookie, 'X-CSRF-Token': s.csrfToken };
    await t.http().put('/api/v1/me/locale').set(headers).send({ locale: 'en' }).expect(200);
    const session = await t.http().get('/api/v1/auth/session').set('Cookie', s.cookie).expect(200);
    expect(session.body.staff.locale).toBe('en');
    expect(session.body.csrfToken).toBe(s.csrfToken);
    const bad = await t.http().put('/api/v1/me/locale').set(headers).send({ locale: 'de' }).expect(400);
    expect(bad.body.details).toEqual([{ field: 'locale', messages: [expect.stringContaining('locale')] }]);
    // A new sign-in answers the stored language.
    const again = await signIn(t, staff.email, TEST_PASSWORD, nextIp());
    expect((again.body.staff as { locale: string }).locale).toBe('en');
  });

  it('refuses a session idle too long, and one past its absolute end; use refreshes the idle expiry', async () => {
    const { staff } = await createStaffWithPassword(t.dataSource, StaffRole.Marketer);
    const idle = await signIn(t, staff.email, TEST_PASSWORD, nextIp());
    await t.dataSource.query(
      `UPDATE staff_sessions SET last_seen_at = now() - interval '50 minutes' WHERE staff_member_id = $1`,
      [staff.id],
    );
    const refreshed = await t.http().get('/api/v1/auth/session').set('Cookie', idle.cookie).expect(200);
    expect(Date.parse(refreshed.body.expiresAt) - Date.now()).toBeGreaterThan(55 * 60_000);

    await t.dataSource.query(
      `UPDATE staff_sessions SET last_seen_at = now() - interval '61 minutes' WHERE staff_member_id = $1`,
      [staff.id],
    );
    const expired = await t.http().get('/api/v1/me').set('Cookie', idle.cookie).expect(401);
    expect(expired.body.message).toBe('Your session has ended; sign in again');
    expect((expired.headers['set-cookie'] as unknown as string[]).join()).toMatch(/tb_session=;/);

    const absolute = await signIn(t, staff.email, TEST_PASSWORD, nextIp());
    await t.dataSource.query(
      `UPDATE staff_sessions SET created_at = now() - interval '12 hours', expires_at = now() - interval '1 second'
        WHERE staff_member_id = $1 AND ended_at IS NULL AND last_seen_at > now() - interval '1 minute'`,
      [staff.id],
    );
    await t.http().get('/api/v1/me').set('Cookie', absolute.cookie).expect(401);
    // The session's expiresAt is the sooner end: the absolute one when it comes first.
    const late = await signIn(t, staff.email, TEST_PASSWORD, nextIp());
    await t.dataSource.query(
      `UPDATE staff_sessions SET expires_at = now() + interval '10 minutes' WHERE staff_member_id = $1 AND ended_at IS NULL
          AND expires_at > now()`,
      [staff.id],
    );
    const soon = await t.http().get('/api/v1/auth/session').set('Cookie', late.cookie).expect(200);
    expect(Date.parse(soon.body.expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);
  });

  it('signs out (this session) and out everywhere (all of them)', async () => {
    const { staff } = await createStaffWithPassword(t.dataSource, StaffRole.Marketer);
    const a = await signIn(t, staff.email, TEST_PASSWORD, nextIp());
    const b = await signIn(t, staff.email, TEST_PASSWORD, nextIp());
    await t.http().post('/api/v1/auth/sign-out').set('Cookie', a.cookie).expect(403); // no CSRF token
    const out = await t
      .http()
      .post('/api/v1/auth/sign-out')
      .set('Cookie', a.cookie)
      .set('X-CSRF-Token', a.csrfToken)
      .expect(204);
    expect((out.headers['set-cookie'] as unknown as string[]).join()).toMatch(/tb_session=;/);
    await t.http().get('/api/v1/me').set('Cookie', a.cookie).expect(401);
    await t.http().get('/api/v1/me').set('Cookie', b.cookie).expect(200);

    const c = await signIn(t, staff.email, TEST_PASSWORD, nextIp());
    await t
      .http()
      .post('/api/v1/auth/sign-out-everywhere')
      .set('Cookie', c.cookie)
      .set('X-CSRF-Token', c.csrfToken)
      .expect(204);
    await t.http().get('/api/v1/me').set('Cookie', b.cookie).expect(401);
    await t.http().get('/api/v1/me').set('Cookie', c.cookie).expect(401);
    await t.http().get('/api/v1/auth/session').set('Cookie', c.cookie).expect(401);
  });

  it('deactivation ends the sessions and revokes the keys; activation lets the member sign in anew', async () => {
    const { staff, key } = await createStaffWithKey(t.dataSource, StaffRole.SalesOps);
    await setStaffPassword(t.dataSource, staff.id);
    const s = await signIn(t, staff.email, TEST_PASSWORD, nextIp());

    const res = await t.http().post(`/api/v1/staff/${staff.id}/deactivate`).set(admin()).expect(200);
    expect(res.body).toMatchObject({ id: staff.id, active: false, hasPassword: true });
    await t.http().get('/api/v1/me').set('Cookie', s.cookie).expect(401);
    await t.http().get('/api/v1/me').set('Authorization', `Bearer ${key}`).expect(401);
    const keys = await t.dataSource.query(`SELECT revoked_at FROM api_keys WHERE staff_member_id = $1`, [
      staff.id,
    ]);
    expect(keys.every((k: { revoked_at: Date | null }) => k.revoked_at instanceof Date)).toBe(true);
    const ended = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM staff_sessions WHERE staff_member_id = $1 AND ended_at IS NULL`,
      [staff.id],
    );
    expect(ended[0].n).toBe(0);

    await t.http().post(`/api/v1/staff/${staff.id}/activate`).set(admin()).expect(200);
    await t.http().get('/api/v1/me').set('Authorization', `Bearer ${key}`).expect(401);
    await t.http().get('/api/v1/me').set('Cookie', s.cookie).expect(401);
    await signIn(t, staff.email, TEST_PASSWORD, nextIp());
  });

  it('sends no reset link to an inactive member, and PATCH active=false ends sessions as deactivation does', async () => {
    const { staff } = await createStaffWithPassword(t.dataSource, StaffRole.Marketer);
    const s = await signIn(t, staff.email, TEST_PASSWORD, nextIp());
    await t.http().patch(`/api/v1/staff/${staff.id}`).set(admin()).send({ active: false }).expect(200);
    await t.http().get('/api/v1/me').set('Cookie', s.cookie).expect(401);
    await t.http().post('/api/v1/auth/password-reset').send({ email: staff.email }).expect(202);
    expect(sent).toHaveLength(0);
  });

  it('resets a password by an emailed link in the member’s language: single use, expiring', async () => {
    const { staff } = await createStaffWithPassword(t.dataSource, StaffRole.Marketer, {
      locale: 'en' as never,
    });
    const old = await signIn(t, staff.email, TEST_PASSWORD, nextIp());

    await t.http().post('/api/v1/auth/password-reset').send({ email: 'nobody@example.com' }).expect(202);
    expect(sent).toHaveLength(0);
    await t.http().post('/api/v1/auth/password-reset').send({ email: staff.email.toUpperCase() }).expect(202);
    expect(sent).toHaveLength(1);
    expect(sent[0].to.address).toBe(staff.email);
    expect(sent[0].subject).toMatch(/^Reset your .* console password$/);
    expect(sent[0].text).toContain('expires in 1 hour');
    const token = tokenOf(sent[0]);
    expect(sent[0].text).toContain(
      `${t.env.PUBLIC_URL ?? 'http://localhost:0'}/console/set-password?token=${token}`,
    );

    const weak = await t.http().post('/api/v1/auth/password').send({ token, password: 'short' }).expect(400);
    expect(weak.body.details).toEqual([
      { field: 'password', messages: [expect.stringContaining('10 characters')] },
    ]);
    await t
      .http()
      .post('/api/v1/auth/password')
      .send({ token, password: 'a brand new password' })
      .expect(204);
    const reused = await t
      .http()
      .post('/api/v1/auth/password')
      .send({ token, password: 'another new password' })
      .expect(400);
    expect(reused.body.message).toBe('This link has already been used; ask for a new one');
    await t.http().get('/api/v1/me').set('Cookie', old.cookie).expect(401); // other sessions ended
    await signIn(t, staff.email, 'a brand new password', nextIp());
    await t
      .http()
      .post('/api/v1/auth/sign-in')
      .set('X-Forwarded-For', nextIp())
      .send({ email: staff.email, password: TEST_PASSWORD })
      .expect(401);

    await t.http().post('/api/v1/auth/password-reset').send({ email: staff.email }).expect(202);
    const late = tokenOf(sent[1]);
    await t.dataSource.query(
      `UPDATE staff_password_tokens SET expires_at = now() - interval '1 second'
        WHERE staff_member_id = $1 AND used_at IS NULL`,
      [staff.id],
    );
    const expired = await t
      .http()
      .post('/api/v1/auth/password')
      .send({ token: late, password: 'too late a password' })
      .expect(400);
    expect(expired.body.message).toBe('This link has expired; ask for a new one');
    const unknown = await t
      .http()
      .post('/api/v1/auth/password')
      .send({ token: 'x'.repeat(43), password: 'any long password' })
      .expect(400);
    expect(unknown.body.message).toBe('This link is not valid; ask for a new one');
  });

  it('invites by email (Russian by default): the member sets a password and signs in; a taken address is 409', async () => {
    const res = await t
      .http()
      .post('/api/v1/staff/invitations')
      .set(admin())
      .send({ name: 'Ольга Смирнова', email: 'Olga@Example.com', role: 'sales-ops' })
      .expect(201);
    expect(res.body).toMatchObject({
      name: 'Ольга Смирнова',
      email: 'olga@example.com',
      role: 'sales-ops',
      active: true,
      locale: 'ru',
      hasPassword: false,
      lastSignInAt: null,
    });
    expect(sent).toHaveLength(1);
    expect(sent[0].subject).toMatch(/^Приглашение в консоль/);
    expect(sent[0].text).toContain('Здравствуйте, Ольга Смирнова!');
    expect(sent[0].html).toContain('<a href="');
    await t
      .http()
      .post('/api/v1/auth/sign-in')
      .set('X-Forwarded-For', nextIp())
      .send({ email: 'olga@example.com', password: 'no password yet' })
      .expect(401);
    await t
      .http()
      .post('/api/v1/auth/password')
      .send({ token: tokenOf(sent[0]), password: 'olga’s own password' })
      .expect(204);
    const s = await signIn(t, 'olga@example.com', 'olga’s own password', nextIp());
    expect(s.body.staff).toMatchObject({ role: 'sales-ops', locale: 'ru' });
    const listed = await t.http().get(`/api/v1/staff/${res.body.id}`).set(admin()).expect(200);
    expect(listed.body).toMatchObject({ hasPassword: true, lastSignInAt: expect.any(String) });

    await t
      .http()
      .post('/api/v1/staff/invitations')
      .set(admin())
      .send({ name: 'Again', email: 'olga@example.com', role: 'marketer' })
      .expect(409);
    const en = await t
      .http()
      .post('/api/v1/staff/invitations')
      .set(admin())
      .send({ name: 'Oliver', email: 'oliver@example.com', role: 'marketer', locale: 'en' })
      .expect(201);
    expect(en.body.locale).toBe('en');
    expect(sent[1].subject).toMatch(/^Your invitation to the .* console$/);
  });

  it('prints a one-time set-password link for the first admin at first start', async () => {
    const rows = await t.dataSource.query(
      `SELECT t.purpose, t.used_at, t.expires_at > now() + interval '6 days' AS long
         FROM staff_password_tokens t JOIN staff_members m ON m.id = t.staff_member_id
        WHERE m.email = 'admin@touchbase.local'`,
    );
    expect(rows).toEqual([{ purpose: 'first-start', used_at: null, long: true }]);
  });

  it('documents the session cookie and the CSRF header in the OpenAPI document', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    expect(doc.components.securitySchemes.session).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'tb_session',
    });
    expect(doc.components.securitySchemes.csrf).toMatchObject({ in: 'header', name: 'X-CSRF-Token' });
    expect(doc.paths['/api/v1/staff'].get.security).toEqual([{ 'api-key': [] }, { session: [] }]);
    expect(doc.paths['/api/v1/staff'].post.security).toEqual([{ 'api-key': [] }, { session: [], csrf: [] }]);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/sign-in',
        '/api/v1/auth/session',
        '/api/v1/auth/sign-out',
        '/api/v1/auth/sign-out-everywhere',
        '/api/v1/auth/password-reset',
        '/api/v1/auth/password',
        '/api/v1/me/locale',
        '/api/v1/staff/invitations',
        '/api/v1/staff/{id}/deactivate',
        '/api/v1/staff/{id}/activate',
      ]),
    );
  });
});
