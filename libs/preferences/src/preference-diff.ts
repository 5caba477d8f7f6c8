import { Channel, CHANNELS, FieldError, Locale } from '@touchbase/core';
import { Frequency } from './frequency.enum';

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
  clickTracking?: boolean;
}

/** The preference items a change compares. */
export interface PreferenceState {
  optedOut: boolean;
  channels: Record<Channel, boolean>;
  preferredChannel: Channel | null;
  frequency: Frequency;
  quietHours: { start: string; end: string } | null;
  locale: Locale;
  timeZone: string | null;
  /** Whether the client's clicks (and opens) are recorded. */
  clickTracking: boolean;
  /** Topic key → subscribed (the effective value), for every topic the caller may change. */
  topics: Record<string, boolean>;
}

/** One changed item, named as in the consent log (`channel.sms`, `topic.promotions`, `contact.email` …). */
export interface PreferenceChange {
  item: string;
  oldValue: unknown;
  newValue: unknown;
}

/** Adds `item` to `out` when the value really changes: setting a value to what it is changes nothing. */
export function pushChange(
  out: PreferenceChange[],
  item: string,
  oldValue: unknown,
  newValue: unknown,
): void {
  if (JSON.stringify(oldValue) !== JSON.stringify(newValue)) out.push({ item, oldValue, newValue });
}

/**
 * The preference rules: compares a change with the current state. Setting a value to what it is
 * changes nothing; switching off the preferred channel drops the preference, while naming a channel
 * that is not allowed as preferred is an error; topics must exist; quiet hours must not be empty.
 * Pure, so the whole change can be written in one statement.
 */
export function diffPreferences(
  before: PreferenceState,
  changes: PreferenceChanges,
): { changes: PreferenceChange[]; after: PreferenceState; problems: FieldError[] } {
  const out: PreferenceChange[] = [];
  const problems: FieldError[] = [];
  const after: PreferenceState = {
    ...before,
    channels: { ...before.channels },
    topics: { ...before.topics },
  };
  const push = (item: string, oldValue: unknown, newValue: unknown) =>
    pushChange(out, item, oldValue, newValue);
  if (changes.optedOut !== undefined) {
    push('optedOut', before.optedOut, changes.optedOut);
    after.optedOut = changes.optedOut;
  }
  for (const channel of CHANNELS) {
    const next = changes.channels?.[channel];
    if (next === undefined) continue;
    push(`channel.${channel}`, before.channels[channel], next);
    after.channels[channel] = next;
  }
  if (changes.preferredChannel !== undefined) after.preferredChannel = changes.preferredChannel;
  if (after.preferredChannel && !after.channels[after.preferredChannel]) {
    if (changes.preferredChannel !== undefined && changes.preferredChannel !== null) {
      problems.push({
        field: 'preferredChannel',
        messages: [`${after.preferredChannel} cannot be preferred while it is not allowed`],
      });
    }
    after.preferredChannel = null;
  }
  push('preferredChannel', before.preferredChannel, after.preferredChannel);
  if (changes.topics) {
    const unknown = Object.keys(changes.topics).filter((k) => !(k in before.topics));
    if (unknown.length > 0) {
      problems.push({
        field: 'topics',
        messages: [`unknown topics: ${unknown.join(', ')}; known: ${Object.keys(before.topics).join(', ')}`],
      });
    }
    for (const [key, subscribed] of Object.entries(changes.topics)) {
      if (typeof subscribed !== 'boolean') {
        problems.push({ field: `topics.${key}`, messages: [`topics.${key} must be true or false`] });
        continue;
      }
      if (!(key in before.topics)) continue;
      push(`topic.${key}`, before.topics[key], subscribed);
      after.topics[key] = subscribed;
    }
  }
  if (changes.frequency !== undefined) {
    push('frequency', before.frequency, changes.frequency);
    after.frequency = changes.frequency;
  }
  if (changes.quietHours !== undefined) {
    const next =
      changes.quietHours === null ? null : { start: changes.quietHours.start, end: changes.quietHours.end };
    if (next && next.start === next.end) {
      problems.push({ field: 'quietHours', messages: ['quietHours start and end must differ'] });
    }
    push('quietHours', before.quietHours, next);
    after.quietHours = next;
  }
  if (changes.locale !== undefined) {
    push('locale', before.locale, changes.locale);
    after.locale = changes.locale;
  }
  if (changes.timeZone !== undefined) {
    push('timeZone', before.timeZone, changes.timeZone);
    after.timeZone = changes.timeZone;
  }
  if (changes.clickTracking !== undefined) {
    push('clickTracking', before.clickTracking, changes.clickTracking);
    after.clickTracking = changes.clickTracking;
  }
  return { changes: out, after, problems };
}
