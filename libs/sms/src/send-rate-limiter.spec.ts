import { RateLimiterClock, SendRateLimiter } from './send-rate-limiter';

/** A clock that only moves when someone sleeps: the earliest sleeper wakes first. */
class FakeClock implements RateLimiterClock {
  private t = 0;
  private sleepers: { until: number; wake: () => void }[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.sleepers.push({ until: this.t + ms, wake }));
  }

  advance(ms: number): void {
    this.t += ms;
  }

  /** Runs until nobody sleeps any more. */
  async run(): Promise<void> {
    for (;;) {
      await flush();
      if (this.sleepers.length === 0) return;
      this.sleepers.sort((a, b) => a.until - b.until);
      const next = this.sleepers.shift()!;
      this.t = Math.max(this.t, next.until);
      next.wake();
    }
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function maxInAnyWindow(starts: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0; i < starts.length; i++) {
    const n = starts.filter((s) => s >= starts[i] && s < starts[i] + windowMs).length;
    max = Math.max(max, n);
  }
  return max;
}

describe('SendRateLimiter', () => {
  it('lets at most N start in any one-second window, and keeps the pace', async () => {
    const clock = new FakeClock();
    const limiter = new SendRateLimiter(5, { clock });
    const starts: number[] = [];
    const all = Array.from({ length: 23 }, () => limiter.acquire().then(() => starts.push(clock.now())));
    await clock.run();
    await Promise.all(all);
    expect(starts).toHaveLength(23);
    expect(maxInAnyWindow(starts, 1000)).toBe(5);
    // 23 starts at 5 a second: the last one in the fifth second.
    expect(starts.at(-1)).toBe(4000);
  });

  it('holds across callers who come later (a sliding window, not calendar seconds)', async () => {
    const clock = new FakeClock();
    const limiter = new SendRateLimiter(2, { clock });
    const starts: number[] = [];
    await limiter.acquire();
    starts.push(clock.now());
    clock.advance(900);
    const later = [limiter.acquire(), limiter.acquire(), limiter.acquire()].map((p) =>
      p.then(() => starts.push(clock.now())),
    );
    await clock.run();
    await Promise.all(later);
    // The third start waits for the first to leave its window; the fourth for the second.
    expect(starts).toEqual([0, 900, 1000, 1900]);
  });

  it('keeps a margin over the second when asked to', async () => {
    const clock = new FakeClock();
    const limiter = new SendRateLimiter(2, { clock, marginMs: 10 });
    const starts: number[] = [];
    const all = Array.from({ length: 5 }, () => limiter.acquire().then(() => starts.push(clock.now())));
    await clock.run();
    await Promise.all(all);
    expect(starts).toEqual([0, 0, 1010, 1010, 2020]);
  });

  it('waits out a pause before anyone starts', async () => {
    const clock = new FakeClock();
    const limiter = new SendRateLimiter(0, { clock });
    limiter.pause(1500);
    expect(limiter.pausedFor()).toBe(1500);
    let startedAt = -1;
    const p = limiter.acquire().then(() => (startedAt = clock.now()));
    await clock.run();
    await p;
    expect(startedAt).toBe(1500);
    expect(limiter.pausedFor()).toBe(0);
  });

  it('does not limit when the rate is 0', async () => {
    const clock = new FakeClock();
    const limiter = new SendRateLimiter(0, { clock });
    await Promise.all(Array.from({ length: 100 }, () => limiter.acquire()));
    expect(clock.now()).toBe(0);
  });
});
