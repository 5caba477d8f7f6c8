import { ContactFlag, flagsClearedBy, flagsClearedSql } from './contact-flag.enum';

describe('flags a contact change clears', () => {
  it('clears the flag of each changed part, and only those', () => {
    expect(flagsClearedBy({})).toEqual([]);
    expect(flagsClearedBy({ email: true })).toEqual([ContactFlag.EmailInvalid]);
    expect(flagsClearedBy({ phone: true, address: false })).toEqual([
      ContactFlag.PhoneWrong,
      ContactFlag.SmsBlocked,
    ]);
    expect(flagsClearedBy({ email: true, phone: true, address: true })).toEqual([
      ContactFlag.EmailInvalid,
      ContactFlag.PhoneWrong,
      ContactFlag.SmsBlocked,
      ContactFlag.AddressReturned,
    ]);
  });

  it('says the same in SQL, one condition per part', () => {
    const sql = flagsClearedSql('c.contact_flags', { email: 'e', phone: 'p', address: 'a' });
    expect(sql).toBe(
      "ARRAY(SELECT f FROM unnest(c.contact_flags) f WHERE NOT (f IN ('email-invalid') AND COALESCE(e, false))" +
        " AND NOT (f IN ('phone-wrong', 'sms-blocked') AND COALESCE(p, false))" +
        " AND NOT (f IN ('address-returned') AND COALESCE(a, false)))",
    );
  });
});
