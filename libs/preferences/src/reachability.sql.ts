import { ContactFlag, hasFlagSql } from '@touchbase/clients';
import { Channel, CHANNELS } from '@touchbase/core';
import { suppressedSql } from '@touchbase/suppression';

/**
 * Which channels a client can be reached on: the one rule, as SQL over a client `c` and its
 * preferences `p`, used by the planner, the send-time re-check, explain and VIP cooling.
 * A channel needs the client's consent for it and usable contact data: an email address; a mobile
 * phone for SMS; a phone and an owner (the account manager who calls) for calls; a full postal
 * address for letters — none of them flagged as known to be bad.
 */
const CONTACT_DATA: Record<Channel, (c: string) => string> = {
  [Channel.Email]: (c) => `${c}.email IS NOT NULL AND NOT ${hasFlagSql(ContactFlag.EmailInvalid, c)}`,
  [Channel.Sms]: (c) =>
    `${c}.phone IS NOT NULL AND COALESCE(${c}.phone_mobile, true) AND NOT ${hasFlagSql(ContactFlag.SmsBlocked, c)}`,
  [Channel.Call]: (c) =>
    `${c}.phone IS NOT NULL AND ${c}.owner_id IS NOT NULL AND NOT ${hasFlagSql(ContactFlag.PhoneWrong, c)}`,
  [Channel.Letter]: (c) =>
    `cardinality(${c}.address_lines) > 0 AND ${c}.address_city IS NOT NULL AND ${c}.address_postal_code IS NOT NULL ` +
    `AND ${c}.address_country IS NOT NULL AND NOT ${hasFlagSql(ContactFlag.AddressReturned, c)}`,
};

/** The client has usable contact data for the channel. */
export const contactDataSql = (channel: Channel, c = 'c'): string => `(${CONTACT_DATA[channel](c)})`;

/** The client allows the channel. */
export const channelAllowedSql = (channel: Channel, p = 'p'): string => `${p}.${channel}_allowed`;

/** The client's address for the channel is not on the suppression list (libs/suppression). */
export const notSuppressedSql = (channel: Channel, c = 'c'): string => `NOT ${suppressedSql(channel, c)}`;

/**
 * The client can be reached on the channel: it allows it, has contact data for it, and that address
 * is not on the suppression list.
 */
export const reachableSql = (channel: Channel, c = 'c', p = 'p'): string =>
  `(${channelAllowedSql(channel, p)} AND ${contactDataSql(channel, c)} AND ${notSuppressedSql(channel, c)})`;

/** Per channel held in an SQL expression (`d.channel`): a CASE over the channels. */
export const byChannelSql = (channelExpr: string, of: (channel: Channel) => string): string =>
  `CASE ${channelExpr} ${CHANNELS.map((ch) => `WHEN '${ch}' THEN ${of(ch)}`).join(' ')} END`;
