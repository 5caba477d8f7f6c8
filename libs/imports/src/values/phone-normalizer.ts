import { isMobilePhone, Normalized, normalizePhone } from '@touchbase/clients';

const MAX_CACHED = 200_000;

/** A phone number as stored: E.164, and whether it can receive SMS (clients.phone_mobile). */
export interface ClassifiedPhone {
  e164: string;
  mobile: boolean;
}

interface Entry {
  normalized: Normalized<string>;
  // Filled on first use: preference imports only look clients up by phone, they never store one.
  classified?: Normalized<ClassifiedPhone>;
}

/**
 * normalizePhone and isMobilePhone (libphonenumber, full metadata) for one import: ~20 µs a call
 * each, the largest single cost of validating a row. The same numbers recur (re-imports, shared
 * office numbers), so results are memoised per import.
 */
export class PhoneNormalizer {
  private readonly cache = new Map<string, Entry>();

  constructor(private readonly region: string) {}

  normalize(raw: string): Normalized<string> {
    return this.entry(raw).normalized;
  }

  /** The number as the clients API stores it: phone_mobile = isMobilePhone(e164). */
  classify(raw: string): Normalized<ClassifiedPhone> {
    const entry = this.entry(raw);
    if (entry.classified === undefined) {
      const n = entry.normalized;
      entry.classified = n.ok ? { ok: true, value: { e164: n.value, mobile: isMobilePhone(n.value) } } : n;
    }
    return entry.classified;
  }

  private entry(raw: string): Entry {
    let entry = this.cache.get(raw);
    if (entry === undefined) {
      entry = { normalized: normalizePhone(raw, this.region) };
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(raw, entry);
    }
    return entry;
  }
}
