import { Channel } from '@touchbase/core';
import { lastEngagedAtSql } from '@touchbase/links';
import { FREQUENCY_CAPS, Frequency } from '@touchbase/preferences';

export interface Cap {
  maxTouches: number;
  windowDays: number;
}

export interface SendingWindow {
  /** HH:MM local time */
  start: string;
  end: string;
  businessDaysOnly: boolean;
}

/**
 * Sunset: a client who has not engaged (clicked, opened, bought) for `afterDays` is capped as if their
 * own frequency preference were `frequency`, unless their own is already stricter.
 */
export interface SunsetPolicy {
  afterDays: number;
  frequency: Exclude<Frequency, Frequency.Unlimited>;
}

/**
 * The workspace policy: caps over all channels and per channel, each channel's sending window in
 * the client's local time, and the optional sunset of clients who stopped engaging. Stored as the
 * `frequency-policy` workspace setting.
 */
export interface FrequencyPolicy {
  overall: Cap[];
  perChannel: Record<Channel, Cap[]>;
  sendingWindows: Record<Channel, SendingWindow | null>;
  sunset: SunsetPolicy | null;
}

export const FREQUENCY_POLICY_KEY = 'frequency-policy';

export const DEFAULT_FREQUENCY_POLICY: FrequencyPolicy = {
  overall: [
    { maxTouches: 2, windowDays: 7 },
    { maxTouches: 4, windowDays: 30 },
  ],
  perChannel: {
    [Channel.Email]: [],
    [Channel.Sms]: [{ maxTouches: 2, windowDays: 30 }],
    [Channel.Call]: [{ maxTouches: 1, windowDays: 14 }],
    [Channel.Letter]: [],
  },
  sendingWindows: {
    [Channel.Email]: null,
    [Channel.Sms]: { start: '09:00', end: '21:00', businessDaysOnly: false },
    [Channel.Call]: { start: '09:00', end: '21:00', businessDaysOnly: true },
    [Channel.Letter]: null,
  },
  sunset: null,
};

/** The client frequency caps that limit (unlimited has none), by frequency. */
export const CLIENT_FREQUENCY_CAPS: Record<string, Cap> = Object.fromEntries(
  Object.entries(FREQUENCY_CAPS).filter((e): e is [string, Cap] => e[1] !== null),
);

/** The windows of the client frequency caps (7, 30, 90 days). */
export const CLIENT_FREQUENCY_WINDOWS: number[] = [
  ...new Set(Object.values(CLIENT_FREQUENCY_CAPS).map((c) => c.windowDays)),
];

/** Touches a day a frequency allows: the lower, the stricter (unlimited: no limit). */
const rate = (frequency: Frequency) => {
  const cap = FREQUENCY_CAPS[frequency];
  return cap ? cap.maxTouches / cap.windowDays : Infinity;
};

/** The frequencies looser than `frequency`: the ones a sunset to `frequency` replaces. */
export function looserFrequencies(frequency: Frequency): Frequency[] {
  return Object.values(Frequency).filter((f) => rate(f) > rate(frequency));
}

/**
 * The caps as the database functions read them (tb_cap_room, tb_effective_frequency): the
 * workspace's, the clients' own, and the sunset with the frequencies it overrides.
 */
export function capsJson(policy: FrequencyPolicy): string {
  return JSON.stringify({
    overall: policy.overall,
    perChannel: policy.perChannel,
    frequency: CLIENT_FREQUENCY_CAPS,
    sunset: policy.sunset && { ...policy.sunset, looser: looserFrequencies(policy.sunset.frequency) },
  });
}

/** The longest window of any cap, client frequency included. */
export function maxWindowDays(policy: FrequencyPolicy): number {
  const all = [...policy.overall, ...Object.values(policy.perChannel).flat()].map((c) => c.windowDays);
  return Math.max(...CLIENT_FREQUENCY_WINDOWS, ...all);
}

/**
 * Since when a client counts as not engaging: their last engagement (lastEngagedAtSql), but never
 * before they came into touchbase — a base just imported is given the policy's days to engage before
 * anyone in it is sunset. SQL over the client `c` and its engagement row `e` (engagementJoin).
 */
export const engagedSinceSql = (c = 'c', e = 'e') => `GREATEST(${lastEngagedAtSql(c, e)}, ${c}.created_at)`;

/** The client's engagement row, for engagedSinceSql: `client` is the client id column. */
export const engagementJoin = (client: string, e = 'e') =>
  `LEFT JOIN client_engagement ${e} ON ${e}.client_id = ${client}`;

/**
 * The frequency the caps use for a client, the sunset applied (tb_effective_frequency): SQL over the
 * preferences `p`, client `c` and engagement `e`, at time `at`, with the caps document `caps` (capsJson).
 */
export const effectiveFrequencySql = (at: string, caps: string, p = 'p', c = 'c', e = 'e') =>
  `tb_effective_frequency(${p}.frequency, ${engagedSinceSql(c, e)}, ${at}, ${caps})`;
