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

/** The consent-log item of a client's prior consent to promotional messages on a channel. */
export const consentItem = (channel: Channel): string => `consent.${channel}`;

/**
 * What "recorded consent" means, once: the client's latest consent-log row for the channel's consent
 * item is a grant (new value true), not a withdrawal. Read by the index consent_log (client_id, item,
 * id): one probe per client and channel, only for topics that need consent.
 */
export const consentedSql = (channel: Channel, c = 'c'): string =>
  `COALESCE((SELECT l.new_value = 'true'::jsonb FROM consent_log l
              WHERE l.client_id = ${c}.id AND l.item = '${consentItem(channel)}'
              ORDER BY l.id DESC LIMIT 1), false)`;

/**
 * The client can be reached on the channel: it allows it, has contact data for it, that address is
 * not on the suppression list and, for a topic that needs prior consent (`consent`), the client gave it.
 */
export const reachableSql = (channel: Channel, c = 'c', p = 'p', consent = false): string =>
  `(${channelAllowedSql(channel, p)} AND ${contactDataSql(channel, c)} AND ${notSuppressedSql(channel, c)}${
    consent ? ` AND ${consentedSql(channel, c)}` : ''
  })`;

/** Per channel held in an SQL expression (`d.channel`): a CASE over the channels. */
export const byChannelSql = (channelExpr: string, of: (channel: Channel) => string): string =>
  `CASE ${channelExpr} ${CHANNELS.map((ch) => `WHEN '${ch}' THEN ${of(ch)}`).join(' ')} END`;
