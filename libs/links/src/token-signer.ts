import { createHmac, timingSafeEqual } from 'node:crypto';

export type VerifyResult<T> = { ok: true; payload: T } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * Compact signed tokens: base64url(JSON payload) "." base64url(HMAC-SHA256(secret, payload)).
 * Checked in constant time; `exp` (seconds since the epoch), when present, is enforced.
 */
export class TokenSigner {
  constructor(
    private readonly secret: string,
    /** Separates token kinds signed with related secrets. */
    private readonly purpose: string,
  ) {}

  sign(payload: object): string {
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  verify<T extends { exp?: number }>(token: string, now = Date.now()): VerifyResult<T> {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 2048) return { ok: false, reason: 'invalid' };
    const body = token.slice(0, dot);
    // The signature is compared as written, not decoded: base64 decoding ignores the last character's
    // spare bits, so a decoded comparison would accept altered spellings of a valid token.
    const given = Buffer.from(token.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.mac(body), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'invalid' };
    let payload: T;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
    } catch {
      return { ok: false, reason: 'invalid' };
    }
    if (typeof payload !== 'object' || payload === null) return { ok: false, reason: 'invalid' };
    if (payload.exp !== undefined && payload.exp * 1000 < now) return { ok: false, reason: 'expired' };
    return { ok: true, payload };
  }

  /**
   * A short lowercase-hex MAC of `text` (`length` hex digits), for codes that must stay short and
   * survive case changes, such as a VERP address's local part.
   */
  tag(text: string, length = 16): string {
    return createHmac('sha256', this.secret).update(`${this.purpose}:${text}`).digest('hex').slice(0, length);
  }

  /** Whether `tag` is `text`'s tag (case-insensitive, constant time). */
  checkTag(text: string, tag: string, length = 16): boolean {
    const given = Buffer.from(tag.toLowerCase(), 'utf8');
    const expected = Buffer.from(this.tag(text, length), 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(`${this.purpose}:${body}`).digest('base64url');
  }
}
