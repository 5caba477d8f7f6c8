import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Campaign, CampaignStatus } from '@touchbase/campaigns';
import { Environment } from '@touchbase/config';
import { StaffRole } from '@touchbase/core';
import { PlannerService } from '@touchbase/planning';
import { RunStatus } from '@touchbase/runs';
import { RuntimeModule, WorkerJobsModule } from '@touchbase/runtime';
import {
  SCHEDULER_INTERVAL_MS,
  SCHEDULER_TOLERANCE_MS,
  SchedulerJobsModule,
  SchedulerModule,
  SchedulerService,
  TickResult,
} from '@touchbase/scheduler';
import { SettingsModule } from '@touchbase/settings';
import { createCampaign, createEdition } from '../factories/campaign.factory';
import { createRun } from '../factories/run.factory';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TestApp } from '../support/test-app';
import { as, resetCampaigns } from './campaigns-support';

const HOUR = 3_600_000;
const NOV1 = new Date('2026-11-01T07:00:00Z'); // 1 November 2026, 10:00 in Moscow
const after = (at: Date, ms: number) => new Date(at.getTime() + ms);

/** A scheduler process without HTTP or timers: what a worker runs, minus the interval. */
@Module({})
class SchedulerInstanceModule {
  static register(env: Environment, databaseUrl: string, name: string): DynamicModule {
    return {
      module: SchedulerInstanceModule,
      imports: [
        RuntimeModule.forRoot({ env, databaseUrl, applicationName: name }),
        SettingsModule,
        SchedulerModule,
      ],
    };
  }
}

/** The scheduler's job module with its timers, as the worker has it. */
@Module({})
class SchedulerJobsInstanceModule {
  static register(env: Environment, databaseUrl: string, name: string): DynamicModule {
    return {
      module: SchedulerJobsInstanceModule,
      imports: [
        RuntimeModule.forRoot({ env, databaseUrl, applicationName: name }),
        SettingsModule,
        ScheduleModule.forRoot(),
        SchedulerJobsModule,
      ],
    };
  }
}

interface RunRow {
  id: string;
  period_key: string;
  status: string;
  message: string | null;
  trigger: string;
}

