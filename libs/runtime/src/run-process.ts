import { INestApplicationContext } from '@nestjs/common';
import { Environment } from '@touchbase/config';
import { DatabaseHandle, startDatabase } from './database-bootstrap';
import { loadEnvironmentOrExit } from './environment-loader';
import { failStartup, stopOnSignals } from './shutdown';

export interface ProcessDefinition<T extends INestApplicationContext> {
  /** Prefix of the lines this process prints. */
  name: string;
  create(env: Environment, database: DatabaseHandle): Promise<T>;
  /** Starts serving, then returns the lines to print. */
  start(app: T, database: DatabaseHandle): Promise<string[]>;
}

/**
 * The life of every touchbase process: validate the environment (exit 1 naming bad variables),
 * get the database (embedded unless DATABASE_URL), build the app, stop cleanly on SIGINT/SIGTERM.
 */
export async function runProcess<T extends INestApplicationContext>(
  definition: ProcessDefinition<T>,
): Promise<void> {
  const say = (m: string) => process.stdout.write(`[${definition.name}] ${m}\n`);
  const env = loadEnvironmentOrExit();
  let database: DatabaseHandle | undefined;
  try {
    database = await startDatabase(env, (m) => env.LOG_LEVEL === 'debug' && say(m));
    const app = await definition.create(env, database);
    stopOnSignals(app, database, say);
    for (const line of await definition.start(app, database)) say(line);
  } catch (e) {
    await failStartup(e, database);
  }
}
