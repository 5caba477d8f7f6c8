import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { StaffRole } from '@touchbase/core';
import { ApiKeyService, generateApiKey } from './api-key.service';
import { PasswordTokensService } from './auth/password-tokens.service';
import { PasswordTokenPurpose } from './entities/staff-password-token.entity';
import { StaffMember } from './entities/staff-member.entity';

const BOOTSTRAP_LOCK_KEY = 7_202_611_221;

export interface BootstrapResult {
  admin: StaffMember;
  /** Set when the key was generated here (not given in BOOTSTRAP_ADMIN_KEY). */
  generatedKey?: string;
  keyFile?: string;
  /** A one-time link (7 days) for the admin to set a password and sign in to the console. */
  setPasswordLink: string;
}

/** On an empty database, creates the first admin and its key, so the API can be used at once. */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly keys: ApiKeyService,
    private readonly passwordTokens: PasswordTokensService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const result = await this.bootstrap();
    if (!result) return;
    if (result.generatedKey) {
      // Printed once, on purpose: this is the only way to learn the first key besides the file.
      process.stdout.write(
        [
          '',
          '  ┌──────────────────────────────────────────────────────────────────────────',
          `  │ First start: created admin ${result.admin.email} with this API key:`,
          `  │   ${result.generatedKey}`,
          `  │ It is also in ${result.keyFile} (mode 0600). It will not be shown again.`,
          '  │ To sign in to the console, set a password (the link works once, for 7 days):',
          `  │   ${result.setPasswordLink}`,
          '  └──────────────────────────────────────────────────────────────────────────',
          '',
        ].join('\n') + '\n',
      );
    } else {
      this.logger.log(
        `First start: created admin ${result.admin.email} with the key from BOOTSTRAP_ADMIN_KEY; ` +
          `set a password for the console (once, within 7 days): ${result.setPasswordLink}`,
      );
    }
  }

  /** Creates the admin when no staff member exists; safe when several replicas start together. */
  async bootstrap(): Promise<BootstrapResult | undefined> {
    const { adminEmail, adminName, adminKey, adminKeyFile } = this.config.bootstrap;
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_KEY]);
      if ((await manager.count(StaffMember)) > 0) return undefined;
      const admin = await manager.save(
        manager.create(StaffMember, {
          name: adminName,
          email: adminEmail,
          role: StaffRole.Admin,
          active: true,
        }),
      );
      const key = adminKey ?? generateApiKey();
      await this.keys.issue(admin.id, 'Bootstrap admin key', key, manager);
      const setPasswordLink = this.passwordTokens.link(
        await this.passwordTokens.issue(admin.id, PasswordTokenPurpose.FirstStart, manager),
      );
      if (adminKey) return { admin, setPasswordLink };
      // Written before the transaction commits: if the file cannot be written, no admin is created
      // and the next start tries again, so the only copy of the key is never lost.
      fs.mkdirSync(path.dirname(adminKeyFile), { recursive: true, mode: 0o755 });
      fs.writeFileSync(adminKeyFile, key + '\n', { mode: 0o600 });
      fs.chmodSync(adminKeyFile, 0o600);
      return { admin, generatedKey: key, keyFile: adminKeyFile, setPasswordLink };
    });
  }
}
