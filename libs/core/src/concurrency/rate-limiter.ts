import { sleep } from '../sleep';

/** Time for a limiter: the real one, or a fake in tests. `sleep` ends early when `signal` aborts. */
export interface RateLimiterClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: RateLimiterClock = { now: () => performance.now(), sleep };

export interface RateLimiterOptions {
  /**
   * Added to the window: absorbs the jitter between deciding to send and the request reaching the
   * provider, whose count is the one that matters.
   */
  marginMs?: number;
  clock?: RateLimiterClock;
}

/**
 * At most `limit` sends in ANY window of `windowMs` (a sliding window, not calendar seconds), as the
 * receiving side counts them; `limit` 0 means unlimited. Callers are served in order.
 *
 * - `start()` counts a send when it starts: the (n + limit)-th start waits until a window after the n-th.
 * - `acquire()` holds the send's slot from the grant until the returned function is called (the send is
 *   over, sent or not), and then for a whole window: a message reaches the server somewhere between
 *   the two, so whatever the latency (a connection being set up, a busy event loop), two messages
 *   `limit` apart arrive at least a window apart. (Counting grants alone lets a slow first batch
 *   arrive together with the next one.)
 *
 * A provider's "too many requests" pauses everyone (`pause`).
 */
export class RateLimiter {
  /** When the counted sends ended (or started, for `start()`) while still inside the window, oldest first. */
  private readonly recent: number[] = [];
  private inFlight = 0;
  private pausedUntil = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private wake?: () => void;
  private readonly windowMs: number;
  private readonly clock: RateLimiterClock;

  constructor(
    private readonly limit: number,
    windowMs: number,
    options: RateLimiterOptions = {},
  ) {
    this.windowMs = windowMs + (options.marginMs ?? 0);
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
  async start(): Promise<void> {
    await this.enqueue(false);
  }

  /** Resolves when the caller may send, with the function to call once the send is over (sent or not). */
  acquire(): Promise<() => void> {
    return this.enqueue(true);
  }

  private enqueue(hold: boolean): Promise<() => void> {
    const turn = this.queue.then(() => this.waitForRoom(hold));
    // A failed wait must not block the callers behind it.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForRoom(hold: boolean): Promise<() => void> {
    for (;;) {
      const now = this.clock.now();
      // Sends a window old no longer share a window with a send now.
      while (this.recent.length > 0 && now - this.recent[0] >= this.windowMs) this.recent.shift();
      let wait: number | null = this.pausedUntil - now;
      if (this.limit > 0 && this.inFlight + this.recent.length >= this.limit) {
        // Room comes when the oldest send leaves the window; with every slot in flight, first a completion.
        wait =
          this.recent.length > 0 ? Math.max(wait, Math.ceil(this.recent[0] + this.windowMs - now)) : null;
      }
      if (wait !== null && wait <= 0) break;
      await this.sleep(wait);
    }
    if (!hold) {
      if (this.limit > 0) this.recent.push(this.clock.now());
      return () => undefined;
    }
    this.inFlight += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight -= 1;
      if (this.limit > 0) this.recent.push(this.clock.now());
      this.wake?.();
    };
  }

  /** Sleeps `ms` (null: until a send in flight ends); a send ending wakes the waiter early. */
  private async sleep(ms: number | null): Promise<void> {
    if (this.inFlight === 0) {
      await this.clock.sleep(ms ?? 0);
      return;
    }
    const stop = new AbortController();
    const woken = new Promise<void>((resolve) => (this.wake = resolve));
    await Promise.race(ms === null ? [woken] : [woken, this.clock.sleep(ms, stop.signal)]);
    stop.abort();
    this.wake = undefined;
  }
}
