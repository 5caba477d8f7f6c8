import { Channel, CHANNELS, Locale } from '@touchbase/core';
import { outboxInsertSql, WebhookEventType } from '@touchbase/webhooks';
import { ConsentContext } from './consent-context';
import { Frequency } from './frequency.enum';
import { PreferenceChange, PreferenceState } from './preference-diff';

/**
 * The preference columns of `clients c` joined with `client_preferences p`, as PreferenceRow names
 * them. Every statement that reads preferences selects these, so one mapping serves them all.
 */
export const PREFERENCE_COLUMNS = `c.locale, c.time_zone, p.opted_out, p.email_allowed, p.sms_allowed,
  p.call_allowed, p.letter_allowed, p.preferred_channel, p.frequency,
  to_char(p.quiet_hours_start, 'HH24:MI') AS quiet_start, to_char(p.quiet_hours_end, 'HH24:MI') AS quiet_end,
  p.click_tracking, p.updated_at`;

export interface PreferenceRow {
  locale: Locale;
  time_zone: string | null;
  opted_out: boolean;
  email_allowed: boolean;
  sms_allowed: boolean;
  call_allowed: boolean;
  letter_allowed: boolean;
  preferred_channel: Channel | null;
  frequency: Frequency;
  quiet_start: string | null;
  quiet_end: string | null;
  click_tracking: boolean;
  updated_at: Date;
}

const CHANNEL_COLUMN: Record<Channel, keyof PreferenceRow> = {
  [Channel.Email]: 'email_allowed',
  [Channel.Sms]: 'sms_allowed',
  [Channel.Call]: 'call_allowed',
  [Channel.Letter]: 'letter_allowed',
};

