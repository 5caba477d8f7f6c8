/**
 * At most `limit` messages in any window of `windowMs`, as the receiving server counts them.
 *
 * A send holds its slot from the grant until it completes, and then for a whole window: a message
 * reaches the server somewhere between the two, so whatever the latency (a connection being set
 * up, a busy event loop), two messages `limit` apart arrive at least a window apart. (Counting grants
 * alone lets a slow first batch arrive together with the next one.) Callers are served in order.
 */
export class SlidingWindowLimiter {
  /** Completion times still inside the window, oldest first. */
  private readonly recent: number[] = [];
  private inFlight = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private wake?: () => void;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Resolves when the caller may send, with the function to call once the send is over (sent or not). */
  acquire(): Promise<() => void> {
    const turn = this.queue.then(() => this.waitForRoom());
    this.queue = turn;
    return turn;
  }

  private async waitForRoom(): Promise<() => void> {
    for (;;) {
      const now = this.now();
      while (this.recent.length > 0 && now - this.recent[0] >= this.windowMs) this.recent.shift();
      if (this.inFlight + this.recent.length < this.limit) break;
      // Room comes when the oldest completion leaves the window; with every slot in flight, first a completion.
      const wait =
        this.recent.length > 0 ? Math.max(1, Math.ceil(this.recent[0] + this.windowMs - now)) : null;
      await new Promise<void>((resolve) => {
        const timer = wait === null ? undefined : setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    this.inFlight += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight -= 1;
      this.recent.push(this.now());
      this.wake?.();
    };
  }
}
