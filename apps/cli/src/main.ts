import 'reflect-metadata';
import { CommandFactory } from 'nest-commander';
import { DomainException } from '@touchbase/core';
import { DatabaseHandle, failStartup, loadEnvironmentOrExit, startDatabase } from '@touchbase/runtime';
import { CliModule } from './cli.module';

/** `npm run cli -- <command>`: staff, keys, imports. Uses DATABASE_URL or the embedded database. */
async function main(): Promise<void> {
  const env = loadEnvironmentOrExit();
  let database: DatabaseHandle | undefined;
  let code = 0;
  try {
    database = await startDatabase(env);
    await CommandFactory.run(
      CliModule.register({ env: { ...env, LOG_LEVEL: 'warn' }, databaseUrl: database.url }),
      {
        logger: ['error', 'warn'],
        cliName: 'touchbase',
        // commander's own exits (help, version, usage errors: already printed) come back through
        // serviceErrorHandler, so that the application and the embedded database are closed first.
        errorHandler: (e) => {
          throw e;
        },
        serviceErrorHandler: (e) => {
          if (isCommanderExit(e)) {
            code = e.exitCode;
            return;
          }
          process.stderr.write(
            `Error: ${e instanceof DomainException || e instanceof Error ? e.message : String(e)}\n`,
          );
          code = 1;
        },
      },
    );
  } catch (e) {
    await failStartup(e, database);
  }
  await database?.embedded?.stop();
  process.exit(code);
}

/** commander's CommanderError (help, version, usage errors); its message is already printed. */
function isCommanderExit(e: unknown): e is { code: string; exitCode: number } {
  const { code, exitCode } = (e ?? {}) as { code?: unknown; exitCode?: unknown };
  return typeof code === 'string' && code.startsWith('commander.') && typeof exitCode === 'number';
}

void main();
