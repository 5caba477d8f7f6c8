import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CampaignKind, CampaignStatus, PlaybookService, PLAYBOOK_PROGRAMS } from '@touchbase/campaigns';
import { ApiModule } from '../../apps/api/src/api.module';
import { createCampaign } from '../factories/campaign.factory';
import { createTestApp, TestApp } from '../support/test-app';

describe('Playbook programs', () => {
  let t: TestApp;

  /** Another API process on the same database, started and stopped. */
  async function startAnotherApi(): Promise<void> {
    const app: INestApplication = await NestFactory.create(
      ApiModule.register({ env: t.env, databaseUrl: t.db.url }),
      {
        logger: false,
      },
    );
    await app.init();
    await app.close();
  }

  const programs = (): Promise<{ playbook_key: string; status: string; activated_at: Date | null }[]> =>
    t.dataSource.query(
      `SELECT playbook_key, status, activated_at FROM campaigns WHERE playbook_key IS NOT NULL`,
    );
  const playbookSegments = async (): Promise<string[]> =>
    (
      await t.dataSource.query(
        `SELECT name FROM segments WHERE name IN ('VIP clients', 'Lapsed clients', 'Contact data not verified for a year')
          ORDER BY name`,
      )
    ).map((s: { name: string }) => s.name);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('the first start proposes the six programs, inactive', async () => {
    const rows = await programs();
    expect(rows).toHaveLength(6);
    expect(rows.map((r) => r.playbook_key).sort()).toEqual(PLAYBOOK_PROGRAMS.map((p) => p.key).sort());
    expect(rows.every((r) => r.status === 'draft' && r.activated_at === null)).toBe(true);
    expect(await playbookSegments()).toEqual([
      'Contact data not verified for a year',
      'Lapsed clients',
      'VIP clients',
    ]);
  });

  it('starting again, and replicas starting together, still leave six programs and one of each segment', async () => {
    await startAnotherApi();
    expect(await programs()).toHaveLength(6);
    // From scratch, with three replicas starting at once.
    await t.dataSource.query(`DELETE FROM campaigns WHERE playbook_key IS NOT NULL`);
    await t.dataSource.query(`DELETE FROM segments`);
    await Promise.all([startAnotherApi(), startAnotherApi(), startAnotherApi()]);
    expect(await programs()).toHaveLength(6);
    expect(await playbookSegments()).toEqual([
      'Contact data not verified for a year',
      'Lapsed clients',
      'VIP clients',
    ]);
    const seeded = await Promise.all([1, 2, 3].map(() => t.app.get(PlaybookService).seed()));
    expect(seeded.flatMap((r) => r.created)).toEqual([]);
  });

  it('a marketer’s changes survive a restart, and an existing segment of that name is reused', async () => {
    await t.dataSource.query(
      `UPDATE campaigns SET name = 'Наши новости', status = 'paused' WHERE playbook_key = 'monthly-broadcast'`,
    );
    await startAnotherApi();
    const [row] = await t.dataSource.query(
      `SELECT name, status FROM campaigns WHERE playbook_key = 'monthly-broadcast'`,
    );
    expect(row).toEqual({ name: 'Наши новости', status: 'paused' });
    expect(await programs()).toHaveLength(6);
  });

  it('a name taken by a person’s campaign skips the program rather than failing the start', async () => {
    await t.dataSource.query(`DELETE FROM campaigns WHERE playbook_key = 'win-back'`);
    await createCampaign(t.dataSource, {
      name: 'Win-back of lapsed clients',
      kind: CampaignKind.Plan,
      status: CampaignStatus.Draft,
      topicKey: 'promotions',
      schedule: { type: 'quarterly', time: '10:00' },
      timeZone: 'UTC',
    });
    const result = await t.app.get(PlaybookService).seed();
    expect(result).toEqual({ created: [], skipped: ['Win-back of lapsed clients'] });
    expect(await programs()).toHaveLength(5);
  });
});
