import { Channel, Locale } from '@touchbase/core';
import { Frequency } from './frequency.enum';
import { diffPreferences, PreferenceState } from './preference-diff';

const before: PreferenceState = {
  optedOut: false,
  channels: { email: true, sms: true, call: true, letter: true },
  preferredChannel: Channel.Sms,
  frequency: Frequency.Unlimited,
  quietHours: null,
  locale: Locale.Ru,
  timeZone: 'Europe/Moscow',
  clickTracking: true,
  topics: { news: true, promotions: true },
};

describe('diffPreferences', () => {
  it('lists only what really changes, named as in the consent log', () => {
    const { changes, after, problems } = diffPreferences(before, {
      frequency: Frequency.Monthly,
      channels: { email: true, sms: true },
      topics: { news: true, promotions: false },
      quietHours: { start: '21:00', end: '09:00' },
    });
    expect(problems).toEqual([]);
    expect(changes).toEqual([
      { item: 'topic.promotions', oldValue: true, newValue: false },
      { item: 'frequency', oldValue: 'unlimited', newValue: 'monthly' },
      { item: 'quietHours', oldValue: null, newValue: { start: '21:00', end: '09:00' } },
    ]);
    expect(after.topics).toEqual({ news: true, promotions: false });
  });

  it('switching off the preferred channel drops the preference; naming a disallowed one is an error', () => {
    const dropped = diffPreferences(before, { channels: { sms: false } });
    expect(dropped.problems).toEqual([]);
    expect(dropped.changes).toEqual([
      { item: 'channel.sms', oldValue: true, newValue: false },
      { item: 'preferredChannel', oldValue: 'sms', newValue: null },
    ]);
    const refused = diffPreferences(before, { channels: { email: false }, preferredChannel: Channel.Email });
    expect(refused.problems.map((p) => p.field)).toEqual(['preferredChannel']);
  });

  it('refuses unknown topics and empty quiet hours', () => {
    const { problems } = diffPreferences(before, {
      topics: { service: false },
      quietHours: { start: '10:00', end: '10:00' },
    });
    expect(problems.map((p) => p.field)).toEqual(['topics', 'quietHours']);
  });
});
