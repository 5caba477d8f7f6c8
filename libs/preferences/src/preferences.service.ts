import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  Channel,
  CHANNELS,
  decodeCursor,
  encodeCursor,
  Locale,
  NotFoundException,
  Page,
  ValidationException,
} from '@touchbase/core';
import { ConsentContext } from './consent-context';
import { ConsentLogEntry } from './entities/consent-log-entry.entity';
import { Frequency } from './frequency.enum';
import { diffPreferences, PreferenceChange, PreferenceChanges, PreferenceState } from './preference-diff';
import { consentItem } from './reachability.sql';
import {
  APPLY_PREFERENCES_SQL,
  applyPreferencesParams,
  CONSENT_LOG_SQL,
  consentLogParams,
  PreferenceRow,
  preferencesOfRow,
  preferencesSql,
} from './preferences.sql';

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
  clickTracking: boolean;
  updatedAt: string;
}

/** What a change did: the state after it, the changed items, and when it was written. */
export interface AppliedPreferences {
  after: PreferenceState;
  changes: PreferenceChange[];
  updatedAt: string;
}

/** Per channel: consent recorded (true), withdrawn (false), never recorded (null). */
export type ConsentState = Record<Channel, boolean | null>;

type ViewRow = PreferenceRow & { topics: PreferencesView['topics'] };

@Injectable()
export class PreferencesService {
  constructor(private readonly dataSource: DataSource) {}

  /** One query. */
  async get(clientId: string, manager: EntityManager = this.dataSource.manager): Promise<PreferencesView> {
    return toView(clientId, await this.read(clientId, false, manager));
  }

  /**
   * Applies a change and writes one consent-log row per item that really changed (setting a value to
   * what it already is writes nothing). Two statements: lock and read the client, then applyLocked.
   * Runs in the caller's transaction when given one.
   */
  async update(
    clientId: string,
    changes: PreferenceChanges,
    context: ConsentContext,
    manager?: EntityManager,
  ): Promise<PreferencesView> {
    if (!manager) return this.dataSource.transaction((m) => this.update(clientId, changes, context, m));
    const before = toView(clientId, await this.read(clientId, true, manager));
    const applied = await this.applyLocked(clientId, stateOf(before), changes, context, manager);
    if (!applied) return before;
    const { topics, ...after } = applied.after;
    const written = new Set(applied.changes.map((c) => c.item));
    return {
      ...before,
      ...after,
      // A changed topic now has an explicit subscription row.
      topics: before.topics.map((t) =>
        written.has(`topic.${t.key}`) ? { ...t, subscribed: topics[t.key], explicit: true } : t,
      ),
      updatedAt: applied.updatedAt,
    };
  }

  /**
   * The one way preferences change, for every caller (admin API, portal, unsubscribe links, SMS,
   * imports): checks `changes` against `before` with diffPreferences and writes the preferences, the
   * changed topic subscriptions, the client's language and zone and one consent-log row per changed
   * item in one statement. The caller must hold the client's row lock (`FOR UPDATE`) in `manager`'s
   * transaction and have read `before` under it. Null when nothing changes (nothing is written).
   */
  async applyLocked(
    clientId: string,
    before: PreferenceState,
    changes: PreferenceChanges,
    context: ConsentContext,
    manager: EntityManager,
  ): Promise<AppliedPreferences | null> {
    const { changes: diff, after, problems } = diffPreferences(before, changes);
    if (problems.length > 0) {
      throw new ValidationException(
        `The preferences are invalid: ${problems.map((p) => p.field).join(', ')}`,
        problems,
      );
    }
    if (diff.length === 0) return null;
    const [applied]: { updated_at: Date }[] = await manager.query(
      APPLY_PREFERENCES_SQL,
      applyPreferencesParams(clientId, after, diff, context),
    );
    return { after, changes: diff, updatedAt: new Date(applied.updated_at).toISOString() };
  }