/** A row of PREFERENCE_COLUMNS → the preference items (all but the topics) and the time of the last change. */
export function preferencesOfRow(
  row: PreferenceRow,
): Omit<PreferenceState, 'topics'> & { updatedAt: string } {
  return {
    optedOut: row.opted_out,
    channels: Object.fromEntries(CHANNELS.map((c) => [c, row[CHANNEL_COLUMN[c]] as boolean])) as Record<
      Channel,
      boolean
    >,
    preferredChannel: row.preferred_channel,
    frequency: row.frequency,
    quietHours: row.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null,
    locale: row.locale,
    timeZone: row.time_zone,
    clickTracking: row.click_tracking,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/**
 * A client's preferences with every topic's effective subscription, in one query; optionally locking
 * the client. `many`: the clients of the id array `$1`, locked in id order (so that two callers locking
 * overlapping sets never wait on each other in a cycle).
 */
export function preferencesSql(lock: boolean, many = false): string {
  return `
    SELECT c.id AS client_id, ${PREFERENCE_COLUMNS},
           (SELECT COALESCE(json_agg(json_build_object(
                     'key', t.key, 'subscribed', COALESCE(s.subscribed, t.default_subscribed),
                     'explicit', s.topic_key IS NOT NULL) ORDER BY t.key), '[]')
              FROM topics t
              LEFT JOIN client_topic_subscriptions s ON s.client_id = c.id AND s.topic_key = t.key) AS topics
      FROM clients c
      JOIN client_preferences p ON p.client_id = c.id
     WHERE ${many ? 'c.id = ANY($1::uuid[]) ORDER BY c.id' : 'c.id = $1'}
     ${lock ? 'FOR UPDATE OF c' : ''}`;
}

/**
 * Inserts one consent-log row per change for the client `$1`; the changes and the context are the
 * seven parameters from `$first` on, in the order of consentLogParams.
 */
function consentLogInsert(first: number): string {
  const p = (i: number) => `$${first + i}`;
  return `INSERT INTO consent_log (client_id, actor_type, actor_id, source, item, old_value, new_value, ip,
                                   user_agent, wording_version)
    SELECT $1, ${p(1)}, ${p(2)}::uuid, ${p(3)}, x.item, x.old, x.new, ${p(4)}::inet, ${p(5)}, ${p(6)}
      FROM jsonb_to_recordset(${p(0)}::jsonb) AS x(item text, old jsonb, new jsonb)`;
}

export function consentLogParams(changes: PreferenceChange[], context: ConsentContext): unknown[] {
  return [
    JSON.stringify(changes.map((c) => ({ item: c.item, old: c.oldValue, new: c.newValue }))),
    context.actorType,
    context.actorId ?? null,
    context.source,
    context.ip ?? null,
    context.userAgent?.slice(0, 1000) ?? null,
    context.wordingVersion ?? null,
  ];
}

/**
 * The preferences.changed event of a change, in the same statement: the changed items (as the consent
 * log has them), who changed them and through what; the client `$1`, the consent-log parameters from
 * `$first` on. No address, no user agent: receivers fetch the client through the API.
 */
function preferencesEvent(first: number): string {
  const p = (i: number) => `$${first + i}`;
  return outboxInsertSql(`
    SELECT '${WebhookEventType.PreferencesChanged}'::text AS type, c.id AS client_id,
           jsonb_build_object('clientId', c.id, 'externalRef', c.external_ref, 'changes', ${p(0)}::jsonb,
                              'actorType', ${p(1)}::text, 'source', ${p(3)}::text, 'changedAt', now()) AS payload
      FROM clients c WHERE c.id = $1`);
}

/** Consent-log rows for changes written by another statement (contact details, say), and their event. */
export const CONSENT_LOG_SQL = `
  WITH log AS (${consentLogInsert(2)} RETURNING 1), events AS (${preferencesEvent(2)})
  SELECT count(*)::int AS n FROM log`;

/**
 * A whole change of preferences in one statement: the preferences row, the changed topics, the
 * client's language and zone (only when one of them changed), and one consent-log row per changed item.
 */
export const APPLY_PREFERENCES_SQL = `
  WITH prefs AS (
    UPDATE client_preferences
       SET opted_out = $2, email_allowed = $3, sms_allowed = $4, call_allowed = $5, letter_allowed = $6,
           preferred_channel = $7, frequency = $8, quiet_hours_start = $9::time, quiet_hours_end = $10::time,
           click_tracking = $15, updated_at = now()
     WHERE client_id = $1
    RETURNING updated_at
  ), topics AS (
    INSERT INTO client_topic_subscriptions (client_id, topic_key, subscribed, updated_at)
    SELECT $1, x.key, x.subscribed, now() FROM jsonb_to_recordset($11::jsonb) AS x(key text, subscribed boolean)
    ON CONFLICT (client_id, topic_key) DO UPDATE SET subscribed = EXCLUDED.subscribed, updated_at = now()
    RETURNING 1
  ), client AS (
    UPDATE clients SET locale = $13, time_zone = $14, updated_at = now() WHERE id = $1 AND $12::boolean
    RETURNING 1
  ), log AS (
    ${consentLogInsert(16)}
    RETURNING 1
  ), events AS (${preferencesEvent(16)})
  SELECT updated_at, (SELECT count(*) FROM topics) AS topics, (SELECT count(*) FROM client) AS client,
         (SELECT count(*) FROM log) AS log
    FROM prefs`;

export function applyPreferencesParams(
  clientId: string,
  after: PreferenceState,
  changes: PreferenceChange[],
  context: ConsentContext,
): unknown[] {
  return [
    clientId,
    after.optedOut,
    after.channels.email,
    after.channels.sms,
    after.channels.call,
    after.channels.letter,
    after.preferredChannel,
    after.frequency,
    after.quietHours?.start ?? null,
    after.quietHours?.end ?? null,
    JSON.stringify(
      changes
        .filter((c) => c.item.startsWith('topic.'))
        .map((c) => ({ key: c.item.slice(6), subscribed: c.newValue })),
    ),
    changes.some((c) => c.item === 'locale' || c.item === 'timeZone'),
    after.locale,
    after.timeZone,
    after.clickTracking,
    ...consentLogParams(changes, context),
  ];
}
