import { Injectable } from '@nestjs/common';
import { AppConfig } from '@touchbase/config';
import { DataSource, EntityManager } from 'typeorm';
import {
  confirmContactData,
  flagsClearedBy,
  isMobilePhone,
  normalizeCountry,
  normalizeEmail,
  normalizePhone,
  PostalAddress,
} from '@touchbase/clients';
import {
  Channel,
  DomainException,
  ErrorCode,
  FieldError,
  Locale,
  NotFoundException,
  ValidationException,
} from '@touchbase/core';
import {
  ActorType,
  ConsentContext,
  ConsentSource,
  Frequency,
  PREFERENCE_COLUMNS,
  PreferenceChange,
  PreferenceChanges,
  PreferenceRow,
  preferencesOfRow,
  PreferencesService,
  pushChange,
  stateOf,
} from '@touchbase/preferences';
import { PortalSession } from './portal-access.service';
import { REACHED_STATUSES_SQL } from '@touchbase/runs';
import { outboxInsertSql, WebhookEventType } from '@touchbase/webhooks';

/** Topics a client cannot leave in the portal: service messages are never promotional. */
export const PORTAL_HIDDEN_TOPICS: readonly string[] = ['service'];
/** A survey campaign is a campaign about this topic (the playbook's satisfaction survey is one). */
export const SURVEY_TOPIC = 'surveys';

export interface PortalTopic {
  key: string;
  nameRu: string;
  nameEn: string;
  descriptionRu: string;
  descriptionEn: string;
  subscribed: boolean;
}

export interface PortalContact {
  email: string | null;
  phone: string | null;
  address: PostalAddress;
}

export interface PortalSurveyState {
  runId: string;
  answered: boolean;
  valued: string;
  improve: string;
  rating: number | null;
}

/** Everything the portal shows a client, read in one query. */
export interface PortalView {
  clientId: string;
  name: string;
  locale: Locale;
  timeZone: string | null;
  optedOut: boolean;
  channels: Record<Channel, boolean>;
  preferredChannel: Channel | null;
  frequency: Frequency;
  quietHours: { start: string; end: string } | null;
  /** Whether the client's clicks (and email opens) are recorded. */
  clickTracking: boolean;
  topics: PortalTopic[];
  contact: PortalContact;
  contactVerifiedAt: string | null;
  /** Only when asked for; null: no survey invited the client. */
  survey?: PortalSurveyState | null;
  updatedAt: string;
}

export interface ContactChanges {
  email?: string | null;
  phone?: string | null;
  address?: Partial<PortalContact['address']>;
}

export interface SurveyAnswers {
  valued?: string | null;
  improve?: string | null;
  rating?: number | null;
}

/** Who made a change in the portal: written with every consent-log row. */
export interface PortalRequestContext {
  ip: string | null;
  userAgent: string | null;
  wordingVersion: string;
}

/** The link's client is gone, erased, or the link was revoked (its link version is behind). */
export class PortalLinkRevokedException extends DomainException {
  constructor() {
    super(ErrorCode.Unauthorized, 'The portal link is no longer valid; request a new one', {
      reason: 'revoked',
    });
  }
}

interface ViewRow extends PreferenceRow {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  address_recipient: string | null;
  address_lines: string[];
  address_city: string | null;
  address_region: string | null;
  address_postal_code: string | null;
  address_country: string | null;
  contact_verified_at: Date | null;
  topics: PortalTopic[];
  survey?: PortalSurveyState | null;
}

// The latest survey invitation that reached the client, with its answer if any. Uses
// deliveries_client_idx (client_id, created_at).
const SURVEY_SQL = `
  (SELECT json_build_object('runId', d.run_id, 'answered', a.id IS NOT NULL,
                            'valued', COALESCE(a.valued, ''), 'improve', COALESCE(a.improve, ''),
                            'rating', a.rating)
     FROM deliveries d
     JOIN campaigns cp ON cp.id = d.campaign_id AND cp.topic_key = '${SURVEY_TOPIC}'
     LEFT JOIN survey_answers a ON a.client_id = d.client_id AND a.run_id = d.run_id
    WHERE d.client_id = c.id AND d.status IN ${REACHED_STATUSES_SQL}
    ORDER BY d.created_at DESC LIMIT 1)`;

