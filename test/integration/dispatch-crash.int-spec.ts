import { SmtpSink } from '../support/smtp-sink';
import { killSpawnedProcesses, SpawnedProcess } from '../support/spawn-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import {
  DeliveryState,
  releaseRun,
  runDeliveries,
  seedEmailRun,
  sinkCountsByDelivery,
  startEmailWorker,
  statusCounts,
  waitUntilDispatched,
} from './dispatch-support';

jest.setTimeout(180_000);

const DELIVERIES = 60;
const BATCH = 10;

/**
 * A worker killed with SIGKILL in the middle of a batch. Delivery is at least once: what the dead
 * worker had sent but not yet recorded is sent again by the worker that takes its lease over. The
 * dispatcher records a batch's outcomes before it hands over the next one (the batch it claimed ahead
 * is never sent before that), so what can be sent twice is at most one batch: the one in flight.
 */
describe('Dispatch: a worker killed mid-batch', () => {
  let db: TestDatabase;
  let sink: SmtpSink;

  beforeAll(async () => {
    db = await createTestDatabase();
    // 100 ms a message over 2 connections: a batch of 10 takes half a second, long enough to kill.
    sink = await SmtpSink.start({ delayMs: 100 });
  });

  afterAll(async () => {
    await killSpawnedProcesses();
    await sink?.close();
    await db?.drop();
  });

  it('another worker takes the lease over: every delivery sent, duplicates only from the batch in flight', async () => {
    const env = {
      DISPATCH_BATCH_SIZE: String(BATCH),
      DISPATCH_LEASE_SECONDS: '3',
      SMTP_MAX_CONNECTIONS: '2',
    };
    const first: SpawnedProcess = await startEmailWorker(db.url, sink, 'first', env);
    const run = await seedEmailRun(db.url, DELIVERIES, 'crash');
    await releaseRun(db.url, run.runId);

    // Half-way through the second batch.
    await sink.waitFor(BATCH + BATCH / 2);
    first.kill('SIGKILL');
    await first.waitForExit();
    const atDeath = await runDeliveries(db.url, run.runId);
    const held = atDeath.filter((d) => d.status === 'sending');
    // It held leases when it died (the batch being sent, maybe one claimed ahead), and had sent some.
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((d) => d.claim_token !== null && d.locked_until !== null)).toBe(true);
    const sentBefore = atDeath.filter((d) => d.status === 'sent').length;
    expect(sentBefore).toBeGreaterThanOrEqual(BATCH);
    expect(sentBefore).toBeLessThan(DELIVERIES);

    const second = await startEmailWorker(db.url, sink, 'second', env);
    const final = await waitUntilDispatched(db.url, run.runId);

    // Nothing lost: every delivery ends sent, and the sink has every one of them.
    expect(statusCounts(final)).toEqual({ sent: DELIVERIES });
    const received = sinkCountsByDelivery(sink);
    expect([...received.keys()].sort()).toEqual([...run.ids].sort());

    // Sent twice: only deliveries the dead worker held, all of one claim (one batch), at most a batch.
    const twice = [...received].filter(([, n]) => n > 1).map(([id]) => id);
    expect([...received.values()].every((n) => n <= 2)).toBe(true);
    expect(twice.length).toBeLessThanOrEqual(BATCH);
    const tokenOf = new Map(held.map((d: DeliveryState) => [d.id, d.claim_token]));
    expect(twice.every((id) => tokenOf.has(id))).toBe(true);
    expect(new Set(twice.map((id) => tokenOf.get(id))).size).toBeLessThanOrEqual(1);
    expect(sink.accepted).toBe(DELIVERIES + twice.length);

    // The deliveries the dead worker held were taken back when their lease expired, by the other worker.
    const attempts = new Map(final.map((d) => [d.id, d.attempts]));
    for (const d of held) expect(attempts.get(d.id)).toBe(2);
    // (Leases taken at different times expire at different times: maybe more than one take-back.)
    const takenBack = [...second.stdout.matchAll(/Took back (\d+) email deliveries whose lease expired/g)];
    expect(takenBack.reduce((sum, m) => sum + Number(m[1]), 0)).toBe(held.length);
  });

  it('a batch that outlasts its lease keeps it while its worker lives, and loses it soon after the worker dies', async () => {
    // 300 ms a message over one connection: a batch of 10 takes 3 s, longer than the 2 s lease, so
    // only the renewals keep the other worker off it.
    const slow = await SmtpSink.start({ delayMs: 300 });
    // A database of its own: the workers of the test above still run on the other one.
    const own = await createTestDatabase();
    try {
      const env = {
        DISPATCH_BATCH_SIZE: String(BATCH),
        DISPATCH_LEASE_SECONDS: '2',
        SMTP_MAX_CONNECTIONS: '1',
      };
      const first = await startEmailWorker(own.url, slow, 'renewing-first', env);
      const second = await startEmailWorker(own.url, slow, 'renewing-second', env);
      const run = await seedEmailRun(own.url, DELIVERIES, 'renew');
      await releaseRun(own.url, run.runId);

      // Well past two leases with both workers alive: nothing was taken from either.
      await slow.waitFor(3 * BATCH);
      first.kill('SIGKILL');
      await first.waitForExit();
      const atDeath = await runDeliveries(own.url, run.runId);
      expect(atDeath.filter((d) => d.attempts > 1)).toEqual([]);
      expect([...sinkCountsByDelivery(slow).values()].every((n) => n === 1)).toBe(true);
      expect(second.stdout).not.toMatch(/Took back/);
      const held = atDeath.filter((d) => d.status === 'sending');
      expect(held.length).toBeGreaterThan(0);

      // The dead worker's batches are taken back by the live one; duplicates only from the batch it
      // was sending, at most one batch.
      const final = await waitUntilDispatched(own.url, run.runId);
      expect(statusCounts(final)).toEqual({ sent: DELIVERIES });
      const received = sinkCountsByDelivery(slow);
      expect([...received.keys()].sort()).toEqual([...run.ids].sort());
      const twice = [...received].filter(([, n]) => n > 1).map(([id]) => id);
      expect(twice.length).toBeLessThanOrEqual(BATCH);
      const tokenOf = new Map(held.map((d: DeliveryState) => [d.id, d.claim_token]));
      expect(twice.every((id) => tokenOf.has(id))).toBe(true);
      expect(new Set(twice.map((id) => tokenOf.get(id))).size).toBeLessThanOrEqual(1);
      const retaken = final.filter((d) => d.attempts === 2).map((d) => d.id);
      expect(retaken.length).toBeGreaterThan(0);
      expect(retaken.every((id) => tokenOf.has(id))).toBe(true);
      expect(second.stdout).toMatch(/Took back \d+ email deliveries whose lease expired/);
    } finally {
      await killSpawnedProcesses();
      await slow.close();
      await own.drop();
    }
  });
});
