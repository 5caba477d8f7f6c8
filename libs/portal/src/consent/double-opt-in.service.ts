import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClientsService, normalizeEmail } from '@touchbase/clients';
import { AppConfig } from '@touchbase/config';
import { Channel, DomainException, ErrorCode, Locale, ValidationException } from '@touchbase/core';
import { asciiDomain, EmailDriver, EmailMessageBuilder } from '@touchbase/email';
import { CONSENT_LINK_TTL_HOURS, LinksService } from '@touchbase/links';
import { ActorType, ConsentSource, PreferencesService } from '@touchbase/preferences';
import { BrandingService } from '@touchbase/templates';
import { compileClientView } from '../pages/client-page';
import { CONSENT_TEXTS } from './consent-texts';

/** Confirmation emails per address in one window (known or not), across every API replica. */
export const CONSENT_REQUESTS_PER_ADDRESS = 3;
export const CONSENT_REQUEST_WINDOW_MINUTES = 60;
/** Per IP and minute (the public throttler). */
export const CONSENT_REQUESTS_PER_IP_PER_MINUTE = 5;

export class ConsentRequestsExhaustedException extends DomainException {
  constructor() {
    super(ErrorCode.RateLimited, 'Too many consent requests for this address; try again later');
  }
}

/** What a form sends. */
export interface ConsentRequestInput {
  email: string;
  channels: Channel[];
  topics?: string[];
  wordingVersion: string;
  locale?: Locale;
  name?: string;
}

export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

interface RequestRow {
  id: string;
  email: string;
  locale: Locale;
  channels: Channel[];
  topics: string[];
  wording_version: string;
  confirmed_at: Date | null;
  client_id: string | null;
}

/** What opening a confirmation link finds. */
export type ConsentLink =
  { ok: true; request: RequestRow } | { ok: false; reason: 'invalid' | 'expired'; locale: Locale | null };

const EMAIL_VIEW = compileClientView(`<!DOCTYPE html>
<html lang="{{lang}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{subject}}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#1f2328;">
<div style="background:#ffffff;border-radius:8px;padding:32px 28px;">
<p style="margin:0 0 16px;">{{greeting}}</p>
<p style="margin:0 0 16px;">{{text}}</p>
{{#if topics}}<p style="margin:0 0 16px;">{{topics}}</p>{{/if}}
<p style="margin:0 0 24px;"><a href="{{url}}" style="display:inline-block;background:#1a5fb4;color:#ffffff;text-decoration:none;padding:12px 24px;border-radius:6px;">{{button}}</a></p>
<p style="margin:0 0 8px;color:#57606a;font-size:14px;">{{expires}}</p>
<p style="margin:0;color:#57606a;font-size:14px;">{{ignore}}</p>
</div>
<p style="padding:16px 8px;margin:0;font-size:13px;color:#6b7280;">{{company}}</p>
</div>
</body>
</html>
`);

/**
 * Double opt-in for consents collected on the company's own forms (38-FZ art. 18 puts the burden of
 * proof on the sender): the form's request is kept as a pending consent (consent_requests) and a
 * confirmation email with a signed, expiring link goes to the address. Only confirming on the link's
 * page records the consent (source double-opt-in, with the IP and user agent of the confirmation).
 */
@Injectable()
export class DoubleOptInService {
  private readonly logger = new Logger('DoubleOptIn');

  constructor(
    private readonly dataSource: DataSource,
    private readonly links: LinksService,
    private readonly driver: EmailDriver,
    private readonly messages: EmailMessageBuilder,
    private readonly branding: BrandingService,
    private readonly preferences: PreferencesService,
    private readonly clients: ClientsService,
    private readonly config: AppConfig,
  ) {}