function viewSql(withSurvey: boolean, lock: boolean): string {
  return `
    SELECT c.id, c.name, c.email, c.phone, c.address_recipient, c.address_lines, c.address_city,
           c.address_region, c.address_postal_code, c.address_country, c.contact_verified_at,
           ${PREFERENCE_COLUMNS},
           (SELECT COALESCE(json_agg(json_build_object(
                     'key', t.key, 'nameRu', t.name_ru, 'nameEn', t.name_en,
                     'descriptionRu', t.description_ru, 'descriptionEn', t.description_en,
                     'subscribed', COALESCE(s.subscribed, t.default_subscribed)) ORDER BY t.system DESC, t.key), '[]')
              FROM topics t
              LEFT JOIN client_topic_subscriptions s ON s.client_id = c.id AND s.topic_key = t.key
             WHERE t.key <> ALL ($3::text[])) AS topics
           ${withSurvey ? `, ${SURVEY_SQL} AS survey` : ''}
      FROM clients c
      JOIN client_preferences p ON p.client_id = c.id
     WHERE c.id = $1 AND c.link_version = $2 AND c.erased_at IS NULL
     ${lock ? 'FOR UPDATE OF c' : ''}`;
}

/** survey.answered for the answer of the CTE `answer` (first answer and every change to it). */
const SURVEY_EVENT_SQL = outboxInsertSql(`
  SELECT '${WebhookEventType.SurveyAnswered}'::text AS type, answer.client_id,
         jsonb_build_object('clientId', answer.client_id, 'externalRef', c.external_ref, 'runId', answer.run_id,
                            'campaignId', r.campaign_id, 'rating', answer.rating, 'valued', answer.valued,
                            'improve', answer.improve, 'locale', answer.locale, 'answeredAt', answer.updated_at) AS payload
    FROM answer JOIN clients c ON c.id = answer.client_id JOIN runs r ON r.id = answer.run_id`);

const TEXT_MAX = 200;

/**
 * What a client does in the portal, for the pages and the JSON API alike. The link's client and
 * link version are checked by the same statement that reads or locks the client, so a revoked link
 * stops working at once. A read is one query; a change of preferences is two in a transaction: lock
 * and read, then PreferencesService.applyLocked (the one set of preference rules, one statement with
 * one consent-log row per changed item). Contact changes are logged the same way.
 */
