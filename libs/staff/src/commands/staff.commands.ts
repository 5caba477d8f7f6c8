import { Command, CommandRunner, Option } from 'nest-commander';
import { StaffRole } from '@touchbase/core';
import { ApiKeyService } from '../api-key.service';
import { PasswordTokensService } from '../auth/password-tokens.service';
import { PasswordTokenPurpose } from '../entities/staff-password-token.entity';
import { StaffService } from '../staff.service';

interface StaffCreateOptions {
  name: string;
  email: string;
  role: StaffRole;
}

@Command({ name: 'staff:create', description: 'Create a staff member' })
export class StaffCreateCommand extends CommandRunner {
  constructor(private readonly staff: StaffService) {
    super();
  }

  async run(_: string[], options: StaffCreateOptions): Promise<void> {
    const member = await this.staff.create({
      name: options.name,
      email: options.email.toLowerCase(),
      role: options.role,
    });
    process.stdout.write(`Created ${member.role} ${member.name} <${member.email}>\n${member.id}\n`);
  }

  @Option({ flags: '-n, --name <name>', description: 'Full name', required: true })
  parseName(value: string): string {
    return value.trim();
  }

  @Option({ flags: '-e, --email <email>', description: 'Email address', required: true })
  parseEmail(value: string): string {
    if (!/^[^\s@]+@[^\s@]+$/.test(value)) throw new Error(`Not an email address: ${value}`);
    return value;
  }

  @Option({
    flags: '-r, --role <role>',
    description: `One of ${Object.values(StaffRole).join(', ')}`,
    required: true,
  })
  parseRole(value: string): StaffRole {
    if (!Object.values(StaffRole).includes(value as StaffRole)) {
      throw new Error(`Unknown role "${value}": use one of ${Object.values(StaffRole).join(', ')}`);
    }
    return value as StaffRole;
  }
}

@Command({
  name: 'keys:create',
  description: 'Issue an API key for a staff member; the key is printed alone on the last line',
})
export class KeysCreateCommand extends CommandRunner {
  constructor(
    private readonly staff: StaffService,
    private readonly keys: ApiKeyService,
  ) {
    super();
  }

  async run(_: string[], options: { staff: string; name?: string }): Promise<void> {
    const member = await this.staff.find(options.staff);
    const { apiKey, key } = await this.keys.issue(member.id, options.name ?? 'CLI key');
    process.stdout.write(
      `Issued key ${apiKey.id} (${apiKey.prefix}…) for ${member.email}; store it now:\n${key}\n`,
    );
  }

  @Option({ flags: '-s, --staff <idOrEmail>', description: 'The staff member (id or email)', required: true })
  parseStaff(value: string): string {
    return value.trim();
  }

  @Option({ flags: '-n, --name <name>', description: 'What the key is for' })
  parseName(value: string): string {
    return value.trim();
  }
}

@Command({ name: 'keys:revoke', arguments: '<keyId>', description: 'Revoke an API key by its id' })
export class KeysRevokeCommand extends CommandRunner {
  constructor(private readonly keys: ApiKeyService) {
    super();
  }

  async run([keyId]: string[]): Promise<void> {
    const key = await this.keys.revoke(keyId);
    process.stdout.write(`Revoked ${key.id} (${key.prefix}…) at ${key.revokedAt?.toISOString()}\n`);
  }
}

@Command({ name: 'keys:list', description: 'List API keys (never the keys themselves)' })
export class KeysListCommand extends CommandRunner {
  constructor(
    private readonly staff: StaffService,
    private readonly keys: ApiKeyService,
  ) {
    super();
  }

  async run(_: string[], options: { staff?: string }): Promise<void> {
    const member = options.staff ? await this.staff.find(options.staff) : undefined;
    const keys = member ? await this.keys.listForStaff(member.id) : await this.keys.listAll();
    const rows = keys.map((k) => ({
      id: k.id,
      prefix: `${k.prefix}…`,
      staff: k.staffMember?.email ?? member?.email ?? k.staffMemberId,
      name: k.name,
      created: k.createdAt.toISOString(),
      lastUsed: k.lastUsedAt?.toISOString() ?? '-',
      status: k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active',
    }));
    if (rows.length === 0) process.stdout.write('No API keys.\n');
    else console.table(rows);
  }

  @Option({ flags: '-s, --staff <idOrEmail>', description: "Only this staff member's keys" })
  parseStaff(value: string): string {
    return value.trim();
  }
}

@Command({
  name: 'staff:password-link',
  arguments: '<idOrEmail>',
  description: 'Print a one-time link (valid 1 hour) for a staff member to set a console password',
})
export class StaffPasswordLinkCommand extends CommandRunner {
  constructor(
    private readonly staff: StaffService,
    private readonly tokens: PasswordTokensService,
  ) {
    super();
  }

  async run([idOrEmail]: string[]): Promise<void> {
    const member = await this.staff.find(idOrEmail);
    const token = await this.tokens.issue(member.id, PasswordTokenPurpose.Reset);
    process.stdout.write(
      `Set-password link for ${member.email} (once, within 1 hour):\n${this.tokens.link(token)}\n`,
    );
  }
}

export const STAFF_COMMANDS = [
  StaffCreateCommand,
  StaffPasswordLinkCommand,
  KeysCreateCommand,
  KeysRevokeCommand,
  KeysListCommand,
];
