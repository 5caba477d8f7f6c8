import type { TestApp } from './test-app';

export interface SignedIn {
  /** The Cookie header to send. */
  cookie: string;
  csrfToken: string;
  body: Record<string, unknown>;
}

/** Signs in through the API and returns the session cookie and CSRF token. */
export async function signIn(
  t: TestApp,
  email: string,
  password: string,
  ip = '198.51.100.1',
): Promise<SignedIn> {
  const res = await t
    .http()
    .post('/api/v1/auth/sign-in')
    .set('X-Forwarded-For', ip)
    .send({ email, password })
    .expect(200);
  return {
    cookie: sessionCookieOf(res.headers['set-cookie']),
    csrfToken: res.body.csrfToken,
    body: res.body,
  };
}

/** `tb_session=<value>` from a response's Set-Cookie headers. */
export function sessionCookieOf(setCookie: string | string[] | undefined): string {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const found = all.find((c) => c.startsWith('tb_session='));
  if (!found) throw new Error(`No tb_session cookie in ${JSON.stringify(all)}`);
  return found.split(';')[0];
}
