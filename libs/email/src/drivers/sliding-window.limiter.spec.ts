import { SlidingWindowLimiter } from './sliding-window.limiter';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SlidingWindowLimiter', () => {
  it('never lets more than the limit through in any window, and serves in order', async () => {
    const limiter = new SlidingWindowLimiter(5, 200);
    const granted: { i: number; at: number }[] = [];
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 17 }, (_, i) =>
        limiter.acquire().then((release) => {
          granted.push({ i, at: performance.now() - start });
          release();
        }),
      ),
    );
    expect(granted.map((g) => g.i)).toEqual(Array.from({ length: 17 }, (_, i) => i));
    for (let k = 5; k < granted.length; k++)
      expect(granted[k].at - granted[k - 5].at).toBeGreaterThanOrEqual(199);
    // Bursts of five, the next five a window later: 17 take a little over three windows.
    expect(granted[16].at).toBeGreaterThanOrEqual(600);
    expect(granted[16].at).toBeLessThan(1200);
  });

  it('holds a slot while its send is in flight, then for a window after it completes', async () => {
    const limiter = new SlidingWindowLimiter(2, 100);
    const start = performance.now();
    const [a, b] = await Promise.all([limiter.acquire(), limiter.acquire()]);
    let thirdAt = 0;
    const third = limiter.acquire().then((release) => {
      thirdAt = performance.now() - start;
      release();
    });
    await sleep(300); // a slow send: the server may see it arrive only now
    a();
    b();
    await third;
    expect(thirdAt).toBeGreaterThanOrEqual(399);
  });

  it('lets a burst up to the limit through at once', async () => {
    const limiter = new SlidingWindowLimiter(10, 1000);
    const start = performance.now();
    await Promise.all(Array.from({ length: 10 }, () => limiter.acquire()));
    expect(performance.now() - start).toBeLessThan(100);
  });
});