  /** Checks the form's request, keeps it pending and sends the confirmation email. 400 / 429. */
  async request(input: ConsentRequestInput, context: RequestContext): Promise<void> {
    const email = normalizeEmail(input.email ?? '');
    if (!email.ok) {
      throw new ValidationException('Enter a valid email address', [
        { field: 'email', messages: [email.message] },
      ]);
    }
    const topics = [...new Set(input.topics ?? [])];
    if (topics.length > 0) {
      const known: { key: string }[] = await this.dataSource.query(
        `SELECT key FROM topics WHERE key = ANY($1::text[])`,
        [topics],
      );
      const unknown = topics.filter((t) => !known.some((k) => k.key === t));
      if (unknown.length > 0) {
        throw new ValidationException(`Unknown topics: ${unknown.join(', ')}`, [
          { field: 'topics', messages: [`unknown topics: ${unknown.join(', ')}`] },
        ]);
      }
    }
    const [recent]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM consent_requests
        WHERE email = $1 AND requested_at > now() - make_interval(mins => $2)`,
      [email.value, CONSENT_REQUEST_WINDOW_MINUTES],
    );
    if (recent.n >= CONSENT_REQUESTS_PER_ADDRESS) throw new ConsentRequestsExhaustedException();
    // The language: the form's, else the client's with this address, else the workspace's.
    const [client]: { locale: Locale }[] = await this.dataSource.query(
      `SELECT locale FROM clients WHERE email = $1 AND erased_at IS NULL ORDER BY created_at LIMIT 1`,
      [email.value],
    );
    const locale = input.locale ?? client?.locale ?? (this.config.workspace.locale as Locale);
    const id = randomUUID();
    await this.dataSource.query(
      `INSERT INTO consent_requests (id, email, locale, channels, topics, wording_version, form_ip,
                                     form_user_agent, expires_at, name)
       VALUES ($1, $2, $3, $4, $5, $6, $7::inet, $8, now() + make_interval(hours => $9), $10)`,
      [
        id,
        email.value,
        locale,
        [...new Set(input.channels)],
        topics,
        input.wordingVersion,
        context.ip,
        context.userAgent?.slice(0, 1000) ?? null,
        CONSENT_LINK_TTL_HOURS,
        input.name ?? null,
      ],
    );
    await this.sendEmail(id, email.value, locale, [...new Set(input.channels)], topics);
  }

  /** What a confirmation link points to, or why it does not (altered, expired, unknown). */
  async resolve(token: string): Promise<ConsentLink> {
    const verified = this.links.verifyConsentToken(token);
    if (!verified.ok) {
      const locale = verified.reason === 'expired' ? await this.localeOfExpired(token) : null;
      return { ok: false, reason: verified.reason, locale };
    }
    const [row]: RequestRow[] = await this.dataSource.query(
      `SELECT id, email, locale, channels, topics, wording_version, confirmed_at, client_id
         FROM consent_requests WHERE id = $1`,
      [verified.payload.r],
    );
    return row ? { ok: true, request: row } : { ok: false, reason: 'invalid', locale: null };
  }

  /**
   * Records the confirmed consent: the client with the request's address (created when there is none),
   * consent on each channel with source double-opt-in, the channels switched on, the topics subscribed
   * and an opt-out from everything ended, in one transaction. Idempotent: a second confirmation records nothing more.
   */
  async confirm(request: RequestRow, context: RequestContext): Promise<{ already: boolean }> {
    if (request.confirmed_at) return { already: true };
    const clientId = await this.clientFor(request);
    return this.dataSource.transaction(async (manager) => {
      const [claimed]: { id: string }[] = await manager.query(
        `UPDATE consent_requests SET confirmed_at = now(), client_id = $2
          WHERE id = $1 AND confirmed_at IS NULL RETURNING id`,
        [request.id, clientId],
      );
      if (!claimed) return { already: true };
      await this.preferences.recordConsent(
        clientId,
        request.channels,
        true,
        {
          actorType: ActorType.Client,
          actorId: null,
          source: ConsentSource.DoubleOptIn,
          ip: context.ip,
          userAgent: context.userAgent,
          wordingVersion: request.wording_version,
        },
        manager,
        {
          // A confirmed request to receive messages: it also ends an opt-out from everything.
          optedOut: false,
          channels: Object.fromEntries(request.channels.map((ch) => [ch, true])),
          ...(request.topics.length > 0 && {
            topics: Object.fromEntries(request.topics.map((t) => [t, true])),
          }),
        },
      );
      this.logger.log(`Recorded a double opt-in consent of client ${clientId}`);
      return { already: false };
    });
  }

  channelList(locale: Locale, channels: Channel[]): string {
    return channels.map((ch) => CONSENT_TEXTS[locale].channel[ch]).join(', ');
  }

  private async clientFor(request: RequestRow): Promise<string> {
    const [client]: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM clients WHERE email = $1 AND erased_at IS NULL ORDER BY created_at LIMIT 1`,
      [request.email],
    );
    if (client) return client.id;
    const [named]: { name: string | null }[] = await this.dataSource.query(
      `SELECT name FROM consent_requests WHERE id = $1`,
      [request.id],
    );
    const created = await this.clients.create({
      name: named?.name || request.email,
      email: request.email,
      locale: request.locale,
    } as Parameters<ClientsService['create']>[0]);
    return created.id;
  }

  /** An expired link is still ours when its signature holds: its request's language, for the page. */
  private async localeOfExpired(token: string): Promise<Locale | null> {
    try {
      const payload = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as {
        r?: unknown;
      };
      if (typeof payload.r !== 'string' || !/^[0-9a-f-]{36}$/i.test(payload.r)) return null;
      const [row]: { locale: Locale }[] = await this.dataSource.query(
        `SELECT locale FROM consent_requests WHERE id = $1`,
        [payload.r],
      );
      return row?.locale ?? null;
    } catch {
      return null;
    }
  }

  private async sendEmail(
    id: string,
    to: string,
    locale: Locale,
    channels: Channel[],
    topicKeys: string[],
  ): Promise<void> {
    const t = CONSENT_TEXTS[locale].email;
    const company = this.branding.companyName(locale);
    const url = this.links.consentUrl(id, locale);
    let topics = '';
    if (topicKeys.length > 0) {
      const rows: { name_ru: string; name_en: string }[] = await this.dataSource.query(
        `SELECT name_ru, name_en FROM topics WHERE key = ANY($1::text[]) ORDER BY key`,
        [topicKeys],
      );
      topics = t.topics(rows.map((r) => (locale === Locale.Ru ? r.name_ru : r.name_en)).join(', '));
    }
    const text = t.text(this.channelList(locale, channels), company);
    const from = this.messages.defaultFrom;
    await this.driver.send({
      from,
      to: { address: to },
      subject: t.subject,
      html: EMAIL_VIEW({
        lang: locale,
        subject: t.subject,
        greeting: t.greeting,
        text,
        topics,
        url,
        button: t.button,
        expires: t.expires(CONSENT_LINK_TTL_HOURS),
        ignore: t.ignore,
        company,
      }),
      text: [t.greeting, '', text, url, '', topics, t.expires(CONSENT_LINK_TTL_HOURS), t.ignore, '', company]
        .filter((line, i, all) => line !== '' || all[i - 1] !== '')
        .join('\n'),
      messageId: `<consent-${id}@${asciiDomain(from.address)}>`,
    });
  }
}