  /**
   * Locks the clients and reads what applyLocked needs for each, in one query (a batch of an import).
   * Clients that do not exist are absent from the map.
   */
  async lockMany(clientIds: string[], manager: EntityManager): Promise<Map<string, PreferenceState>> {
    const rows: (ViewRow & { client_id: string })[] = await manager.query(preferencesSql(true, true), [
      clientIds,
    ]);
    return new Map(rows.map((r) => [r.client_id, stateOf(toView(r.client_id, r))]));
  }

  /** Writes consent-log rows for changes another statement made (the portal's contact details). */
  async logConsent(
    clientId: string,
    changes: PreferenceChange[],
    context: ConsentContext,
    manager: EntityManager,
  ): Promise<void> {
    if (changes.length === 0) return;
    await manager.query(CONSENT_LOG_SQL, [clientId, ...consentLogParams(changes, context)]);
  }

  /**
   * Records a client's prior consent to promotional messages (or its withdrawal) on each of
   * `channels`: one `consent.<channel>` consent-log row each, with the old state, even when the state
   * does not change (a renewed consent under a new wording is evidence too). With `grant` and
   * `preferences`, those preference changes (the channels switched on, topics subscribed) are applied in
   * the same transaction and logged with the same context. Locks the client.
   */
  async recordConsent(
    clientId: string,
    channels: Channel[],
    granted: boolean,
    context: ConsentContext,
    manager?: EntityManager,
    preferences?: PreferenceChanges,
  ): Promise<ConsentState> {
    if (!manager) {
      return this.dataSource.transaction((m) =>
        this.recordConsent(clientId, channels, granted, context, m, preferences),
      );
    }
    const before = toView(clientId, await this.read(clientId, true, manager));
    if (preferences) await this.applyLocked(clientId, stateOf(before), preferences, context, manager);
    const current = await this.consentState(clientId, manager);
    const changes = [...new Set(channels)].map((ch) => ({
      item: consentItem(ch),
      oldValue: current[ch],
      newValue: granted,
    }));
    await this.logConsent(clientId, changes, context, manager);
    return this.consentState(clientId, manager);
  }

  /**
   * Per channel, whether the client's consent is recorded now (consentedSql: the latest consent row
   * is a grant), or null when none was ever recorded.
   */
  async consentState(
    clientId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ConsentState> {
    const rows: { item: string; new_value: unknown }[] = await manager.query(
      `SELECT DISTINCT ON (item) item, new_value FROM consent_log
        WHERE client_id = $1 AND item = ANY($2::text[]) ORDER BY item, id DESC`,
      [clientId, CHANNELS.map(consentItem)],
    );
    return Object.fromEntries(
      CHANNELS.map((ch) => {
        const row = rows.find((r) => r.item === consentItem(ch));
        return [ch, row ? row.new_value === true : null];
      }),
    ) as ConsentState;
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

  private async read(clientId: string, lock: boolean, manager: EntityManager): Promise<ViewRow> {
    const rows: ViewRow[] = await manager.query(preferencesSql(lock), [clientId]);
    if (rows.length === 0) throw new NotFoundException('Client', clientId);
    return rows[0];
  }
}

function toView(clientId: string, row: ViewRow): PreferencesView {
  return { clientId, ...preferencesOfRow(row), topics: row.topics };
}

/** The items a change compares, from a view: the view's topics are the ones the change may touch. */
export function stateOf(
  view: Omit<PreferenceState, 'topics'> & { topics: { key: string; subscribed: boolean }[] },
): PreferenceState {
  return {
    optedOut: view.optedOut,
    channels: view.channels,
    preferredChannel: view.preferredChannel,
    frequency: view.frequency,
    quietHours: view.quietHours,
    locale: view.locale,
    timeZone: view.timeZone,
    clickTracking: view.clickTracking,
    topics: Object.fromEntries(view.topics.map((t) => [t.key, t.subscribed])),
  };
}
