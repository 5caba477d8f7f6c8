import * as os from 'node:os';
import * as path from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { ClassificationNightlyJob } from '@touchbase/classification';
import { validateEnvironment } from '@touchbase/config';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { createPurchase, daysAgo } from '../factories/client.factory';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** Two worker processes' worth of Nest contexts on one database: the nightly recompute runs once. */
describe('Classification nightly job in the worker', () => {
  let db: TestDatabase;
  const workers: INestApplicationContext[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const id of ['w1', 'w2']) {
      const env = validateEnvironment({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        LOG_FORMAT: 'json',
        DATA_DIR: path.join(os.tmpdir(), `touchbase-test-${db.name}-${id}`),
        WORKER_ID: id,
      });
      const app = await NestFactory.createApplicationContext(
        WorkerModule.register({ env, databaseUrl: db.url }),
        {
          logger: false,
        },
      );
      await app.init();
      workers.push(app);
    }
  });
  afterAll(async () => {
    for (const w of workers) await w.close();
    await db.drop();
  });

  it('registers the job in every worker and runs it in exactly one', async () => {
    for (const w of workers) {
      expect(w.get(SchedulerRegistry).doesExist('cron', 'classification-nightly')).toBe(true);
    }
    const dataSource = workers[0].get(DataSource);
    // Raw SQL: the worker registers no Client entity (it needs none).
    const clients: { id: string }[] = await dataSource.query(
      `INSERT INTO clients (name) VALUES ('Active'), ('Gone') RETURNING id`,
    );
    await createPurchase(dataSource, clients[0].id, 900, daysAgo(3));
    await createPurchase(dataSource, clients[1].id, 100, daysAgo(400));

    const night = new Date('2030-01-10T00:05:00Z');
    const results = await Promise.all(
      [...workers, ...workers].map((w) => w.get(ClassificationNightlyJob).runNightly(night)),
    );
    expect(results.filter((r) => r !== null)).toEqual([
      { clients: 2, updated: 2, categoryChanges: 2, stageChanges: 2, durationMs: expect.any(Number) },
    ]);
    const rows = await dataSource.query(
      `SELECT c.stage, c.category, count(h.id)::int AS history
         FROM clients c LEFT JOIN stage_history h ON h.client_id = c.id AND h.cause LIKE 'recompute:%'
        GROUP BY c.id ORDER BY c.revenue_window DESC`,
    );
    expect(rows).toEqual([
      { stage: 'key', category: 'A', history: 1 },
      { stage: 'lapsed', category: 'C', history: 1 },
    ]);
    const [marker] = await dataSource.query(
      `SELECT value FROM workspace_settings WHERE key = 'classification-nightly-run'`,
    );
    expect(marker.value).toMatchObject({ night: '2030-01-10', result: { clients: 2 } });
  });
});
