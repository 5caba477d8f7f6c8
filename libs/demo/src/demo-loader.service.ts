import * as path from 'node:path';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClassificationService } from '@touchbase/classification';
import { AppConfig } from '@touchbase/config';
import { StaffRole } from '@touchbase/core';
import { ImportKind, ImportReport, ImportsService } from '@touchbase/imports';
import {
  ApiKeyService,
  BootstrapAdminService,
  PasswordTokensService,
  StaffMember,
  StaffService,
} from '@touchbase/staff';
import { generateSampleCompany, SampleCompany } from './sample-company';
import { writeSampleFiles } from './sample-files';

export interface DemoAdmin {
  member: StaffMember;
  /** The key to use with the API (freshly issued, or the one the first start generated). */
  key: string;
  keyFile: string | null;
}

export interface LoadResult {
  admin: DemoAdmin;
  company: SampleCompany;
  imports: ImportReport[];
  sampleDir: string;
}

// The same base every time: a fixed seed (the dates follow the day the demo runs).
export const DEMO_SEED = 20_261_123;
/** Clients ranked by revenue over the year that count as VIP by rule (on top of the manual flags). */
const DEMO_VIP_TOP_N = 30;

/** Loads the sample company the way a real company arrives: staff, then files through the import. */
@Injectable()
export class DemoLoaderService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly staff: StaffService,
    private readonly keys: ApiKeyService,
    private readonly passwordTokens: PasswordTokensService,
    private readonly imports: ImportsService,
    private readonly classification: ClassificationService,
  ) {}

  async load(clients: number, until: Date, step: (what: string) => void): Promise<LoadResult> {
    const admin = await this.admin();
    step('Generating the sample company');
    const company = generateSampleCompany({ clients, seed: DEMO_SEED, until });
    for (const s of company.staff) await this.staff.create({ name: s.name, email: s.email, role: s.role });
    const sampleDir = path.join(this.config.dataDir, 'sample');
    const files = writeSampleFiles(company, sampleDir);
    const reports: ImportReport[] = [];
    for (const [kind, file] of [
      [ImportKind.Clients, files.clients],
      [ImportKind.Purchases, files.purchases],
      [ImportKind.Preferences, files.preferences],
    ] as const) {
      step(`Importing ${path.basename(file)}`);
      const report = await this.imports.run({
        filePath: file,
        fileName: path.basename(file),
        kind,
        staffId: admin.member.id,
      });
      if (report.status !== 'completed' || report.failed > 0) {
        const first = report.errors[0];
        throw new Error(
          `The sample ${kind} import did not go through: ${report.status}, ${report.failed} rows failed` +
            (first ? ` (row ${first.row}: ${first.message})` : report.message ? ` (${report.message})` : ''),
        );
      }
      reports.push(report);
    }
    await this.setContactFacts(company, until);
    step('Classifying clients (A/B/C/VIP, stages)');
    await this.classification.updateSettings(
      { vipRule: { type: 'top-n', n: DEMO_VIP_TOP_N } },
      admin.member.id,
    );
    await this.classification.recompute();
    // A whole base arrived at once: statistics now, rather than when autovacuum gets to it.
    await this.dataSource.query(
      'ANALYZE clients, purchases, client_preferences, client_topic_subscriptions, stage_history',
    );
    return { admin, company, imports: reports, sampleDir };
  }

  /** The first admin (created as the first start creates it) and a key to print. */
  private async admin(): Promise<DemoAdmin> {
    const bootstrap = new BootstrapAdminService(this.dataSource, this.config, this.keys, this.passwordTokens);
    const created = await bootstrap.bootstrap();
    if (created?.generatedKey) {
      return { member: created.admin, key: created.generatedKey, keyFile: created.keyFile ?? null };
    }
    const [member] = await this.staff.list({ role: StaffRole.Admin, active: true });
    const issued = await this.keys.issue(member.id, 'Demo key');
    return { member, key: issued.key, keyFile: null };
  }

  /**
   * What the files do not carry: when each client's contact data was last confirmed, and whether the
   * phone is a mobile one (SMS goes only to those). One set-based update.
   */
  private async setContactFacts(company: SampleCompany, until: Date): Promise<void> {
    const c = company.clients;
    await this.dataSource.query(
      `UPDATE clients c
          SET contact_verified_at = $1::timestamptz - make_interval(days => v.days),
              phone_mobile = v.mobile
         FROM unnest($2::text[], $3::int[], $4::boolean[]) AS v(ref, days, mobile)
        WHERE c.external_ref = v.ref`,
      [until, c.map((x) => x.ref), c.map((x) => x.verifiedDaysAgo), c.map((x) => x.phoneMobile)],
    );
  }
}
