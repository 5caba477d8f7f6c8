import { Command, CommandRunner, Option } from 'nest-commander';
import { DEMO_DEFAULTS, DemoOptions, runDemo } from '@touchbase/demo';

@Command({
  name: 'demo',
  description:
    'Load a sample company (2,000 clients, two years of purchases), run one month of the playbook through ' +
    'the development drivers, and print where to look. Uses DATABASE_URL or its own embedded database; ' +
    'running it again resets the demo data',
})
export class DemoCommand extends CommandRunner {
  async run(_args: string[], options: Partial<DemoOptions>): Promise<void> {
    await runDemo({ ...DEMO_DEFAULTS, verbose: false, ...options });
  }

  @Option({
    flags: '--data-dir <path>',
    description: `Folder for the demo database and files (default ${DEMO_DEFAULTS.dataDir})`,
  })
  parseDataDir(value: string): string {
    return value;
  }

  @Option({
    flags: '--pg-port <port>',
    description: `Port of the demo's embedded PostgreSQL (default ${DEMO_DEFAULTS.pgPort})`,
  })
  parsePgPort(value: string): number {
    return positive(value, '--pg-port');
  }

  @Option({
    flags: '--clients <n>',
    description: `Clients in the sample company (default ${DEMO_DEFAULTS.clients})`,
  })
  parseClients(value: string): number {
    return positive(value, '--clients');
  }

  @Option({ flags: '--verbose', description: "Show the application's log" })
  parseVerbose(): boolean {
    return true;
  }
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`${flag} must be a positive whole number, got "${value}"`);
  return n;
}
