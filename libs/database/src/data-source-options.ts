import * as path from 'node:path';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

export const MIGRATIONS_GLOB = path.join(__dirname, 'migrations', '*.{ts,js}');

export interface DatabaseConnectionSettings {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

/** The options every DataSource of touchbase shares: snake_case names, committed migrations only. */
export function buildDataSourceOptions(settings: DatabaseConnectionSettings): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url: settings.url,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false, // run explicitly under an advisory lock, see MigrationRunner
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'migrations',
    applicationName: settings.applicationName ?? 'touchbase',
    extra: {
      max: settings.poolSize ?? 10,
      // Fail fast instead of hanging forever when the server is gone; the pool reconnects.
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
    },
  };
}
