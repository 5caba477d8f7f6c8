import { SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';
import { DataSource } from 'typeorm';
import { isMobilePhone } from '../contact-normalizer';

const BATCH = 5_000;

interface PhoneTypesOptions {
  all?: boolean;
}

/**
 * Fills `clients.phone_mobile` (may the number take SMS?) for clients whose phone has no type yet —
 * stored before types were recorded — or, with --all, re-derives it for every phone (after a
 * libphonenumber update). Keyset batches of 5,000, one UPDATE each; safe to interrupt and re-run.
 */
@Command({
  name: 'clients:phone-types',
  description:
    'Record for each client phone whether it is mobile (takes SMS); only phones without a type unless --all',
})
export class PhoneTypesCommand extends CommandRunner {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async run(_: string[], options: PhoneTypesOptions): Promise<void> {
    const onlyMissing = !options.all;
    const filter = `phone IS NOT NULL${onlyMissing ? ' AND phone_mobile IS NULL' : ''}`;
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM clients WHERE ${filter}`);
    const bar = new SingleBar({
      format: 'Phone types [{bar}] {percentage}% | {value}/{total} phones',
      hideCursor: true,
      noTTYOutput: false,
    });
    if (process.stdout.isTTY && n > 0) bar.start(n, 0);
    let after = '00000000-0000-0000-0000-000000000000';
    const totals = { checked: 0, mobile: 0, landline: 0, changed: 0 };
    for (;;) {
      const rows: { id: string; phone: string }[] = await this.dataSource.query(
        `SELECT id, phone FROM clients WHERE ${filter} AND id > $1 ORDER BY id LIMIT ${BATCH}`,
        [after],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1].id;
      const mobile = rows.map((r) => isMobilePhone(r.phone));
      const [changed] = await this.dataSource.query(
        `WITH typed AS (SELECT * FROM unnest($1::uuid[], $2::boolean[]) AS t (id, mobile)),
              updated AS (
                UPDATE clients c SET phone_mobile = t.mobile, updated_at = now()
                  FROM typed t
                 WHERE c.id = t.id AND c.phone_mobile IS DISTINCT FROM t.mobile
                RETURNING 1)
         SELECT count(*)::int AS n FROM updated`,
        [rows.map((r) => r.id), mobile],
      );
      totals.checked += rows.length;
      totals.mobile += mobile.filter(Boolean).length;
      totals.landline += mobile.filter((m) => !m).length;
      totals.changed += changed.n;
      if (process.stdout.isTTY) bar.update(totals.checked);
    }
    bar.stop();
    process.stdout.write(
      `Phones checked: ${totals.checked} (mobile ${totals.mobile}, landline ${totals.landline}); ` +
        `types changed: ${totals.changed}\n`,
    );
  }

  @Option({ flags: '--all', description: 'Re-derive the type of every phone, not only of those without one' })
  parseAll(): boolean {
    return true;
  }
}

export const CLIENT_COMMANDS = [PhoneTypesCommand];
