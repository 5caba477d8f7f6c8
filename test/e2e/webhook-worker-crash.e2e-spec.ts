import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { killSpawnedProcesses, spawnEntryPoint, SpawnedProcess } from '../support/spawn-process';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { HookReceiver } from './webhook-support';

jest.setTimeout(240_000);

/**
 * A real worker process (dist/apps/worker) delivering webhooks is killed with SIGKILL while the
 * receiver holds its requests open; another worker takes over once the lease expires. Every event
 * arrives at least once, with the same webhook-id, and each client's events in order.
 */
describe('Webhook delivery survives a worker killed mid-delivery', () => {
  let t: TestApp;
  const receiver = new HookReceiver();
  const dataDirs: string[] = [];
  const as = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };

  function startWorker(id: string): Promise<SpawnedProcess> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `touchbase-hooks-${id}-`));
    dataDirs.push(dataDir);
    const worker = spawnEntryPoint('worker', [], {
      DATABASE_URL: t.db.url,
      DATA_DIR: dataDir,
      WORKER_ID: id,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      PUBLIC_URL: 'https://tb.example',
      COMPANY_NAME: 'Альфа',
      DISPATCH_CHANNELS: 'email',
      WEBHOOK_POLL_MS: '50',
      // The lease is 2 × the timeout + 30 s: the second worker takes over about 36 s after the claim.
      WEBHOOK_TIMEOUT_MS: '3000',
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    });
    return worker.waitForLine(/Worker running/, 90_000).then(() => worker);
  }

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
    const res = await t
      .http()
      .post('/api/v1/webhooks/endpoints')
      .set(as)
      .send({ url: receiver.url })
      .expect(201);
    receiver.secret = res.body.secret as string;
  });
  afterAll(async () => {
    await killSpawnedProcesses();
    await receiver.close();
    await t?.close();
    for (const d of dataDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('loses nothing and keeps each client in order', async () => {
    const clientIds: string[] = [];
    for (let c = 0; c < 3; c++) {
      const res = await t
        .http()
        .post('/api/v1/clients')
        .set(as)
        .send({ name: `Клиент ${c}` })
        .expect(201);
      clientIds.push(res.body.id as string);
    }
    for (let i = 1; i <= 4; i++) {
      for (const id of clientIds) {
        await t
          .http()
          .patch(`/api/v1/clients/${id}`)
          .set(as)
          .send({ name: `Клиент ${id.slice(0, 4)} v${i}` })
          .expect(200);
      }
    }
    const expected = new Map<string, string[]>();
    for (const id of clientIds) {
      const rows: { event_id: string }[] = await t.dataSource.query(
        `SELECT event_id FROM webhook_outbox WHERE client_id = $1 ORDER BY sequence`,
        [id],
      );
      expected.set(
        id,
        rows.map((r) => r.event_id),
      );
    }
    expect([...expected.values()].flat()).toHaveLength(15);

    receiver.hold();
    const first = await startWorker('hooks-1');
    await receiver.held();
    // Its requests are in flight (claimed under a lease, POSTed, not answered): kill -9.
    first.kill('SIGKILL');
    await first.waitForExit(10_000);
    receiver.release();
    const [{ claimed }]: { claimed: number }[] = await t.dataSource.query(
      `SELECT count(*)::int AS claimed FROM webhook_deliveries WHERE claim_token IS NOT NULL`,
    );
    expect(claimed).toBeGreaterThan(0);

    await startWorker('hooks-2');
    const until = Date.now() + 120_000;
    const arrived = () => new Set(receiver.received.map((r) => r.id));
    while ([...expected.values()].flat().some((id) => !arrived().has(id))) {
      if (Date.now() > until) throw new Error(`Only ${arrived().size} of 15 events arrived`);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const [clientId, ids] of expected) {
      const seen: string[] = [];
      for (const r of receiver.received) {
        if (r.data.clientId === clientId && !seen.includes(r.id)) seen.push(r.id);
      }
      expect(seen).toEqual(ids);
    }
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    // The receiver may have the last events before the worker has recorded them.
    let open = -1;
    for (const deadline = Date.now() + 30_000; open !== 0 && Date.now() < deadline;) {
      [{ open }] = await t.dataSource.query(
        `SELECT count(*)::int AS open FROM webhook_deliveries WHERE status <> 'delivered'`,
      );
      if (open !== 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(open).toBe(0);
  });
});
