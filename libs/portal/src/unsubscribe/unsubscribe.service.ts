import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUuid, Locale } from '@touchbase/core';
import { LinksService } from '@touchbase/links';
import { ActorType, ConsentSource, PreferenceChanges, PreferencesService } from '@touchbase/preferences';

/** What a valid unsubscribe link points at. */
export interface UnsubscribeTarget {
  clientId: string;
  locale: Locale;
  linkVersion: number;
  /** The topic of the link; null: every message. */
  topic: { key: string; nameRu: string; nameEn: string } | null;
  /** The link names a topic that has been deleted since: nothing is sent about it any more. */
  topicGone: boolean;
}

export interface UnsubscribeRequest {
  ip?: string | null;
  userAgent?: string | null;
  /** The wording the person saw; null for a mail client's one-click POST (no page shown). */
  wordingVersion?: string | null;
}

interface TargetRow {
  locale: Locale;
  link_version: number;
  topic_key: string | null;
  name_ru: string | null;
  name_en: string | null;
}

/**
 * One-click unsubscribe (RFC 8058) behind the signed links in every message. The token is the whole
 * authority: it is checked in constant time (LinksService) and against the client's current link
 * version, so bumping the version revokes every link issued before.
 */
@Injectable()
export class UnsubscribeService {
  private readonly logger = new Logger('Unsubscribe');

  constructor(
    private readonly links: LinksService,
    private readonly dataSource: DataSource,
    private readonly preferences: PreferencesService,
  ) {}

  /** The link's target, or null when the link is forged, revoked or its client is gone. */
  async resolve(token: string): Promise<UnsubscribeTarget | null> {
    const verified = this.links.verifyUnsubscribeToken(token);
    if (!verified.ok) return null;
    const { c, v, t } = verified.payload;
    if (!isUuid(c) || (t !== null && typeof t !== 'string')) return null;
    const [row]: TargetRow[] = await this.dataSource.query(
      `SELECT c.locale, c.link_version, tp.key AS topic_key, tp.name_ru, tp.name_en
         FROM clients c LEFT JOIN topics tp ON tp.key = $2
        WHERE c.id = $1 AND c.erased_at IS NULL`,
      [c, t],
    );
    if (!row || row.link_version !== v) return null;
    return {
      clientId: c,
      locale: row.locale,
      linkVersion: row.link_version,
      topic: row.topic_key
        ? { key: row.topic_key, nameRu: row.name_ru!, nameEn: row.name_en! }
        : t !== null
          ? { key: t, nameRu: t, nameEn: t }
          : null,
      topicGone: t !== null && !row.topic_key,
    };
  }

  /** Whether the client is already unsubscribed from what the link is about. */
  async isUnsubscribed(target: UnsubscribeTarget): Promise<boolean> {
    if (target.topicGone) return true;
    const prefs = await this.preferences.get(target.clientId);
    if (!target.topic) return prefs.optedOut;
    return prefs.topics.find((t) => t.key === target.topic!.key)?.subscribed === false;
  }

  /** Idempotent: a second request changes nothing and writes nothing to the consent log. */
  async unsubscribe(target: UnsubscribeTarget, request: UnsubscribeRequest): Promise<void> {
    if (target.topicGone) {
      this.logger.log(`Unsubscribe from a deleted topic for client ${target.clientId}: nothing to change`);
      return;
    }
    const changes: PreferenceChanges = target.topic
      ? { topics: { [target.topic.key]: false } }
      : { optedOut: true };
    await this.preferences.update(target.clientId, changes, {
      actorType: ActorType.Client,
      source: ConsentSource.OneClickUnsubscribe,
      ip: request.ip ?? null,
      userAgent: request.userAgent ?? null,
      wordingVersion: request.wordingVersion ?? null,
    });
  }

  portalUrl(target: UnsubscribeTarget, locale: Locale): string {
    return this.links.portalUrl(target.clientId, target.linkVersion, locale);
  }
}
