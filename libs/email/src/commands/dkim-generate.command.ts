import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommandRunner, Option } from 'nest-commander';
import { AppConfig } from '@touchbase/config';
import { ValidationException } from '@touchbase/core';
import { dkimDnsRecord, generateDkimPrivateKey } from '../dkim-keys';

interface DkimGenerateOptions {
  domain?: string;
  selector?: string;
  out?: string;
  force?: boolean;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const SELECTOR = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Writes a new 2048-bit RSA DKIM key (readable by its owner only) and prints the DNS TXT record to
 * publish and the variables that make touchbase sign with it.
 */
@Command({
  name: 'dkim:generate',
  description: 'Write a new DKIM key (2048-bit RSA, mode 0600) and print the DNS TXT record to publish',
})
export class DkimGenerateCommand extends CommandRunner {
  constructor(private readonly config: AppConfig) {
    super();
  }

  async run(_: string[], options: DkimGenerateOptions): Promise<void> {
    const domain = options.domain?.trim().toLowerCase();
    if (!domain || !DOMAIN.test(domain)) {
      throw new ValidationException(
        '--domain must be the domain the From addresses use, e.g. --domain example.com',
      );
    }
    const selector = (options.selector ?? 'tb1').trim().toLowerCase();
    if (!SELECTOR.test(selector))
      throw new ValidationException('--selector must be letters, digits and hyphens, e.g. tb1');
    const file = path.resolve(
      options.out ?? path.join(this.config.dataDir, 'dkim', `${selector}.${domain}.pem`),
    );
    if (fs.existsSync(file) && !options.force) {
      throw new ValidationException(`${file} exists: choose another --out, or --force to replace it`);
    }
    const pem = generateDkimPrivateKey();
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, pem, { mode: 0o600 });
    fs.chmodSync(file, 0o600); // an existing file keeps its mode on write
    const record = dkimDnsRecord(pem, domain, selector);
    process.stdout.write(
      [
        `Private key written to ${file} (mode 0600).`,
        '',
        'Publish this DNS TXT record:',
        `  name:  ${record.name}`,
        `  value: ${record.strings.map((s) => `"${s}"`).join(' ')}`,
        '',
        'Zone file:',
        `  ${record.zoneLine}`,
        '',
        'Then sign with it:',
        `  DKIM_DOMAIN=${domain}`,
        `  DKIM_SELECTOR=${selector}`,
        `  DKIM_PRIVATE_KEY_FILE=${file}`,
        '',
      ].join('\n'),
    );
  }

  @Option({
    flags: '--domain <domain>',
    description: 'The signing domain (d=), e.g. example.com',
    required: true,
  })
  parseDomain(value: string): string {
    return value;
  }

  @Option({ flags: '--selector <selector>', description: 'The selector (s=); default tb1' })
  parseSelector(value: string): string {
    return value;
  }

  @Option({
    flags: '--out <file>',
    description: 'Where to write the key; default $DATA_DIR/dkim/<selector>.<domain>.pem',
  })
  parseOut(value: string): string {
    return value;
  }

  @Option({ flags: '--force', description: 'Replace the file if it exists' })
  parseForce(): boolean {
    return true;
  }
}

export const DKIM_COMMANDS = [DkimGenerateCommand];
