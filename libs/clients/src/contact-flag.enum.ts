/** Contact data known to be bad: planning and the send-time check skip the channel until it changes. */
export enum ContactFlag {
  /** Hard bounces reached the limit. */
  EmailInvalid = 'email-invalid',
  /** A call found the number wrong. */
  PhoneWrong = 'phone-wrong',
  /** The carrier blocks SMS to the number (Twilio 21610) until the client sends START. */
  SmsBlocked = 'sms-blocked',
  /** A letter came back undelivered. */
  AddressReturned = 'address-returned',
}

/** A part of the contact data that may change. */
export type ContactPart = 'email' | 'phone' | 'address';

/** Which flags a change of each part clears: new data is no longer known to be bad. */
export const FLAGS_CLEARED_BY: Readonly<Record<ContactPart, readonly ContactFlag[]>> = {
  email: [ContactFlag.EmailInvalid],
  phone: [ContactFlag.PhoneWrong, ContactFlag.SmsBlocked],
  address: [ContactFlag.AddressReturned],
};

/** The flags a change clears, given which parts of the contact data changed. */
export function flagsClearedBy(changed: Partial<Record<ContactPart, boolean>>): ContactFlag[] {
  return (Object.keys(FLAGS_CLEARED_BY) as ContactPart[]).flatMap((part) =>
    changed[part] ? FLAGS_CLEARED_BY[part] : [],
  );
}

/** The same rule in SQL: `flags` without what the changed parts clear (each a boolean SQL expression). */
export function flagsClearedSql(flags: string, changed: Record<ContactPart, string>): string {
  const kept = (Object.keys(FLAGS_CLEARED_BY) as ContactPart[]).map(
    (part) =>
      `NOT (f IN (${FLAGS_CLEARED_BY[part].map((x) => `'${x}'`).join(', ')}) AND COALESCE(${changed[part]}, false))`,
  );
  return `ARRAY(SELECT f FROM unnest(${flags}) f WHERE ${kept.join(' AND ')})`;
}

/** SQL: the client `c` has `flag`. */
export const hasFlagSql = (flag: ContactFlag, c = 'c') => `'${flag}' = ANY(${c}.contact_flags)`;
