import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { CommandFactory } from 'nest-commander';
import { DemoCommand } from './demo.command';

@Module({ providers: [DemoCommand] })
class DemoCliModule {}

/**
 * `npm run demo`: its own entry point, as the demo builds its own application (database, worker
 * services) once the options are read; see DemoCommand.
 */
// The only command: `npm run demo -- --help` shows its options.
process.argv.splice(2, 0, 'demo');
void CommandFactory.run(DemoCliModule, {
  logger: ['error', 'warn'],
  errorHandler: (e) => {
    throw e;
  },
  serviceErrorHandler: (e) => {
    // commander's own exits (help, usage errors) carry their code; their message is already printed.
    const { code, exitCode } = (e ?? {}) as { code?: unknown; exitCode?: unknown };
    if (typeof code === 'string' && code.startsWith('commander.') && typeof exitCode === 'number') {
      process.exitCode = exitCode;
      return;
    }
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
});
