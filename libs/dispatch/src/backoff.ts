/**
 * Exponential backoff with jitter: base · 2^(attempt − 1), times a random factor in [0.75, 1.25), so
 * that deliveries failed together do not retry together. A provider's own retry-after wins when longer.
 */
export function retryDelayMs(
  attempt: number,
  baseMs: number,
  retryAfterMs?: number,
  random = Math.random,
): number {
  const exponential = baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 16));
  const jittered = Math.round(exponential * (0.75 + random() * 0.5));
  return Math.max(jittered, retryAfterMs ?? 0);
}
