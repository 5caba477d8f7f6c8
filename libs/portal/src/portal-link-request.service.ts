import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { normalizeEmail, normalizePhone } from '@touchbase/clients';
import { AppConfig } from '@touchbase/config';
import { DomainException, ErrorCode, Locale, ValidationException } from '@touchbase/core';
import { asciiDomain, EmailDriver, EmailMessageBuilder } from '@touchbase/email';
import { LinksService } from '@touchbase/links';
import { PortalRenderer } from './views/portal-renderer';

/** Requests of a new link per address (email or phone) in one window; across every API replica. */
export const LINK_REQUESTS_PER_ADDRESS = 3;
export const LINK_REQUEST_WINDOW_MINUTES = 60;
/** Per IP and minute (the public throttler); a page and its retries stay well below it. */
export const LINK_REQUESTS_PER_IP_PER_MINUTE = 5;
/** A shared mailbox (a company's office@) may belong to a few clients: each gets its own link. */
const MAX_CLIENTS_PER_ADDRESS = 5;

export class LinkRequestsExhaustedException extends DomainException {
  constructor() {
    super(ErrorCode.RateLimited, 'Too many link requests for this address; try again later');
  }
}

type Address = { kind: 'email' | 'phone'; value: string };

/**
 * "Send me a new link". The answer never tells whether the address is known: the request is
 * checked and counted the same way for every address, and the lookup and the email happen after
 * the answer, off the request path, so neither the status, the body nor the time differ.
 */
@Injectable()
export class PortalLinkRequestService implements OnApplicationShutdown {
  private readonly logger = new Logger('PortalLinks');
  private readonly inFlight = new Set<Promise<void>>();
  private requests = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly links: LinksService,
    private readonly driver: EmailDriver,
    private readonly messages: EmailMessageBuilder,
    private readonly renderer: PortalRenderer,
    private readonly config: AppConfig,
  ) {}

  /** Validates and counts the request, then sends in the background. Throws 400 / 429 only. */
  async request(raw: string, locale?: Locale): Promise<void> {
    const address = this.parse(raw);
    if (!address) {
      throw new ValidationException('Enter an email address or a phone number', [
        { field: 'address', messages: ['address must be an email address or a phone number'] },
      ]);
    }
    const hash = createHash('sha256').update(`${address.kind}:${address.value}`).digest('hex');
    const [row]: { count: number }[] = await this.dataSource.query(
      `INSERT INTO portal_link_requests AS r (address_hash, window_start, count) VALUES ($1, now(), 1)
       ON CONFLICT (address_hash) DO UPDATE
         SET count = CASE WHEN r.window_start < now() - make_interval(mins => $2) THEN 1 ELSE r.count + 1 END,
             window_start = CASE WHEN r.window_start < now() - make_interval(mins => $2) THEN now() ELSE r.window_start END
       RETURNING count`,
      [hash, LINK_REQUEST_WINDOW_MINUTES],
    );
    if (++this.requests % 100 === 0) void this.prune();
    if (row.count > LINK_REQUESTS_PER_ADDRESS) throw new LinkRequestsExhaustedException();
    const work = this.deliver(address, locale)
      .catch((e) => this.logger.error(`A portal link could not be sent: ${(e as Error).message}`))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /** Resolves when every link being sent is out (used at shutdown, and by tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.idle();
  }

  private parse(raw: string): Address | null {
    const text = raw.trim();
    if (text.length === 0 || text.length > 320) return null;
    if (text.includes('@')) {
      const email = normalizeEmail(text);
      return email.ok ? { kind: 'email', value: email.value } : null;
    }
    const phone = normalizePhone(text, this.config.workspace.phoneRegion);
    return phone.ok ? { kind: 'phone', value: phone.value } : null;
  }

  private async deliver(address: Address, requestedLocale?: Locale): Promise<void> {
    // The answer goes out first: nothing that depends on the address being known runs before it.
    await new Promise((resolve) => setImmediate(resolve));
    const clients: { id: string; link_version: number; locale: Locale; email: string | null }[] =
      await this.dataSource.query(
        `SELECT id, link_version, locale, email FROM clients
          WHERE ${address.kind === 'email' ? 'email' : 'phone'} = $1 AND erased_at IS NULL AND email IS NOT NULL
          ORDER BY created_at LIMIT ${MAX_CLIENTS_PER_ADDRESS}`,
        [address.value],
      );
    for (const client of clients) {
      // The language the person chose on the page, else the client's own.
      const locale = requestedLocale ?? client.locale;
      const url = this.links.portalUrl(client.id, client.link_version, locale);
      const mail = this.renderer.linkEmail(locale, url);
      const from = this.messages.defaultFrom;
      await this.driver.send({
        from,
        to: { address: client.email! },
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: `<portal-link-${randomUUID()}@${asciiDomain(from.address)}>`,
      });
      this.logger.log(`Sent a new portal link to client ${client.id}`);
    }
  }

  private async prune(): Promise<void> {
    try {
      await this.dataSource.query(
        `DELETE FROM portal_link_requests WHERE window_start < now() - make_interval(mins => $1)`,
        [LINK_REQUEST_WINDOW_MINUTES],
      );
    } catch (e) {
      this.logger.warn(`Could not prune old link requests: ${(e as Error).message}`);
    }
  }
}