describe('Scheduler', () => {
  let t: TestApp;
  let scheduler: SchedulerService;
  let marketer: string;

  const active = (overrides: Partial<Campaign> = {}) =>
    createCampaign(t.dataSource, {
      status: CampaignStatus.Active,
      activatedAt: new Date('2026-10-15T00:00:00Z'),
      schedule: { type: 'monthly', day: 1, time: '10:00' },
      timeZone: 'Europe/Moscow',
      graceHours: 24,
      ...overrides,
    });
  const runsOf = (campaign: { id: string }): Promise<RunRow[]> =>
    t.dataSource.query(
      `SELECT id, period_key, status, message, trigger FROM runs WHERE campaign_id = $1 ORDER BY occurrence_at`,
      [campaign.id],
    );

  beforeAll(async () => {
    t = await createTestApp();
    scheduler = t.app.get(SchedulerService);
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
    for (let i = 0; i < 3; i++) await createClient(t.dataSource);
  });
  afterAll(() => t.close());
  beforeEach(() => resetCampaigns(t.dataSource));
  afterEach(() => jest.restoreAllMocks());

  it('turns a due occurrence into a planned run and hands it to the planner', async () => {
    const c = await active();
    expect((await scheduler.tick(after(NOV1, -60_000))).created).toEqual([]);

    const result = await scheduler.tick(after(NOV1, 30_000));
    expect(result.created).toEqual([
      expect.objectContaining({
        campaignId: c.id,
        campaignName: c.name,
        periodKey: '2026-11',
        status: 'planned',
      }),
    ]);
    expect(result.planned).toEqual([result.created[0].runId]);
    const [run] = await runsOf(c);
    expect(run).toMatchObject({ period_key: '2026-11', status: RunStatus.Dispatching, trigger: 'schedule' });
    const [{ audience, stats }] = await t.dataSource.query(`SELECT audience, stats FROM runs WHERE id = $1`, [
      run.id,
    ]);
    expect(audience).toBeGreaterThanOrEqual(3);
    expect(stats.byStatus.queued).toBeGreaterThanOrEqual(3);

    // Later ticks find nothing new.
    expect(await scheduler.tick(after(NOV1, 60_000))).toEqual({
      created: [],
      updated: [],
      planned: [],
      failed: [],
    });
    expect(await runsOf(c)).toHaveLength(1);
  });

  it('marks an occurrence first seen after its grace window missed, and never plans it', async () => {
    const c = await active({ graceHours: 24 });
    const plan = jest.spyOn(t.app.get(PlannerService), 'plan');
    const result = await scheduler.tick(after(NOV1, 24 * HOUR + SCHEDULER_TOLERANCE_MS + 60_000));
    expect(result.created).toEqual([expect.objectContaining({ periodKey: '2026-11', status: 'missed' })]);
    const [run] = await runsOf(c);
    expect(run.status).toBe('missed');
    expect(run.message).toMatch(
      /^missed: found at 2026-11-02 10:\d\d, after the 24 h grace window of the occurrence at 2026-11-01 10:00/,
    );
    expect(plan).not.toHaveBeenCalled();
  });

  it('runs an occurrence first seen late but within its grace window', async () => {
    const c = await active({ graceHours: 24 });
    const result = await scheduler.tick(after(NOV1, 23 * HOUR));
    expect(result.created).toEqual([expect.objectContaining({ periodKey: '2026-11', status: 'planned' })]);
    expect((await runsOf(c))[0].status).toBe(RunStatus.Dispatching);
  });

  it('a grace of 0 hours still runs an occurrence the tick finds a little late', async () => {
    const c = await active({ graceHours: 0 });
    await scheduler.tick(after(NOV1, 45_000));
    expect((await runsOf(c))[0].status).toBe(RunStatus.Dispatching);
  });

  it('never runs nor marks missed the occurrences before activation', async () => {
    const c = await active({ activatedAt: after(NOV1, HOUR) });
    expect((await scheduler.tick(after(NOV1, 2 * HOUR))).created).toEqual([]);
    expect((await scheduler.tick(after(NOV1, 40 * HOUR))).created).toEqual([]);
    const dec1 = new Date('2026-12-01T07:00:00Z');
    await scheduler.tick(after(dec1, 60_000));
    expect((await runsOf(c)).map((r) => [r.period_key, r.status])).toEqual([
      ['2026-12', RunStatus.Dispatching],
    ]);
  });

  it('catches up within the look-back: October is missed, November runs, September is too old', async () => {
    const c = await active({ activatedAt: new Date('2026-01-01T00:00:00Z') });
    await scheduler.tick(after(NOV1, 60_000));
    expect((await runsOf(c)).map((r) => [r.period_key, r.status])).toEqual([
      ['2026-10', 'missed'],
      ['2026-11', RunStatus.Dispatching],
    ]);
  });

  it('holds an occurrence without its edition, then plans it when the edition arrives within grace', async () => {
    const c = await active({ requiresEdition: true });
    const first = await scheduler.tick(after(NOV1, 60_000));
    expect(first.created).toEqual([
      expect.objectContaining({ periodKey: '2026-11', status: 'held', message: 'edition missing' }),
    ]);
    expect(first.planned).toEqual([]);
    // Still held, and still one run.
    expect((await scheduler.tick(after(NOV1, HOUR))).updated).toEqual([]);
    expect(await runsOf(c)).toEqual([
      expect.objectContaining({ status: 'held', message: 'edition missing' }),
    ]);

    await t
      .http()
      .put(`/api/v1/campaigns/${c.id}/editions/2026-11`)
      .set(as(marketer))
      .send({ subjectRu: 'Ноябрь', blocks: [{ type: 'paragraph', ru: 'Новости' }] })
      .expect(201);
    const released = await scheduler.tick(after(NOV1, 2 * HOUR));
    expect(released.updated).toEqual([
      expect.objectContaining({ periodKey: '2026-11', status: 'planned', message: null }),
    ]);
    expect(released.planned).toEqual([released.updated[0].runId]);
    expect(await runsOf(c)).toEqual([
      expect.objectContaining({ status: RunStatus.Dispatching, message: null }),
    ]);
  });

  it('a held run whose grace ends without an edition is missed', async () => {
    const c = await active({ requiresEdition: true, graceHours: 6 });
    await scheduler.tick(after(NOV1, 60_000));
    const result = await scheduler.tick(after(NOV1, 7 * HOUR));
    expect(result.updated).toEqual([expect.objectContaining({ periodKey: '2026-11', status: 'missed' })]);
    const [run] = await runsOf(c);
    expect(run).toMatchObject({
      status: 'missed',
      message: 'missed: edition missing at the end of the 6 h grace window',
    });
    // An edition arriving afterwards changes nothing.
    await createEdition(t.dataSource, c, '2026-11', { subjectRu: 'x' });
    await scheduler.tick(after(NOV1, 8 * HOUR));
    expect((await runsOf(c))[0].status).toBe('missed');
  });

  it('paused campaigns get no runs; their pending runs wait, then are missed past grace', async () => {
    const paused = await active({ status: CampaignStatus.Paused });
    expect((await scheduler.tick(after(NOV1, 60_000))).created).toEqual([]);
    const pending = await createRun(t.dataSource, paused, NOV1, '2026-11');
    expect((await scheduler.tick(after(NOV1, 2 * HOUR))).planned).toEqual([]);
    expect((await runsOf(paused))[0].status).toBe('planned');
    const late = await scheduler.tick(after(NOV1, 25 * HOUR + SCHEDULER_TOLERANCE_MS));
    expect(late.updated).toEqual([expect.objectContaining({ runId: pending.id, status: 'missed' })]);
    expect((await runsOf(paused))[0].message).toBe('missed: not planned within the 24 h grace window');
  });

  it('a planner failure marks that run failed; the others are still planned', async () => {
    const a = await active({ name: 'A first' });
    const b = await active({ name: 'B second', schedule: { type: 'monthly', day: 1, time: '10:05' } });
    const planner = t.app.get(PlannerService);
    const real = planner.plan.bind(planner);
    jest
      .spyOn(planner, 'plan')
      .mockImplementationOnce(() => Promise.reject(new Error('segment compile error')))
      .mockImplementation(real);
    const result = await scheduler.tick(after(NOV1, 10 * 60_000));
    expect(result.failed).toEqual([
      { runId: expect.any(String), message: 'planning failed: segment compile error' },
    ]);
    expect(result.planned).toHaveLength(1);
    expect((await runsOf(a))[0]).toMatchObject({
      status: 'failed',
      message: 'planning failed: segment compile error',
    });
    expect((await runsOf(b))[0].status).toBe(RunStatus.Dispatching);
  });

  it('the worker ticks every SCHEDULER_INTERVAL_MS', async () => {
    expect(SCHEDULER_INTERVAL_MS).toBe(30_000);
    expect(Reflect.getMetadata('imports', WorkerJobsModule)).toContain(SchedulerJobsModule);
    const worker = await NestFactory.createApplicationContext(
      SchedulerJobsInstanceModule.register(t.env, t.db.url, 'scheduler-jobs'),
      { logger: false },
    );
    await worker.init();
    try {
      expect(worker.get(SchedulerRegistry).getIntervals()).toEqual(['campaign-scheduler']);
    } finally {
      await worker.close();
    }
  });

  describe('with two scheduler instances on the same database', () => {
    let instances: INestApplicationContext[];

    beforeAll(async () => {
      instances = await Promise.all(
        ['a', 'b'].map((name) =>
          NestFactory.createApplicationContext(
            SchedulerInstanceModule.register(t.env, t.db.url, `scheduler-${name}`),
            {
              logger: false,
            },
          ),
        ),
      );
    });
    afterAll(() => Promise.all(instances.map((i) => i.close())));

    it('creates exactly one run per occurrence and plans each once, ticking concurrently', async () => {
      const now = new Date('2026-10-31T07:30:00Z'); // 31 October, 10:30 in Moscow
      const daily: Campaign[] = [];
      for (let i = 0; i < 6; i++) {
        daily.push(
          await active({
            schedule: { type: 'rrule', rrule: 'FREQ=DAILY', dtstart: '2026-10-01T10:00' },
            activatedAt: new Date('2026-10-20T00:00:00Z'),
            graceHours: 720,
          }),
        );
      }
      const held = await active({
        requiresEdition: true,
        schedule: { type: 'once', at: '2026-10-31T10:15' },
      });
      const missed = await active({ activatedAt: new Date('2026-09-20T00:00:00Z'), graceHours: 1 });

      const plans = instances.map((i) => jest.spyOn(i.get(PlannerService), 'plan'));
      const results: TickResult[] = await Promise.all(
        instances.flatMap((instance) =>
          Array.from({ length: 10 }, () => instance.get(SchedulerService).tick(now)),
        ),
      );

      const duplicates = await t.dataSource.query(
        `SELECT campaign_id, period_key, count(*)::int AS n FROM runs GROUP BY 1, 2 HAVING count(*) > 1`,
      );
      expect(duplicates).toEqual([]);
      const total: { n: number }[] = await t.dataSource.query(`SELECT count(*)::int AS n FROM runs`);
      // 20 … 31 October for each daily campaign, one occurrence for the other two.
      expect(total[0].n).toBe(6 * 12 + 2);
      for (const c of daily) {
        const runs = await runsOf(c);
        expect(runs.map((r) => r.period_key)).toEqual(
          Array.from({ length: 12 }, (_, i) => `2026-10-${String(20 + i).padStart(2, '0')}T10:00`),
        );
        // Planned: dispatching, or completed when the frequency caps suppressed every delivery.
        for (const r of runs) expect([RunStatus.Dispatching, RunStatus.Completed]).toContain(r.status);
      }
      expect((await runsOf(held)).map((r) => r.status)).toEqual(['held']);
      expect((await runsOf(missed)).map((r) => r.status)).toEqual(['missed']);

      // Each run was reported created once, and planned once, by one instance or the other.
      const created = results.flatMap((r) => r.created.map((c) => c.runId));
      expect(created).toHaveLength(total[0].n);
      expect(new Set(created).size).toBe(created.length);
      const planned = results.flatMap((r) => r.planned);
      expect(planned).toHaveLength(6 * 12);
      expect(new Set(planned).size).toBe(planned.length);
      const calls = plans.flatMap((p) => p.mock.calls.map(([runId]) => runId));
      expect(calls.sort()).toEqual([...planned].sort());
      expect(results.flatMap((r) => r.failed)).toEqual([]);
    });
  });
});
