import { RateLimiter, RateLimiterClock } from './rate-limiter';

/** A clock that only moves when someone sleeps: the earliest sleeper wakes first. */
class FakeClock implements RateLimiterClock {
  private t = 0;
  private sleepers: { until: number; wake: () => void }[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((wake) => {
      const sleeper = { until: this.t + ms, wake };
      this.sleepers.push(sleeper);
      // A cancelled sleep is forgotten: it must not move the clock.
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        wake();
      });
    });
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

describe('RateLimiter: counting starts', () => {
  it('lets at most N start in any one-second window, and keeps the pace', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(5, 1000, { clock });
    const starts: number[] = [];
    const all = Array.from({ length: 23 }, () => limiter.start().then(() => starts.push(clock.now())));
    await clock.run();
    await Promise.all(all);
    expect(starts).toHaveLength(23);
    expect(maxInAnyWindow(starts, 1000)).toBe(5);
    // 23 starts at 5 a second: the last one in the fifth second.
    expect(starts.at(-1)).toBe(4000);
  });

  it('holds across callers who come later (a sliding window, not calendar seconds)', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(2, 1000, { clock });
    const starts: number[] = [];
    await limiter.start();
    starts.push(clock.now());
    clock.advance(900);
    const later = [limiter.start(), limiter.start(), limiter.start()].map((p) =>
      p.then(() => starts.push(clock.now())),
    );
    await clock.run();
    await Promise.all(later);
    // The third start waits for the first to leave its window; the fourth for the second.
    expect(starts).toEqual([0, 900, 1000, 1900]);
  });

  it('keeps a margin over the second when asked to', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(2, 1000, { clock, marginMs: 10 });
    const starts: number[] = [];
    const all = Array.from({ length: 5 }, () => limiter.start().then(() => starts.push(clock.now())));
    await clock.run();
    await Promise.all(all);
    expect(starts).toEqual([0, 0, 1010, 1010, 2020]);
  });

  it('waits out a pause before anyone starts', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(0, 1000, { clock });
    limiter.pause(1500);
    expect(limiter.pausedFor()).toBe(1500);
    let startedAt = -1;
    const p = limiter.start().then(() => (startedAt = clock.now()));
    await clock.run();
    await p;
    expect(startedAt).toBe(1500);
    expect(limiter.pausedFor()).toBe(0);
  });

  it('does not limit when the rate is 0', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(0, 1000, { clock });
    await Promise.all(Array.from({ length: 100 }, () => limiter.start()));
    expect(clock.now()).toBe(0);
  });
});

describe('RateLimiter: holding a slot until the send is over', () => {
  it('never lets more than the limit through in any window, and serves in order', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(5, 200, { clock });
    const granted: { i: number; at: number }[] = [];
    const all = Array.from({ length: 17 }, (_, i) =>
      limiter.acquire().then((release) => {
        granted.push({ i, at: clock.now() });
        release();
      }),
    );
    await clock.run();
    await Promise.all(all);
    expect(granted.map((g) => g.i)).toEqual(Array.from({ length: 17 }, (_, i) => i));
    for (let k = 5; k < granted.length; k++)
      expect(granted[k].at - granted[k - 5].at).toBeGreaterThanOrEqual(200);
    // Bursts of five, the next five a window later: 17 take three windows.
    expect(granted.map((g) => g.at)).toEqual([
      ...Array<number>(5).fill(0),
      ...Array<number>(5).fill(200),
      ...Array<number>(5).fill(400),
      600,
      600,
    ]);
  });

  it('holds a slot while its send is in flight, then for a window after it completes', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(2, 100, { clock });
    const [a, b] = await Promise.all([limiter.acquire(), limiter.acquire()]);
    let thirdAt = -1;
    const third = limiter.acquire().then((release) => {
      thirdAt = clock.now();
      release();
    });
    await flush();
    expect(thirdAt).toBe(-1);
    clock.advance(300); // a slow send: the server may see it arrive only now
    a();
    b();
    await clock.run();
    await third;
    expect(thirdAt).toBe(400);
  });

  it('lets a burst up to the limit through at once', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(10, 1000, { clock });
    await Promise.all(Array.from({ length: 10 }, () => limiter.acquire()));
    expect(clock.now()).toBe(0);
  });
});
