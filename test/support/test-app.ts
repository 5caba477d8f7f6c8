import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { Environment, validateEnvironment } from '@touchbase/config';
import { configureHttpApp } from '@touchbase/http';
import { ApiModule } from '../../apps/api/src/api.module';
import { createTestDatabase, TestDatabase } from './test-database';

export const TEST_ADMIN_KEY = 'tb_test_admin_key_000000000000000000000000';

export interface TestApp {
  app: INestApplication;
  db: TestDatabase;
  dataSource: DataSource;
  env: Environment;
  /** supertest bound to the app's HTTP server */
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The real API (all modules, real PostgreSQL) on a fresh database, with a known admin key. */
export async function createTestApp(
  overrides: Record<string, string> = {},
  options: { withWorker?: boolean } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const env = validateEnvironment({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json',
    DATA_DIR: path.join(os.tmpdir(), `touchbase-test-${db.name}`),
    BOOTSTRAP_ADMIN_KEY: TEST_ADMIN_KEY,
    PORT: '0',
    ...overrides,
  });
  const app = await NestFactory.create(
    ApiModule.register({ env, databaseUrl: db.url, withWorker: options.withWorker ?? false }),
    { bufferLogs: true, logger: false },
  );
  configureHttpApp(app);
  await app.init();
  const server = app.getHttpServer();
  return {
    app,
    db,
    env,
    dataSource: app.get(DataSource),
    http: () => request(server),
    close: async () => {
      await app.close();
      await db.drop();
      fs.rmSync(env.DATA_DIR, { recursive: true, force: true });
    },
  };
}
