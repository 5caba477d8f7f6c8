import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@touchbase/config';
import { TokenSigner, VerifyResult } from './token-signer';

export interface PortalTokenPayload {
  /** client id */
  c: string;
  /** the client's link version when issued: bumping it revokes the link */
  v: number;
  exp: number;
}

export interface ConsentTokenPayload {
  /** the pending consent request (consent_requests.id) */
  r: string;
  exp: number;
}

/** How long a double opt-in confirmation link stays valid. */
export const CONSENT_LINK_TTL_HOURS = 72;

export interface UnsubscribeTokenPayload {
  c: string;
  v: number;
  /** topic key, or null for "everything" */
  t: string | null;
  /** the delivery the link was sent in, if any */
  d?: string;
}

/**
 * Signed links in messages: the portal (expiring, per client, revocable through the client's link
 * version) and one-click unsubscribe (no expiry, as mail clients may use it much later). Each has its
 * own secret. In development, missing secrets are generated once and kept in DATA_DIR.
 */
@Injectable()
export class LinksService {
  private readonly logger = new Logger('Links');
  private readonly portal: TokenSigner;
  private readonly unsubscribe: TokenSigner;
  private readonly bounce: TokenSigner;
  private readonly consent: TokenSigner;

  constructor(private readonly config: AppConfig) {
    const secrets = this.secrets();
    this.portal = new TokenSigner(secrets.portal, 'portal');
    this.unsubscribe = new TokenSigner(secrets.unsubscribe, 'unsubscribe');
    this.bounce = new TokenSigner(secrets.unsubscribe, 'bounce');
    this.consent = new TokenSigner(secrets.portal, 'consent');
  }

  /** The confirmation link of a double opt-in request: signed, expiring after CONSENT_LINK_TTL_HOURS. */
  consentUrl(requestId: string, locale?: string, now = Date.now()): string {
    const exp = Math.floor(now / 1000) + CONSENT_LINK_TTL_HOURS * 3600;
    const token = this.consent.sign({ r: requestId, exp } satisfies ConsentTokenPayload);
    const url = `${this.config.http.publicUrl}/consent/${token}`;
    return locale ? `${url}?lang=${locale}` : url;
  }

  verifyConsentToken(token: string): VerifyResult<ConsentTokenPayload> {
    const result = this.consent.verify<ConsentTokenPayload>(token);
    if (result.ok && (typeof result.payload.r !== 'string' || typeof result.payload.exp !== 'number')) {
      return { ok: false, reason: 'invalid' };
    }
    return result;
  }

  /**
   * The code a delivery's VERP envelope sender carries: `<delivery id>-<64-bit MAC>`, so a forged
   * bounce cannot name another delivery. Lowercase hex: receivers may change a local part's case.
   */
  bounceCode(deliveryId: string): string {
    return `${deliveryId}-${this.bounce.tag(deliveryId)}`;
  }

  /** The delivery id a bounce code names, or null when the code is malformed or not ours. */
  verifyBounceCode(code: string): string | null {
    const m = /^(\d{1,18})-([0-9a-f]{16})$/i.exec(code.trim());
    return m && this.bounce.checkTag(m[1], m[2]) ? m[1] : null;
  }

  portalToken(clientId: string, linkVersion: number, now = Date.now()): string {
    const exp = Math.floor(now / 1000) + this.config.links.portalTtlDays * 86_400;
    return this.portal.sign({ c: clientId, v: linkVersion, exp } satisfies PortalTokenPayload);
  }

  portalUrl(clientId: string, linkVersion: number, locale?: string): string {
    const url = `${this.config.http.publicUrl}/portal/${this.portalToken(clientId, linkVersion)}`;
    return locale ? `${url}?lang=${locale}` : url;
  }

  verifyPortalToken(token: string): VerifyResult<PortalTokenPayload> {
    const result = this.portal.verify<PortalTokenPayload>(token);
    if (result.ok && (typeof result.payload.c !== 'string' || typeof result.payload.v !== 'number')) {
      return { ok: false, reason: 'invalid' };
    }
    return result;
  }

  unsubscribeToken(payload: UnsubscribeTokenPayload): string {
    return this.unsubscribe.sign(payload);
  }

  unsubscribeUrl(payload: UnsubscribeTokenPayload): string {
    return `${this.config.http.publicUrl}/u/${this.unsubscribeToken(payload)}`;
  }

  verifyUnsubscribeToken(token: string): VerifyResult<UnsubscribeTokenPayload> {
    const result = this.unsubscribe.verify<UnsubscribeTokenPayload & { exp?: number }>(token);
    if (result.ok && (typeof result.payload.c !== 'string' || typeof result.payload.v !== 'number')) {
      return { ok: false, reason: 'invalid' };
    }
    return result;
  }

  private secrets(): { portal: string; unsubscribe: string } {
    const { portalSecret, unsubscribeSecret } = this.config.links;
    if (portalSecret && unsubscribeSecret) return { portal: portalSecret, unsubscribe: unsubscribeSecret };
    const file = path.join(this.config.dataDir, 'link-secrets.json');
    let stored: { portal?: string; unsubscribe?: string } = {};
    if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    const next = {
      portal: stored.portal ?? randomBytes(32).toString('hex'),
      unsubscribe: stored.unsubscribe ?? randomBytes(32).toString('hex'),
    };
    if (!stored.portal || !stored.unsubscribe) {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
      fs.writeFileSync(file, JSON.stringify(next), { mode: 0o600 });
      this.logger.log(`Link secrets are not configured; generated development secrets in ${file}`);
    }
    return { portal: portalSecret ?? next.portal, unsubscribe: unsubscribeSecret ?? next.unsubscribe };
  }
}
