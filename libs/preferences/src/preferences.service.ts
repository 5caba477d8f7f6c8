import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  Channel,
  CHANNELS,
  decodeCursor,
  encodeCursor,
  FieldError,
  Locale,
  NotFoundException,
  Page,
  ValidationException,
} from '@touchbase/core';
import { ConsentContext } from './consent-context';
import { ClientPreferences } from './entities/client-preferences.entity';
import { ClientTopicSubscription } from './entities/client-topic-subscription.entity';
import { ConsentLogEntry } from './entities/consent-log-entry.entity';
import { Topic } from './entities/topic.entity';
import { Frequency } from './frequency.enum';

export interface PreferencesView {
  clientId: string;
  optedOut: boolean;
  channels: Record<Channel, boolean>;
  preferredChannel: Channel | null;
  topics: { key: string; subscribed: boolean; explicit: boolean }[];
  frequency: Frequency;
  quietHours: { start: string; end: string } | null;
  locale: Locale;
  timeZone: string | null;
  updatedAt: string;
}

/** A change of preferences; fields left out stay as they are. */
export interface PreferenceChanges {
  optedOut?: boolean;
  channels?: Partial<Record<Channel, boolean>>;
  preferredChannel?: Channel | null;
  topics?: Record<string, boolean>;
  frequency?: Frequency;
  quietHours?: { start: string; end: string } | null;
  locale?: Locale;
  timeZone?: string;
}

interface Change {
  item: string;
  oldValue: unknown;
  newValue: unknown;
}

const CHANNEL_COLUMN: Record<Channel, keyof ClientPreferences> = {
  [Channel.Email]: 'emailAllowed',
  [Channel.Sms]: 'smsAllowed',
  [Channel.Call]: 'callAllowed',
  [Channel.Letter]: 'letterAllowed',
};

@Injectable()
export class PreferencesService {
  constructor(private readonly dataSource: DataSource) {}

  async get(clientId: string, manager: EntityManager = this.dataSource.manager): Promise<PreferencesView> {
    const rows: {
      locale: Locale;
      time_zone: string | null;
    }[] = await manager.query(`SELECT locale, time_zone FROM clients WHERE id = $1`, [clientId]);
    if (rows.length === 0) throw new NotFoundException('Client', clientId);
    const prefs = await manager.getRepository(ClientPreferences).findOneByOrFail({ clientId });
    const topics = await manager.getRepository(Topic).find({ order: { key: 'ASC' } });
    const explicit = new Map(
      (await manager.getRepository(ClientTopicSubscription).findBy({ clientId })).map((s) => [
        s.topicKey,
        s.subscribed,
      ]),
    );
    return {
      clientId,
      optedOut: prefs.optedOut,
      channels: Object.fromEntries(CHANNELS.map((c) => [c, prefs[CHANNEL_COLUMN[c]] as boolean])) as Record<
        Channel,
        boolean
      >,
      preferredChannel: prefs.preferredChannel,
      topics: topics.map((t) => ({
        key: t.key,
        subscribed: explicit.get(t.key) ?? t.defaultSubscribed,
        explicit: explicit.has(t.key),
      })),
      frequency: prefs.frequency,
      quietHours:
        prefs.quietHoursStart && prefs.quietHoursEnd
          ? { start: prefs.quietHoursStart.slice(0, 5), end: prefs.quietHoursEnd.slice(0, 5) }
          : null,
      locale: rows[0].locale,
      timeZone: rows[0].time_zone,
      updatedAt: prefs.updatedAt.toISOString(),
    };
  }

  /**
   * Applies a change and writes one consent-log row per item that really changed (setting a value to
   * what it already is writes nothing). Runs in the caller's transaction when given one.
   */
  async update(
    clientId: string,
    changes: PreferenceChanges,
    context: ConsentContext,
    manager?: EntityManager,
  ): Promise<PreferencesView> {
    if (!manager) return this.dataSource.transaction((m) => this.update(clientId, changes, context, m));
    const locked = await manager.query(`SELECT 1 FROM clients WHERE id = $1 FOR UPDATE`, [clientId]);
    if (locked.length === 0) throw new NotFoundException('Client', clientId);
    const before = await this.get(clientId, manager);
    const { diff, problems } = this.diff(before, changes);
    if (problems.length > 0) {
      throw new ValidationException(
        `The preferences are invalid: ${problems.map((p) => p.field).join(', ')}`,
        problems,
      );
    }
    if (diff.length === 0) return before;
    await this.apply(clientId, diff, manager);
    await manager.getRepository(ConsentLogEntry).insert(
      diff.map((d) => ({
        clientId,
        actorType: context.actorType,
        actorId: context.actorId ?? null,
        source: context.source,
        item: d.item,
        oldValue: d.oldValue as object,
        newValue: d.newValue as object,
        ip: context.ip ?? null,
        userAgent: context.userAgent?.slice(0, 1000) ?? null,
        wordingVersion: context.wordingVersion ?? null,
      })),
    );
    return this.get(clientId, manager);
  }

