import { Injectable } from '@nestjs/common';
import { LinksService } from '@touchbase/links';
import { isUuid } from '@touchbase/core';

/** Whom a valid portal link speaks for. The link version is checked against the client's row later. */
export interface PortalSession {
  clientId: string;
  linkVersion: number;
}

export type PortalTokenCheck =
  { ok: true; session: PortalSession } | { ok: false; reason: 'invalid' | 'expired' };

/**
 * Checks a portal token's signature (HMAC, compared in constant time by TokenSigner) and expiry.
 * No database work here: the statement that then reads or locks the client also checks its
 * `link_version`, so bumping the version revokes every link issued before.
 */
@Injectable()
export class PortalAccessService {
  constructor(private readonly links: LinksService) {}

  check(token: string | undefined | null): PortalTokenCheck {
    if (typeof token !== 'string' || token.length === 0) return { ok: false, reason: 'invalid' };
    const verified = this.links.verifyPortalToken(token);
    if (!verified.ok) return verified;
    const { c, v } = verified.payload;
    if (!isUuid(c) || !Number.isInteger(v) || v < 0) return { ok: false, reason: 'invalid' };
    return { ok: true, session: { clientId: c, linkVersion: v } };
  }

  /** A fresh link for the client, in their language. */
  url(session: PortalSession, locale?: string): string {
    return this.links.portalUrl(session.clientId, session.linkVersion, locale);
  }
}
