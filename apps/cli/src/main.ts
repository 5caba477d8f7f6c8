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
        errorHandler: (e) => {
          // commander's own exits (help, version) carry exitCode 0
          const exitCode = (e as { exitCode?: number }).exitCode;
          if (exitCode === 0) process.exit(0);
          process.stderr.write(`${e.message}\n`);
          code = 2;
        },
        serviceErrorHandler: (e) => {
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

void main();
