import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('never lets more than its size in, and serves waiters in order', async () => {
    const gate = new Semaphore(3);
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    const task = (i: number) =>
      gate.use(async () => {
        inside += 1;
        most = Math.max(most, inside);
        await new Promise((r) => setTimeout(r, 5));
        order.push(i);
        inside -= 1;
      });
    await Promise.all(Array.from({ length: 10 }, (_, i) => task(i)));
    expect(most).toBe(3);
    expect(order.slice(3)).toEqual([...order.slice(3)].sort((a, b) => a - b));
    expect(gate.inUse).toBe(0);
  });

  it('releases the slot when the work throws', async () => {
    const gate = new Semaphore(1);
    await expect(gate.use(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await gate.use(async () => expect(gate.inUse).toBe(1));
    expect(gate.inUse).toBe(0);
  });
});
