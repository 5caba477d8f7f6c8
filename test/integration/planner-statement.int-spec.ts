import { Category } from '@touchbase/clients';
import { Channel } from '@touchbase/core';
import { buildPlanStatement, DEFAULT_FREQUENCY_POLICY, PlannerService, PlanSpec } from '@touchbase/planning';
import { createCampaign } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { createDelivery, createTouch } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { archiveAllClients, days } from '../support/planning';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * The planning statement run by itself against PostgreSQL: what the planner service builds around it
 * (locks, chunks, passes for high priority) is left out, so each piece is seen on its own.
 */
describe('The planning statement against PostgreSQL', () => {
  let t: TestApp;
  const T = new Date('2026-11-02T07:00:00Z');
  const ALL = ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'] as const;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => archiveAllClients(t));

  /** What the planner reads for a run of a fresh campaign planned at T, with these overrides. */
  async function specFor(overrides: Partial<PlanSpec> = {}): Promise<PlanSpec> {
    const campaign = await createCampaign(t.dataSource);
    const run = await createRun(t.dataSource, campaign, T);
    const spec = await t.app.get(PlannerService).spec(run, campaign, T, t.dataSource.manager);
    return { ...spec, policy: DEFAULT_FREQUENCY_POLICY, ...overrides };
  }

  interface Row {
    client_id: string;
    channel: string | null;
    status: string;
    reason: string | null;
    counts_as_touch: boolean;
  }

  async function plan(
    spec: PlanSpec,
    range: readonly [string, string] = ALL,
    options: { resume?: boolean } = {},
  ): Promise<{
    counts: { status: string; channel: string | null; reason: string | null; n: number }[];
    rows: Map<string, Row>;
  }> {
    const { sql, params } = buildPlanStatement(spec, range[0], range[1], options);
    const counts = await t.dataSource.transaction((m) => m.query(sql, params));
    const rows: Row[] = await t.dataSource.query(
      `SELECT client_id, channel, status, reason, counts_as_touch FROM deliveries WHERE run_id = $1`,
      [spec.runId],
    );
    return { counts, rows: new Map(rows.map((r) => [r.client_id, r])) };
  }

  it('plans the clients of its chunk only: ids in (lo, hi]', async () => {
    const ids = (await Promise.all(Array.from({ length: 4 }, () => createClient(t.dataSource))))
      .map((c) => c.id)
      .sort();
    const { rows } = await plan(await specFor(), [ids[0], ids[2]]);
    expect([...rows.keys()].sort()).toEqual([ids[1], ids[2]]);
  });

  it('answers the counts of what it inserted, by status, channel and reason', async () => {
    const [, optedOut] = await Promise.all([createClient(t.dataSource), createClient(t.dataSource)]);
    await createClient(t.dataSource, { email: null });
    await t.dataSource.query(`UPDATE client_preferences SET opted_out = true WHERE client_id = $1`, [
      optedOut.id,
    ]);
    const { counts, rows } = await plan(await specFor());
    expect(rows.size).toBe(3);
    expect(counts).toEqual(
      expect.arrayContaining([
        { status: 'queued', channel: 'email', reason: null, n: 1 },
        { status: 'suppressed', channel: null, reason: 'opted-out', n: 1 },
        { status: 'suppressed', channel: null, reason: 'no-contact-data', n: 1 },
      ]),
    );
    expect(counts).toHaveLength(3);
  });

  it('binds a segment’s values after its own: only the segment’s clients are planned', async () => {
    const dealer = await createClient(t.dataSource, { tags: ['dealer'], categoryOverride: Category.Vip });
    await createClient(t.dataSource, { tags: ['retail'], categoryOverride: Category.Vip });
    await createClient(t.dataSource, { tags: ['dealer'], categoryOverride: Category.C });
    const spec = await specFor({
      // A category rule first (its own parameter), then the segment's.
      channelRules: [{ categories: [Category.Vip], channels: [Channel.Letter] }],
      segment: {
        all: [
          { field: 'tags', op: 'contains', value: 'dealer' },
          { field: 'category', op: 'in', value: [Category.Vip] },
        ],
      },
    });
    const { rows } = await plan(spec);
    expect([...rows.keys()]).toEqual([dealer.id]);
    expect(rows.get(dealer.id)).toMatchObject({ status: 'queued', channel: 'letter' });
  });

  it('takes a client’s channels from the first category rule that matches, else the campaign’s', async () => {
    const vip = await createClient(t.dataSource, { categoryOverride: Category.Vip });
    const a = await createClient(t.dataSource, { categoryOverride: Category.A });
    const c = await createClient(t.dataSource, { categoryOverride: Category.C });
    const spec = await specFor({
      channels: [Channel.Email],
      channelRules: [
        { categories: [Category.Vip], channels: [Channel.Letter] },
        { categories: [Category.Vip, Category.A], channels: [Channel.Sms] },
      ],
      // SMS without a sending window, so the chosen SMS goes out at once.
      policy: {
        ...DEFAULT_FREQUENCY_POLICY,
        sendingWindows: { ...DEFAULT_FREQUENCY_POLICY.sendingWindows, sms: null },
      },
    });
    const { rows } = await plan(spec);
    expect(rows.get(vip.id)?.channel).toBe('letter');
    expect(rows.get(a.id)?.channel).toBe('sms');
    expect(rows.get(c.id)?.channel).toBe('email');
  });

  it('resumes a half-planned run: the clients already planned are skipped, the others planned', async () => {
    const [first, second] = await Promise.all([createClient(t.dataSource), createClient(t.dataSource)]);
    const spec = await specFor();
    await createDelivery(t.dataSource, { id: spec.runId, campaignId: spec.campaignId }, first.id, {
      scheduledAt: T,
    });
    // Planned again from scratch, the chunk would meet the client already there.
    await expect(plan(spec)).rejects.toThrow(/duplicate key/);
    const { counts, rows } = await plan(spec, ALL, { resume: true });
    expect(counts).toEqual([{ status: 'queued', channel: 'email', reason: null, n: 1 }]);
    expect([...rows.keys()].sort()).toEqual([first.id, second.id].sort());
  });

  it('a service campaign reaches opted-out clients over full caps, and its deliveries are not touches', async () => {
    const client = await createClient(t.dataSource);
    await t.dataSource.query(`UPDATE client_preferences SET opted_out = true WHERE client_id = $1`, [
      client.id,
    ]);
    for (const d of [1, 2]) await createTouch(t.dataSource, client.id, new Date(T.getTime() - days(d)));
    const normal = await plan(await specFor());
    expect(normal.rows.get(client.id)).toMatchObject({ status: 'suppressed', reason: 'opted-out' });
    const service = await plan(await specFor({ service: true }));
    expect(service.rows.get(client.id)).toMatchObject({
      status: 'queued',
      channel: 'email',
      counts_as_touch: false,
    });
  });

  it('counts the touches of the cap windows around the sending time, and only touches', async () => {
    const full = await createClient(t.dataSource);
    const notTouched = await createClient(t.dataSource);
    // Two touches within seven days fill the 2-in-7-days cap; failed and non-counting ones do not.
    for (const d of [1, 3]) await createTouch(t.dataSource, full.id, new Date(T.getTime() - days(d)));
    await createTouch(t.dataSource, notTouched.id, new Date(T.getTime() - days(1)), { status: 'failed' });
    await createTouch(t.dataSource, notTouched.id, new Date(T.getTime() - days(2)), { countsAsTouch: false });
    await createTouch(t.dataSource, notTouched.id, new Date(T.getTime() - days(8)));
    const { rows } = await plan(await specFor());
    expect(rows.get(full.id)).toMatchObject({
      status: 'suppressed',
      reason: 'frequency-cap',
      channel: 'email',
    });
    expect(rows.get(notTouched.id)).toMatchObject({ status: 'queued', channel: 'email' });
  });
});
