import { Normalized, normalizePhone } from '@touchbase/clients';

const MAX_CACHED = 200_000;

/**
 * normalizePhone (libphonenumber, full metadata) for one import: ~20 µs a call, the largest single
 * cost of validating a row. The same numbers recur (re-imports, shared office numbers), so results
 * are memoised per import.
 */
export class PhoneNormalizer {
  private readonly cache = new Map<string, Normalized<string>>();

  constructor(private readonly region: string) {}

  normalize(raw: string): Normalized<string> {
    let result = this.cache.get(raw);
    if (result === undefined) {
      result = normalizePhone(raw, this.region);
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(raw, result);
    }
    return result;
  }
}