@Injectable()
export class PortalService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly preferences: PreferencesService,
  ) {}

  /** The client's portal state; null when the link was revoked or its client is gone. */
  async view(
    session: PortalSession,
    options: { survey?: boolean } = {},
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PortalView | null> {
    const rows: ViewRow[] = await manager.query(viewSql(options.survey ?? false, false), [
      session.clientId,
      session.linkVersion,
      PORTAL_HIDDEN_TOPICS,
    ]);
    return rows.length === 0 ? null : toView(rows[0], options.survey ?? false);
  }

  async updatePreferences(
    session: PortalSession,
    changes: PreferenceChanges,
    request: PortalRequestContext,
  ): Promise<PortalView> {
    const hidden = Object.keys(changes.topics ?? {}).filter((k) => PORTAL_HIDDEN_TOPICS.includes(k));
    if (hidden.length > 0) {
      throw new ValidationException('Service messages cannot be switched off', [
        { field: 'topics', messages: [`${hidden.join(', ')} cannot be changed in the portal`] },
      ]);
    }
    return this.dataSource.transaction(async (m) => {
      const before = await this.lock(session, m);
      const applied = await this.preferences.applyLocked(
        session.clientId,
        stateOf(before),
        changes,
        consentContext(request),
        m,
      );
      if (!applied) return before;
      const { topics, ...after } = applied.after;
      return {
        ...before,
        ...after,
        topics: before.topics.map((t) => ({ ...t, subscribed: topics[t.key] })),
        updatedAt: applied.updatedAt,
      };
    });
  }

  unsubscribeAll(session: PortalSession, request: PortalRequestContext): Promise<PortalView> {
    return this.updatePreferences(session, { optedOut: true }, request);
  }

  /**
   * Saves the contact details and marks them verified (the client has just confirmed them), also
   * when nothing changed. Each changed field is written to the consent log as `contact.<field>`.
   */
  async updateContact(
    session: PortalSession,
    changes: ContactChanges,
    request: PortalRequestContext,
  ): Promise<PortalView> {
    return this.dataSource.transaction(async (m) => {
      const before = await this.lock(session, m);
      const next = this.normalizeContact(before.contact, changes);
      const diff: PreferenceChange[] = [];
      pushChange(diff, 'contact.email', before.contact.email, next.email);
      pushChange(diff, 'contact.phone', before.contact.phone, next.phone);
      pushChange(diff, 'contact.address', before.contact.address, next.address);
      await confirmContactData(
        m,
        session.clientId,
        {
          email: next.email,
          phone: next.phone,
          phoneMobile: next.phone ? isMobilePhone(next.phone) : null,
          address: next.address,
        },
        flagsClearedBy({
          email: next.email !== before.contact.email,
          phone: next.phone !== before.contact.phone,
          address: JSON.stringify(next.address) !== JSON.stringify(before.contact.address),
        }),
      );
      await this.preferences.logConsent(session.clientId, diff, consentContext(request), m);
      return (await this.view(session, {}, m))!;
    });
  }

  /** The survey the client was invited to, with their answer so far; null when there is none. */
  async survey(session: PortalSession): Promise<PortalSurveyState | null> {
    const view = await this.view(session, { survey: true });
    if (!view) throw new PortalLinkRevokedException();
    return view.survey ?? null;
  }

  /** Stores (or revises) the answer to the latest survey the client was invited to. */
  async answerSurvey(session: PortalSession, answers: SurveyAnswers): Promise<PortalSurveyState> {
    const valued = (answers.valued ?? '').trim();
    const improve = (answers.improve ?? '').trim();
    const rating = answers.rating ?? null;
    const problems: FieldError[] = [];
    if (rating !== null && (!Number.isInteger(rating) || rating < 0 || rating > 10)) {
      problems.push({ field: 'rating', messages: ['rating must be a whole number from 0 to 10'] });
    }
    if (valued.length > 4000)
      problems.push({ field: 'valued', messages: ['valued is at most 4000 characters'] });
    if (improve.length > 4000)
      problems.push({ field: 'improve', messages: ['improve is at most 4000 characters'] });
    if (!valued && !improve && rating === null) {
      problems.push({ field: 'answers', messages: ['answer at least one question or give a rating'] });
    }
    if (problems.length > 0) {
      throw new ValidationException(
        `The answers are invalid: ${problems.map((p) => p.field).join(', ')}`,
        problems,
      );
    }
    return this.dataSource.transaction(async (m) => {
      const rows: ViewRow[] = await m.query(viewSql(true, true), [
        session.clientId,
        session.linkVersion,
        PORTAL_HIDDEN_TOPICS,
      ]);
      if (rows.length === 0) throw new PortalLinkRevokedException();
      const invitation = rows[0].survey;
      if (!invitation) throw new NotFoundException('Survey invitation', session.clientId);
      await m.query(
        `WITH answer AS (
           INSERT INTO survey_answers AS a (client_id, run_id, valued, improve, rating, locale)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (client_id, run_id) DO UPDATE
             SET valued = EXCLUDED.valued, improve = EXCLUDED.improve, rating = EXCLUDED.rating,
                 locale = EXCLUDED.locale, updated_at = now()
           RETURNING a.client_id, a.run_id, a.valued, a.improve, a.rating, a.locale, a.updated_at
         ), events AS (${SURVEY_EVENT_SQL})
         SELECT 1 FROM answer`,
        [session.clientId, invitation.runId, valued, improve, rating, rows[0].locale],
      );
      return { runId: invitation.runId, answered: true, valued, improve, rating };
    });
  }

  /** Locks the client for a change; the link version is checked in the same statement. */
  private async lock(session: PortalSession, m: EntityManager): Promise<PortalView> {
    const rows: ViewRow[] = await m.query(viewSql(false, true), [
      session.clientId,
      session.linkVersion,
      PORTAL_HIDDEN_TOPICS,
    ]);
    if (rows.length === 0) throw new PortalLinkRevokedException();
    return toView(rows[0], false);
  }

  /** Validates and normalises; fields left out stay; empty strings clear. All problems at once. */
  private normalizeContact(before: PortalContact, changes: ContactChanges): PortalContact {
    const problems: FieldError[] = [];
    const blank = (v: string | null | undefined) => v === null || (typeof v === 'string' && v.trim() === '');
    let email = before.email;
    if (changes.email !== undefined) {
      if (blank(changes.email)) email = null;
      else {
        const r = normalizeEmail(changes.email!);
        if (r.ok) email = r.value;
        else problems.push({ field: 'email', messages: [r.message] });
      }
    }
    let phone = before.phone;
    if (changes.phone !== undefined) {
      if (blank(changes.phone)) phone = null;
      else {
        const r = normalizePhone(changes.phone!, this.config.workspace.phoneRegion);
        if (r.ok) phone = r.value;
        else problems.push({ field: 'phone', messages: [r.message] });
      }
    }
    const address = { ...before.address, lines: [...before.address.lines] };
    const a = changes.address;
    if (a) {
      const text = (field: string, v: string | null | undefined): string | null | undefined => {
        if (v === undefined) return undefined;
        if (blank(v)) return null;
        const trimmed = v!.trim();
        if (trimmed.length > TEXT_MAX) {
          problems.push({
            field: `address.${field}`,
            messages: [`${field} is at most ${TEXT_MAX} characters`],
          });
        }
        return trimmed;
      };
      const set = <K extends 'recipient' | 'city' | 'region' | 'postalCode'>(key: K) => {
        const v = text(key, a[key]);
        if (v !== undefined) address[key] = v;
      };
      set('recipient');
      set('city');
      set('region');
      set('postalCode');
      if (a.lines !== undefined) {
        address.lines = (a.lines ?? []).map((l) => l.trim()).filter((l) => l.length > 0);
        if (address.lines.length > 4 || address.lines.some((l) => l.length > TEXT_MAX)) {
          problems.push({
            field: 'address.lines',
            messages: [`up to 4 lines of at most ${TEXT_MAX} characters`],
          });
        }
      }
      if (a.country !== undefined) {
        if (blank(a.country)) address.country = null;
        else {
          const r = normalizeCountry(a.country!);
          if (r.ok) address.country = r.value;
          else problems.push({ field: 'address.country', messages: [r.message] });
        }
      }
    }
    if (problems.length > 0) {
      throw new ValidationException(
        `The contact details are invalid: ${problems.map((p) => p.field).join(', ')}`,
        problems,
      );
    }
    return { email, phone, address };
  }
}

function consentContext(request: PortalRequestContext): ConsentContext {
  return { actorType: ActorType.Client, source: ConsentSource.Portal, ...request };
}

function toView(row: ViewRow, withSurvey: boolean): PortalView {
  return {
    clientId: row.id,
    name: row.name,
    ...preferencesOfRow(row),
    topics: row.topics,
    contact: {
      email: row.email,
      phone: row.phone,
      address: {
        recipient: row.address_recipient,
        lines: row.address_lines,
        city: row.address_city,
        region: row.address_region,
        postalCode: row.address_postal_code,
        country: row.address_country,
      },
    },
    contactVerifiedAt: row.contact_verified_at ? new Date(row.contact_verified_at).toISOString() : null,
    ...(withSurvey && { survey: row.survey ?? null }),
  };
}