  async consentLog(clientId: string, limit = 50, cursor?: string): Promise<Page<ConsentLogEntry>> {
    const exists = await this.dataSource.query(`SELECT 1 FROM clients WHERE id = $1`, [clientId]);
    if (exists.length === 0) throw new NotFoundException('Client', clientId);
    const qb = this.dataSource
      .getRepository(ConsentLogEntry)
      .createQueryBuilder('l')
      .where('l.client_id = :clientId', { clientId })
      .orderBy('l.id', 'DESC')
      .limit(limit + 1);
    if (cursor) qb.andWhere('l.id < :id', { id: String(decodeCursor(cursor, 1)[0]) });
    const rows = await qb.getMany();
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items.at(-1)!.id]) : null };
  }

  private diff(
    before: PreferencesView,
    changes: PreferenceChanges,
  ): { diff: Change[]; problems: FieldError[] } {
    const diff: Change[] = [];
    const problems: FieldError[] = [];
    const push = (item: string, oldValue: unknown, newValue: unknown) => {
      if (JSON.stringify(oldValue) !== JSON.stringify(newValue)) diff.push({ item, oldValue, newValue });
    };
    if (changes.optedOut !== undefined) push('optedOut', before.optedOut, changes.optedOut);
    const channels = { ...before.channels };
    for (const channel of CHANNELS) {
      const next = changes.channels?.[channel];
      if (next === undefined) continue;
      push(`channel.${channel}`, before.channels[channel], next);
      channels[channel] = next;
    }
    let preferred = before.preferredChannel;
    if (changes.preferredChannel !== undefined) {
      push('preferredChannel', before.preferredChannel, changes.preferredChannel);
      preferred = changes.preferredChannel;
    }
    if (preferred && !channels[preferred]) {
      if (changes.preferredChannel !== undefined) {
        problems.push({
          field: 'preferredChannel',
          messages: [`${preferred} cannot be preferred while it is not allowed`],
        });
      } else {
        // Switching off the preferred channel also drops the preference.
        push('preferredChannel', before.preferredChannel, null);
      }
    }
    if (changes.topics) {
      const known = new Map(before.topics.map((t) => [t.key, t.subscribed]));
      const unknown = Object.keys(changes.topics).filter((k) => !known.has(k));
      if (unknown.length > 0) {
        problems.push({
          field: 'topics',
          messages: [`unknown topics: ${unknown.join(', ')}; known: ${[...known.keys()].join(', ')}`],
        });
      }
      for (const [key, subscribed] of Object.entries(changes.topics)) {
        if (typeof subscribed !== 'boolean') {
          problems.push({ field: `topics.${key}`, messages: [`topics.${key} must be true or false`] });
        } else if (known.has(key)) {
          push(`topic.${key}`, known.get(key), subscribed);
        }
      }
    }
    if (changes.frequency !== undefined) push('frequency', before.frequency, changes.frequency);
    if (changes.quietHours !== undefined) {
      if (changes.quietHours && changes.quietHours.start === changes.quietHours.end) {
        problems.push({ field: 'quietHours', messages: ['quietHours start and end must differ'] });
      }
      push('quietHours', before.quietHours, changes.quietHours);
    }
    if (changes.locale !== undefined) push('locale', before.locale, changes.locale);
    if (changes.timeZone !== undefined) push('timeZone', before.timeZone, changes.timeZone);
    return { diff, problems };
  }

  private async apply(clientId: string, diff: Change[], manager: EntityManager): Promise<void> {
    const prefs: Partial<ClientPreferences> = {};
    const client: Record<string, unknown> = {};
    for (const { item, newValue } of diff) {
      if (item === 'optedOut') prefs.optedOut = newValue as boolean;
      else if (item.startsWith('channel.')) {
        (prefs as Record<string, unknown>)[CHANNEL_COLUMN[item.slice(8) as Channel]] = newValue;
      } else if (item === 'preferredChannel') prefs.preferredChannel = newValue as Channel | null;
      else if (item === 'frequency') prefs.frequency = newValue as Frequency;
      else if (item === 'quietHours') {
        const q = newValue as { start: string; end: string } | null;
        prefs.quietHoursStart = q?.start ?? null;
        prefs.quietHoursEnd = q?.end ?? null;
      } else if (item === 'locale') client.locale = newValue;
      else if (item === 'timeZone') client.timeZone = newValue;
      else if (item.startsWith('topic.')) {
        await manager
          .getRepository(ClientTopicSubscription)
          .upsert({ clientId, topicKey: item.slice(6), subscribed: newValue as boolean }, [
            'clientId',
            'topicKey',
          ]);
      }
    }
    if (Object.keys(prefs).length > 0)
      await manager.getRepository(ClientPreferences).update({ clientId }, prefs);
    else await manager.getRepository(ClientPreferences).update({ clientId }, { updatedAt: new Date() });
    if (Object.keys(client).length > 0) {
      await manager.query(
        `UPDATE clients SET locale = COALESCE($2, locale), time_zone = COALESCE($3, time_zone), updated_at = now()
          WHERE id = $1`,
        [clientId, client.locale ?? null, client.timeZone ?? null],
      );
    }
  }
}
