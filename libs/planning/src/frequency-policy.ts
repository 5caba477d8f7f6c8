import { Channel } from '@touchbase/core';
import { FREQUENCY_CAPS } from '@touchbase/preferences';

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
 * The workspace policy: caps over all channels and per channel, and each channel's sending window in
 * the client's local time. Stored as the `frequency-policy` workspace setting.
 */
export interface FrequencyPolicy {
  overall: Cap[];
  perChannel: Record<Channel, Cap[]>;
  sendingWindows: Record<Channel, SendingWindow | null>;
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
};

/** The client frequency caps that limit (unlimited has none), by frequency. */
export const CLIENT_FREQUENCY_CAPS: Record<string, Cap> = Object.fromEntries(
  Object.entries(FREQUENCY_CAPS).filter((e): e is [string, Cap] => e[1] !== null),
);

/** The windows of the client frequency caps (7, 30, 90 days). */
export const CLIENT_FREQUENCY_WINDOWS: number[] = [
  ...new Set(Object.values(CLIENT_FREQUENCY_CAPS).map((c) => c.windowDays)),
];

/** The caps as the database functions read them (tb_cap_room): the workspace's and the clients' own. */
export function capsJson(policy: FrequencyPolicy): string {
  return JSON.stringify({
    overall: policy.overall,
    perChannel: policy.perChannel,
    frequency: CLIENT_FREQUENCY_CAPS,
  });
}

/** The longest window of any cap, client frequency included. */
export function maxWindowDays(policy: FrequencyPolicy): number {
  const all = [...policy.overall, ...Object.values(policy.perChannel).flat()].map((c) => c.windowDays);
  return Math.max(...CLIENT_FREQUENCY_WINDOWS, ...all);
}
