import cookieParser from 'cookie-parser';
import express from 'express';
import request from 'supertest';
import { CSRF_COOKIE, CSRF_FIELD, csrfToken, csrfValid, ensureCsrfNonce } from './portal-csrf';

/** A real express app with the portal's cookie and form parsing: GET hands out a form token, POST checks it. */
function app(options: { trustProxy?: boolean } = {}) {
  const a = express();
  if (options.trustProxy) a.set('trust proxy', true);
  a.use(cookieParser());
  a.use(express.urlencoded({ extended: false }));
  a.get('/portal/:client', (req, res) => {
    res.json({ token: csrfToken(ensureCsrfNonce(req, res), req.params.client) });
  });
  a.post('/portal/:client', (req, res) => {
    res.json({ valid: csrfValid(req, req.params.client) });
  });
  return a;
}

const cookieOf = (res: request.Response) =>
  (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
const nonceOf = (res: request.Response) =>
  new RegExp(`${CSRF_COOKIE}=([^;]+)`).exec(cookieOf(res).join('\n'))?.[1];

describe('portal CSRF', () => {
  it('gives a browser a random nonce in an HttpOnly, SameSite=Lax cookie for /portal only', async () => {
    const res = await request(app()).get('/portal/c1').expect(200);
    const [cookie] = cookieOf(res);
    expect(cookie).toMatch(
      new RegExp(`^${CSRF_COOKIE}=[A-Za-z0-9_-]{43}; Path=/portal; HttpOnly; SameSite=Lax$`),
    );
    const other = await request(app()).get('/portal/c1').expect(200);
    expect(nonceOf(other)).not.toBe(nonceOf(res));
  });

  it('marks the cookie Secure behind HTTPS', async () => {
    const res = await request(app({ trustProxy: true }))
      .get('/portal/c1')
      .set('X-Forwarded-Proto', 'https')
      .expect(200);
    expect(cookieOf(res)[0]).toMatch(/; Secure/);
  });

  it('keeps the nonce a browser already has, and replaces one that is malformed', async () => {
    const nonce = 'A'.repeat(43);
    const kept = await request(app()).get('/portal/c1').set('Cookie', `${CSRF_COOKIE}=${nonce}`).expect(200);
    expect(cookieOf(kept)).toEqual([]);
    expect(kept.body.token).toBe(csrfToken(nonce, 'c1'));
    const replaced = await request(app()).get('/portal/c1').set('Cookie', `${CSRF_COOKIE}=short`).expect(200);
    expect(nonceOf(replaced)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('accepts a form only with the token of this browser’s cookie and this link', async () => {
    const a = app();
    const page = await request(a).get('/portal/c1').expect(200);
    const cookie = `${CSRF_COOKIE}=${nonceOf(page)}`;
    const post = (client: string, body: Record<string, string>, withCookie = cookie) =>
      request(a).post(`/portal/${client}`).set('Cookie', withCookie).type('form').send(body);
    expect((await post('c1', { [CSRF_FIELD]: page.body.token })).body.valid).toBe(true);
    // Another client's link, another browser's cookie, no token, a token cut short: refused.
    expect((await post('c2', { [CSRF_FIELD]: page.body.token })).body.valid).toBe(false);
    expect(
      (await post('c1', { [CSRF_FIELD]: page.body.token }, `${CSRF_COOKIE}=${'B'.repeat(43)}`)).body.valid,
    ).toBe(false);
    expect((await post('c1', {})).body.valid).toBe(false);
    expect((await post('c1', { [CSRF_FIELD]: page.body.token.slice(0, -1) })).body.valid).toBe(false);
    const noCookie = await request(a)
      .post('/portal/c1')
      .type('form')
      .send({ [CSRF_FIELD]: page.body.token });
    expect(noCookie.body.valid).toBe(false);
  });

  it('derives different tokens for different links and nonces', () => {
    const nonce = 'C'.repeat(43);
    expect(csrfToken(nonce, 'c1')).toBe(csrfToken(nonce, 'c1'));
    expect(csrfToken(nonce, 'c1')).not.toBe(csrfToken(nonce, 'c2'));
    expect(csrfToken('D'.repeat(43), 'c1')).not.toBe(csrfToken(nonce, 'c1'));
  });
});
