import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

export const CSRF_COOKIE = 'tb_portal_csrf';
export const CSRF_FIELD = '_csrf';
const NONCE = /^[A-Za-z0-9_-]{43}$/;

/**
 * CSRF protection of the portal's forms: a double-submit cookie bound to the portal link. The
 * browser holds a random nonce in an HttpOnly, SameSite=Lax cookie; each form carries
 * HMAC(nonce, client id), so a form value works only together with that browser's cookie and only
 * for that client's link. A cross-site page can neither read the cookie nor make the browser send it
 * with a POST. The JSON API needs none of this: it takes the token in a header, never from cookies.
 */
export function ensureCsrfNonce(req: Request, res: Response): string {
  const existing = readNonce(req);
  if (existing) return existing;
  const nonce = randomBytes(32).toString('base64url');
  res.cookie(CSRF_COOKIE, nonce, {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure,
    path: '/portal',
  });
  return nonce;
}

export function csrfToken(nonce: string, binding: string): string {
  return createHmac('sha256', nonce).update(`portal-csrf:${binding}`).digest('base64url');
}

/** Whether the posted form carries the token matching this browser's cookie and this link. */
export function csrfValid(req: Request, binding: string): boolean {
  const nonce = readNonce(req);
  const body = req.body as Record<string, unknown> | undefined;
  const given = body && typeof body[CSRF_FIELD] === 'string' ? (body[CSRF_FIELD] as string) : '';
  if (!nonce || !given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(csrfToken(nonce, binding));
  return a.length === b.length && timingSafeEqual(a, b);
}

function readNonce(req: Request): string | null {
  const cookies = (req as Request & { cookies?: Record<string, unknown> }).cookies;
  const value = cookies?.[CSRF_COOKIE];
  return typeof value === 'string' && NONCE.test(value) ? value : null;
}
