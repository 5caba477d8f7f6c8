import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { freePort, killSpawnedProcesses, spawnEntryPoint } from '../support/spawn-process';

describe('Worker metrics (WORKER_METRICS_PORT)', () => {
  jest.setTimeout(180_000);
  let db: TestDatabase;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-worker-metrics-'));

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await killSpawnedProcesses();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a worker process serves its own dispatch metrics, behind METRICS_TOKEN', async () => {
    const port = await freePort();
    const worker = spawnEntryPoint('worker', [], {
      DATABASE_URL: db.url,
      DATA_DIR: dataDir,
      WORKER_ID: 'metrics-worker-1',
      WORKER_METRICS_PORT: String(port),
      METRICS_TOKEN: 'm'.repeat(32),
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    });
    await worker.waitForLine(/Worker running/, 90_000);
    const url = `http://127.0.0.1:${port}/metrics`;

    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain('METRICS_TOKEN');

    const wrong = await fetch(url, { headers: { authorization: `Bearer ${'x'.repeat(32)}` } });
    expect(wrong.status).toBe(401);

    const scraped = await fetch(url, { headers: { authorization: `Bearer ${'m'.repeat(32)}` } });
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await scraped.text();
    // The queue depth is reported per channel, 0 when idle, by this worker's own registry.
    for (const channel of ['email', 'sms', 'call', 'letter']) {
      expect(text).toMatch(
        new RegExp(`touchbase_dispatch_queue_depth\\{[^}]*channel="${channel}"[^}]*\\} 0`),
      );
    }
    expect(text).toMatch(/process_resident_memory_bytes/);

    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);

    worker.kill('SIGTERM');
    expect((await worker.waitForExit(30_000)).code).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });
});
