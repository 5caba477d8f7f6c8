import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  Channel,
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
