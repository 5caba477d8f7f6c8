import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Test databases. The global setup migrates one template database per run; each suite gets its own
 * fresh copy of it (`CREATE DATABASE … TEMPLATE`), so suites never see each other's rows.
 */
export const TEMPLATE_ENV = 'TOUCHBASE_TEST_TEMPLATE_DB';
export const SERVER_ENV = 'TOUCHBASE_TEST_SERVER_URL';

export function serverUrl(): string {
  const url = process.env[SERVER_ENV];
  if (!url) throw new Error('The test database server is not set up (global setup did not run)');
  return url;
}

export function urlForDatabase(server: string, database: string): string {
  const u = new URL(server);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function withAdminClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one suite. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `tb_test_${randomBytes(6).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : process.env[TEMPLATE_ENV];
  if (!template) throw new Error('No template database (global setup did not run)');
  await withAdminClient((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return {
    name,
    url: urlForDatabase(serverUrl(), name),
    drop: () =>
      withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
