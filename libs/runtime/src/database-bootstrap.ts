import * as path from 'node:path';
import { Environment } from '@touchbase/config';
import { EmbeddedDatabase } from '@touchbase/database';

export interface DatabaseHandle {
  url: string;
  /** Human-readable: where the data lives. */
  location: string;
  embedded?: EmbeddedDatabase;
}

const EMBEDDED_DATABASE_NAME = 'touchbase';

/** DATABASE_URL when set; otherwise the embedded PostgreSQL under EMBEDDED_PG_DIR, started (or attached to). */
export async function startDatabase(
  env: Environment,
  log: (m: string) => void = () => undefined,
): Promise<DatabaseHandle> {
  if (env.DATABASE_URL) {
    const u = new URL(env.DATABASE_URL);
    return { url: env.DATABASE_URL, location: `PostgreSQL at ${u.hostname}:${u.port || 5432}${u.pathname}` };
  }
  const dataDir = path.resolve(env.EMBEDDED_PG_DIR ?? path.join(env.DATA_DIR, 'pg'));
  const embedded = await EmbeddedDatabase.start({ dataDir, port: env.EMBEDDED_PG_PORT, log });
  const url = await embedded.ensureDatabase(EMBEDDED_DATABASE_NAME);
  return {
    url,
    location: `embedded PostgreSQL in ${dataDir} (127.0.0.1:${env.EMBEDDED_PG_PORT}, database ${EMBEDDED_DATABASE_NAME})`,
    embedded,
  };
}
