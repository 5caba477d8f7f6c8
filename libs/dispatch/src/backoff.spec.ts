import { retryDelayMs } from './backoff';

describe('retryDelayMs', () => {
  it('doubles with each attempt, within the jitter band', () => {
    for (const [attempt, base] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [5, 16000],
    ]) {
      const low = retryDelayMs(attempt, 1000, undefined, () => 0);
      const high = retryDelayMs(attempt, 1000, undefined, () => 0.99);
      expect(low).toBe(base * 0.75);
      expect(high).toBeLessThanOrEqual(base * 1.25);
      expect(high).toBeGreaterThan(base * 1.24 - 1);
    }
  });

  it('spreads retries of the same attempt', () => {
    const delays = new Set(Array.from({ length: 20 }, () => retryDelayMs(3, 1000)));
    expect(delays.size).toBeGreaterThan(10);
  });

  it('waits at least as long as the provider asks', () => {
    expect(retryDelayMs(1, 1000, 60_000, () => 0.5)).toBe(60_000);
  });
});
