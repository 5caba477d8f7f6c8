import { Channel } from '@touchbase/core';

/** The client's address on a suppression channel, normalised as the list stores it (SQL over `c`). */
const ADDRESS: Partial<Record<Channel, (c: string) => string>> = {
  // Clients' emails are stored lower-cased (clients_email_check).
  [Channel.Email]: (c) => `${c}.email`,
  [Channel.Sms]: (c) => `${c}.phone`,
  [Channel.Call]: (c) => `${c}.phone`,
};

/**
 * The client's address for the channel is on the suppression list (SQL over a client `c`; false for
 * letters). An IN over the channel's active entries: PostgreSQL hashes the list once per statement
 * (or probes suppressions_active_uq), so the planner stays set-based.
 */
export const suppressedSql = (channel: Channel, c = 'c'): string => {
  const address = ADDRESS[channel];
  if (!address) return 'false';
  return (
    `COALESCE(${address(c)} IN (SELECT s.address FROM suppressions s ` +
    `WHERE s.channel = '${channel}' AND s.removed_at IS NULL), false)`
  );
};
