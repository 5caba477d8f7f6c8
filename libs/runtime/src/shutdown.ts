import { INestApplicationContext } from '@nestjs/common';
import { DatabaseHandle } from './database-bootstrap';

const FORCE_EXIT_MS = 30_000;

/**
 * SIGINT / SIGTERM: close the application first (workers finish or release what they hold), then
 * stop the embedded PostgreSQL if this process started it, then exit. A second signal, or 30 s,
 * forces the exit, still stopping the database first.
 */
export function stopOnSignals(
  app: INestApplicationContext,
  database: DatabaseHandle,
  log: (m: string) => void,
): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log(`${signal} again: stopping now`);
      await database.embedded?.stop().catch(() => undefined);
      process.exit(1);
    }
    stopping = true;
    log(`${signal} received: shutting down`);
    const timer = setTimeout(() => void stop('timeout'), FORCE_EXIT_MS);
    timer.unref();
    let code = 0;
    try {
      await app.close();
    } catch (e) {
      log(`Error while closing: ${(e as Error).message}`);
      code = 1;
    }
    try {
      await database.embedded?.stop();
    } catch (e) {
      log(`Error while stopping the embedded database: ${(e as Error).message}`);
      code = 1;
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/** Stops the embedded database when start-up fails, so a failed start leaves no server behind. */
export async function failStartup(error: unknown, database: DatabaseHandle | undefined): Promise<never> {
  process.stderr.write(
    `touchbase failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  await database?.embedded?.stop().catch(() => undefined);
  process.exit(1);
}
