import { jStat } from 'jstat';
import { Campaign, CampaignKind, Priority } from '@touchbase/campaigns';
import { Channel, StaffRole } from '@touchbase/core';
import { DEFAULT_FREQUENCY_POLICY, FrequencyPolicy } from '@touchbase/planning';
import { createCampaign } from '../factories/campaign.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { archiveAllClients, planAt, PlannedRow, setPolicy } from '../support/planning';
import { createTestApp, TestApp } from '../support/test-app';

// A Tuesday, 12:00 in Moscow: inside every default sending window.
const T = new Date('2026-12-01T09:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(T.getTime() + days * DAY);
const BASE = 10_000;

// Runs of many campaigns over the same clients within days: the caps stay out of the way here.
const NO_CAPS: FrequencyPolicy = {
  ...DEFAULT_FREQUENCY_POLICY,
  overall: [],
  perChannel: { email: [], sms: [], call: [], letter: [] },
};

const withReason = (rows: Map<string, PlannedRow>, reason: string) =>
  new Set([...rows.values()].filter((r) => r.reason === reason).map((r) => r.client_id));
const queued = (rows: Map<string, PlannedRow>) =>
  new Set([...rows.values()].filter((r) => r.status === 'queued').map((r) => r.client_id));

describe('Holdout groups', () => {
  let t: TestApp;
  let admin: string;
  let marketer: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  const loadClients = (n: number, prefix: string) =>
    t.dataSource.query(
      `INSERT INTO clients (external_ref, name, kind, email, locale, stage, stage_changed_at)
       SELECT $2 || i, 'Клиент ' || i, 'company', lower($2) || i || '@example.ru', 'ru', 'potential', now()
         FROM generate_series(1, $1::int) i`,
      [n, prefix],
    );

  beforeAll(async () => {
    t = await createTestApp();
    admin = (await createStaffWithKey(t.dataSource, StaffRole.Admin)).key;
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
    await archiveAllClients(t);
    await loadClients(BASE, 'H-');
    await setPolicy(t.dataSource, NO_CAPS);
  });
  afterAll(() => t.close());

  describe('a campaign holdout', () => {
    let tenth: Campaign;
    let heldTenth: Set<string>;

    it('holds out 10% of the audience, within 2 points, suppressed with reason holdout; the rest is queued', async () => {
      tenth = await createCampaign(t.dataSource, { holdoutShare: 0.1 });
      const rows = await planAt(t, tenth, T);
      expect(rows.size).toBe(BASE);
      heldTenth = withReason(rows, 'holdout');
      expect(heldTenth.size / BASE).toBeGreaterThanOrEqual(0.08);
      expect(heldTenth.size / BASE).toBeLessThanOrEqual(0.12);
      expect(
        [...rows.values()].filter((r) => r.reason === 'holdout').every((r) => r.status === 'suppressed'),
      ).toBe(true);
      expect(queued(rows).size).toBe(BASE - heldTenth.size);
    });

    it('holds out the very same clients on the next run and in a simulation', async () => {
      const again = await planAt(t, tenth, at(10));
      expect(withReason(again, 'holdout')).toEqual(heldTenth);

      const simulated = await t
        .http()
        .post('/api/v1/simulations')
        .set(as(marketer))
        .send({ from: at(19).toISOString(), to: at(21).toISOString(), campaignIds: [tenth.id] })
        .expect(200);
      // The campaign is due once: move it into the simulated range.
      expect(simulated.body.occurrences).toHaveLength(0);
      await t.dataSource.query(`UPDATE campaigns SET schedule = $2 WHERE id = $1`, [
        tenth.id,
        { type: 'once', at: at(20).toISOString() },
      ]);
      const res = await t
        .http()
        .post('/api/v1/simulations')
        .set(as(marketer))
        .send({ from: at(19).toISOString(), to: at(21).toISOString(), campaignIds: [tenth.id] })
        .expect(200);
      expect(res.body.occurrences).toHaveLength(1);
      expect(res.body.occurrences[0].suppressions.holdout).toBe(heldTenth.size);
      expect(res.body.occurrences[0].deliveries.email).toBe(BASE - heldTenth.size);
    });

    it('holds out 25% of another campaign, within 2 points: another set of clients', async () => {
      const quarter = await createCampaign(t.dataSource, { holdoutShare: 0.25 });
      const held = withReason(await planAt(t, quarter, at(30)), 'holdout');
      expect(held.size / BASE).toBeGreaterThanOrEqual(0.23);
      expect(held.size / BASE).toBeLessThanOrEqual(0.27);
      // Independent hashes: about a quarter of the first set, not all of it, is held out again.
      const both = [...heldTenth].filter((id) => held.has(id)).length;
      expect(both).toBeLessThan(heldTenth.size * 0.4);
      expect(both).toBeGreaterThan(heldTenth.size * 0.1);
    });

    it('decides the holdout before the caps: a held-out client takes no room and stays reachable', async () => {
      await setPolicy(t.dataSource, {
        ...NO_CAPS,
        overall: [{ maxTouches: 1, windowDays: 7 }],
      });
      try {
        const held = await createCampaign(t.dataSource, { holdoutShare: 0.1 });
        const first = await planAt(t, held, at(60));
        const heldOut = withReason(first, 'holdout');
        // Without room for a second touch this week, only the held-out clients can be reached next.
        const next = await planAt(t, await createCampaign(t.dataSource), at(61));
        expect(queued(next)).toEqual(heldOut);
        expect(withReason(next, 'frequency-cap').size).toBe(BASE - heldOut.size);
      } finally {
        await setPolicy(t.dataSource, NO_CAPS);
      }
    });

    it('says in words why a held-out client got nothing', async () => {
      const campaign = await createCampaign(t.dataSource, { holdoutShare: 0.1, name: 'Декабрьские новости' });
      const [held] = [...withReason(await planAt(t, campaign, at(90)), 'holdout')];
      const [run] = await t.dataSource.query(`SELECT id FROM runs WHERE campaign_id = $1`, [campaign.id]);
      const res = await t.http().get(`/api/v1/runs/${run.id}/explain/${held}`).set(as(marketer)).expect(200);
      expect(res.body.delivery).toMatchObject({ status: 'suppressed', reason: 'holdout' });
      expect(res.body.explanation).toContain('held out: the campaign keeps 10% of its audience untouched');
    });
  });

  describe('the campaign API', () => {
    const body = (fields: object) => ({
      name: `Holdout ${Math.random().toString(36).slice(2, 8)}`,
      kind: 'broadcast',
      topicKey: 'news',
      channels: ['email'],
      schedule: { type: 'monthly', day: 1, time: '10:00' },
      ...fields,
    });
    const create = (fields: object) =>
      t.http().post('/api/v1/campaigns').set(as(marketer)).send(body(fields));
    const problemsOf = (res: { body: { details?: { field: string; messages: string[] }[] } }) =>
      JSON.stringify(res.body);

    it('keeps the share, 0 by default, and shows it', async () => {
      const plain = await create({}).expect(201);
      expect(plain.body.holdoutShare).toBe(0);
      const held = await create({ holdoutShare: 0.15 }).expect(201);
      expect(held.body.holdoutShare).toBe(0.15);
      const changed = await t
        .http()
        .patch(`/api/v1/campaigns/${held.body.id}`)
        .set(as(marketer))
        .send({ holdoutShare: 0.5 })
        .expect(200);
      expect(changed.body.holdoutShare).toBe(0.5);
      const read = await t.http().get(`/api/v1/campaigns/${held.body.id}`).set(as(marketer)).expect(200);
      expect(read.body.holdoutShare).toBe(0.5);
    });

    it('refuses a share outside 0–0.5, not a number, or for service and must-send campaigns', async () => {
      for (const holdoutShare of [0.51, -0.1, 'a tenth', null]) {
        const res = await create({ holdoutShare }).expect(400);
        expect(problemsOf(res)).toContain('holdoutShare');
      }
      const service = await create({ kind: 'service', topicKey: undefined, holdoutShare: 0.1 }).expect(400);
      expect(problemsOf(service)).toContain('a service campaign reaches everyone it must');
      const mustSend = await create({ priority: 'must-send', holdoutShare: 0.1 }).expect(400);
      expect(problemsOf(mustSend)).toContain('a must-send campaign reaches everyone it can');
      const held = await create({ holdoutShare: 0.1 }).expect(201);
      const toMustSend = await t
        .http()
        .patch(`/api/v1/campaigns/${held.body.id}`)
        .set(as(marketer))
        .send({ priority: 'must-send' })
        .expect(400);
      expect(problemsOf(toMustSend)).toContain('holdoutShare');
    });
  });

  describe('the global control group', () => {
    const put = (key: string, body: object) => t.http().put('/api/v1/control-group').set(as(key)).send(body);
    let control: Set<string>;
    const promotional: string[] = [];

    afterAll(() => put(admin, { share: 0, includeCeoLetters: false }).expect(200));

    it('is off by default; admins set it, others may not, and bad values are refused', async () => {
      const off = await t.http().get('/api/v1/control-group').set(as(marketer)).expect(200);
      expect(off.body).toEqual({ share: 0, includeCeoLetters: false, members: 0, clients: BASE });
      await put(marketer, { share: 0.05, includeCeoLetters: false }).expect(403);
      for (const bad of [
        { share: 0.21, includeCeoLetters: false },
        { share: -0.01, includeCeoLetters: false },
        { share: '5%', includeCeoLetters: false },
        { share: 0.05 },
        { share: 0.05, includeCeoLetters: 'yes' },
      ]) {
        const res = await put(admin, bad).expect(400);
        expect(JSON.stringify(res.body)).toMatch(/share|includeCeoLetters/);
      }
      const on = await put(admin, { share: 0.05, includeCeoLetters: false }).expect(200);
      expect(on.body.share).toBe(0.05);
      expect(on.body.members / BASE).toBeGreaterThanOrEqual(0.03);
      expect(on.body.members / BASE).toBeLessThanOrEqual(0.07);
      // The same members on every read (the salt is generated once).
      const again = await t.http().get('/api/v1/control-group').set(as(marketer)).expect(200);
      expect(again.body.members).toBe(on.body.members);
    });

    it('never gives a control client a promotional touch, across runs of broadcast and plan campaigns', async () => {
      const broadcast = await createCampaign(t.dataSource, { holdoutShare: 0.1 });
      const plan = await createCampaign(t.dataSource, { kind: CampaignKind.Plan });
      const other = await createCampaign(t.dataSource);
      promotional.push(broadcast.id, plan.id, other.id);
      const runs = [
        await planAt(t, broadcast, at(100)),
        await planAt(t, plan, at(101)),
        await planAt(t, broadcast, at(110)),
        await planAt(t, other, at(111)),
      ];
      control = withReason(runs[0], 'control-group');
      const [{ members }] = await t.dataSource.query(
        `SELECT count(*)::int AS members FROM clients WHERE archived_at IS NULL`,
      );
      expect(members).toBe(BASE);
      const group = await t.http().get('/api/v1/control-group').set(as(marketer)).expect(200);
      expect(control.size).toBe(group.body.members);
      for (const rows of runs) {
        expect(withReason(rows, 'control-group')).toEqual(control);
        const touched = queued(rows);
        expect([...control].some((id) => touched.has(id))).toBe(false);
      }
      // A control client is never counted in the campaign's holdout either.
      expect([...withReason(runs[0], 'holdout')].some((id) => control.has(id))).toBe(false);

      const member = [...control][0];
      const seen = await t
        .http()
        .get(`/api/v1/control-group/members/${member}`)
        .set(as(marketer))
        .expect(200);
      expect(seen.body).toEqual({ clientId: member, member: true });
      const [run] = await t.dataSource.query(
        `SELECT run_id FROM deliveries WHERE client_id = $1 AND reason = 'control-group' LIMIT 1`,
        [member],
      );
      const why = await t
        .http()
        .get(`/api/v1/runs/${run.run_id}/explain/${member}`)
        .set(as(marketer))
        .expect(200);
      expect(why.body.explanation).toContain('the client is in the control group');
    });

    it('still gets service campaigns, and CEO letters unless they are configured to skip it', async () => {
      const service = await planAt(
        t,
        await createCampaign(t.dataSource, { kind: CampaignKind.Service, topicKey: 'service' }),
        at(120),
      );
      expect([...control].every((id) => service.get(id)?.status === 'queued')).toBe(true);

      const ceo = () =>
        createCampaign(t.dataSource, {
          kind: CampaignKind.CeoLetter,
          topicKey: 'company-letters',
          priority: Priority.MustSend,
          channels: [Channel.Email],
        });
      const reaches = await planAt(t, await ceo(), at(121));
      expect([...control].every((id) => reaches.get(id)?.status === 'queued')).toBe(true);

      await put(admin, { share: 0.05, includeCeoLetters: true }).expect(200);
      const skips = await planAt(t, await ceo(), at(130));
      expect(withReason(skips, 'control-group')).toEqual(control);
      expect([...control].some((id) => skips.get(id)?.status === 'queued')).toBe(false);
    });

    it('compares the control group with the touched clients in the report', async () => {
      // What the dispatcher would have done with the March runs: every queued delivery went out.
      await t.dataSource.query(
        `UPDATE deliveries SET status = 'sent', sent_at = scheduled_at WHERE campaign_id = ANY($1::uuid[]) AND status = 'queued'`,
        [promotional],
      );
      const res = await t
        .http()
        .get('/api/v1/reports/holdout')
        .query({ period: '2027-03' })
        .set(as(marketer))
        .expect(200);
      expect(res.body.summary).toMatchObject({
        group: 'control-group',
        campaignId: null,
        heldOut: control.size,
      });
      expect(res.body.summary.touched).toBe(BASE - control.size);
    });
  });

  describe('the holdout report', () => {
    let campaign: Campaign;
    let held: string[];
    let touched: string[];
    const occurrence = at(200);
    const report = (query: object) => t.http().get('/api/v1/reports/holdout').query(query).set(as(marketer));

    beforeAll(async () => {
      await archiveAllClients(t);
      await loadClients(300, 'R-');
      campaign = await createCampaign(t.dataSource, { holdoutShare: 0.3, name: 'Весенняя акция' });
      const rows = await planAt(t, campaign, occurrence);
      held = [...withReason(rows, 'holdout')].sort();
      touched = [...queued(rows)].sort();
      // What the dispatcher would have done: every queued delivery went out.
      await t.dataSource.query(
        `UPDATE deliveries SET status = 'sent', sent_at = scheduled_at WHERE campaign_id = $1 AND status = 'queued'`,
        [campaign.id],
      );
    });

    // Purchases of known amounts: the i-th touched client buys (i % 5) × 100 on day 3, the i-th held-out
    // (i % 4) × 60 on day 5; each also bought 999 before the run and 777 on day 40 (outside 30 days).
    const touchedAmount = (i: number) => (i % 5) * 100;
    const heldAmount = (i: number) => (i % 4) * 60;

    it('gives n, purchasers, revenue, the mean difference and Welch’s interval of the fixture', async () => {
      const buy = (ids: string[], amount: (i: number) => number, day: number) =>
        t.dataSource.query(
          `INSERT INTO purchases (client_id, purchased_at, amount, currency)
           SELECT x.id, $3::timestamptz, x.amount, 'RUB' FROM unnest($1::uuid[], $2::numeric[]) AS x(id, amount)
            WHERE x.amount > 0`,
          [ids, ids.map((_, i) => amount(i)), at(200 + day)],
        );
      await buy(touched, touchedAmount, 3);
      await buy(held, heldAmount, 5);
      await buy([...touched, ...held], () => 999, -1);
      await buy([...touched, ...held], () => 777, 40);

      const res = await report({ campaignId: campaign.id }).expect(200);
      // By hand: the two samples, their means and variances, Welch's degrees of freedom and interval.
      const a = touched.map((_, i) => touchedAmount(i));
      const b = held.map((_, i) => heldAmount(i));
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      const variance = (xs: number[]) => xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1);
      const sa = variance(a) / a.length;
      const sb = variance(b) / b.length;
      const df = (sa + sb) ** 2 / (sa ** 2 / (a.length - 1) + sb ** 2 / (b.length - 1));
      const half = jStat.studentt.inv(0.975, df) * Math.sqrt(sa + sb);
      const difference = mean(a) - mean(b);

      expect(res.body.summary).toMatchObject({
        campaignId: campaign.id,
        campaignName: 'Весенняя акция',
        group: 'campaign-holdout',
        days: 30,
        runs: 1,
        touched: touched.length,
        heldOut: held.length,
        verdict: 'touched-more',
      });
      expect(res.body.summary.difference).toBeCloseTo(difference, 3);
      expect(res.body.summary.ciLow).toBeCloseTo(difference - half, 3);
      expect(res.body.summary.ciHigh).toBeCloseTo(difference + half, 3);
      expect(res.body.summary.degreesOfFreedom).toBeCloseTo(df, 1);
      expect(res.body.summary.pValue).toBeLessThan(0.05);
      expect(res.body.summary.verdictEn).toMatch(
        /^touched clients bought more: \+\d+\.\d\d per client \(95% CI \+/,
      );
      expect(res.body.summary.verdictRu).toMatch(/^клиенты с касанием купили больше: \+\d+,\d\d на клиента/);
      const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
      expect(res.body.tables.groups).toEqual([
        {
          group: 'touched',
          clients: touched.length,
          purchasers: a.filter((x) => x > 0).length,
          revenue: sum(a),
          meanRevenue: Math.round(mean(a) * 1e4) / 1e4,
          stdDev: Math.round(Math.sqrt(variance(a)) * 1e4) / 1e4,
        },
        {
          group: 'held-out',
          clients: held.length,
          purchasers: b.filter((x) => x > 0).length,
          revenue: sum(b),
          meanRevenue: Math.round(mean(b) * 1e4) / 1e4,
          stdDev: Math.round(Math.sqrt(variance(b)) * 1e4) / 1e4,
        },
      ]);
      expect(res.body.tables.runs).toEqual([
        expect.objectContaining({ touched: touched.length, heldOut: held.length, campaignId: campaign.id }),
      ]);
    });

    it('counts purchases within the days given: 4 days see only the touched clients’ day-3 purchases', async () => {
      const res = await report({ campaignId: campaign.id, days: 4 }).expect(200);
      expect(res.body.tables.groups[1]).toMatchObject({ group: 'held-out', purchasers: 0, revenue: 0 });
      expect(res.body.summary.heldOutMean).toBe(0);
      // 45 days reach the day-40 purchases of 777: everyone bought them.
      const longer = await report({ campaignId: campaign.id, days: 45 }).expect(200);
      expect(longer.body.tables.groups[0].purchasers).toBe(touched.length);
    });

    it('answers as CSV', async () => {
      const res = await report({ campaignId: campaign.id, format: 'csv', table: 'groups' }).expect(200);
      expect(res.headers['content-type']).toContain('text/csv');
      const lines = res.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n');
      expect(lines[0]).toBe('group,clients,purchasers,revenue,meanRevenue,stdDev');
      expect(lines[1]).toMatch(new RegExp(`^touched,${touched.length},`));
      expect(lines[2]).toMatch(new RegExp(`^held-out,${held.length},`));
    });

    it('says too few clients to tell below the minimum per group', async () => {
      const small = await createCampaign(t.dataSource, { holdoutShare: 0.05 });
      await planAt(t, small, at(210));
      const res = await report({ campaignId: small.id }).expect(200);
      expect(res.body.summary.heldOut).toBeLessThan(30);
      expect(res.body.summary.verdict).toBe('too-few');
      expect(res.body.summary.verdictEn).toMatch(/^too few clients to tell/);
    });

    it('refuses bad input with 400 and an unknown campaign with 404', async () => {
      for (const query of [
        { campaignId: 'abc' },
        { days: 0 },
        { days: 366 },
        { days: 'x' },
        { period: '2026-13' },
      ]) {
        const res = await report(query).expect(400);
        expect(JSON.stringify(res.body)).toMatch(/campaignId|days|period/);
      }
      await report({ campaignId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    });
  });
});
