export interface RateLimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: RateLimiterClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

const WINDOW_MS = 1000;

/**
 * At most `perSecond` starts in ANY window of one second (not just per calendar second): the
 * (n + perSecond)-th start waits until one second (plus `marginMs`) after the n-th. The margin absorbs
 * the jitter between deciding to send and the request reaching the provider, whose count is the one
 * that matters. Waiters are served in order. A provider's 429 pauses the sender for everyone
 * (`pause`). `perSecond` 0 means unlimited.
 */
export class SendRateLimiter {
  private readonly starts: number[] = [];
  private readonly spacing: number;
  private readonly clock: RateLimiterClock;
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    options: { marginMs?: number; clock?: RateLimiterClock } = {},
  ) {
    this.spacing = WINDOW_MS + (options.marginMs ?? 0);
    this.clock = options.clock ?? realClock;
  }

  /** How long a new caller would wait at least because of a pause (0 when not paused). */
  pausedFor(): number {
    return Math.max(0, this.pausedUntil - this.clock.now());
  }

  /** Nobody starts before `ms` from now (a provider said "too many requests"). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
  }

  /** Resolves when the caller may start one send; the start is counted then. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot());
    // A failed wait must not block the callers behind it.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      // Starts at least a second old no longer share a window with a start now.
      while (this.starts.length > 0 && now - this.starts[0] >= this.spacing) this.starts.shift();
      let wait = this.pausedUntil - now;
      if (this.perSecond > 0 && this.starts.length >= this.perSecond) {
        wait = Math.max(wait, this.starts[0] + this.spacing - now);
      }
      if (wait <= 0) {
        if (this.perSecond > 0) this.starts.push(now);
        return;
      }
      await this.clock.sleep(wait);
    }
  }
}
