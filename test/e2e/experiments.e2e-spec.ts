import { Channel } from '@touchbase/core';
import { DispatcherService } from '@touchbase/dispatch';
import { ExperimentsService } from '@touchbase/experiments';
import { ShortLinksService } from '@touchbase/links';
import { PlannerService } from '@touchbase/planning';
import { RunStatus } from '@touchbase/runs';
import { Client } from '@touchbase/clients';
import { createClient, createPurchase } from '../factories/client.factory';
import { createRun } from '../factories/run.factory';
import { planNow, TEST_EDITION } from '../support/planning';
import { TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { as, fieldsOf } from './campaigns-support';
import { drain, emailAppPerSuite, emailCampaign, PUBLIC_URL } from './email-support';

const SHORT = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/r/([0-9A-Za-z]{10})`, 'g');
const codesIn = (text: string) => [...new Set([...text.matchAll(SHORT)].map((m) => m[1]))];
const admin = as(TEST_ADMIN_KEY);
const HOUR = 3_600_000;

const SUBJECT_A = 'Вариант A: {{edition.subject}}';
const SUBJECT_B = 'Вариант B: скидка 10% до пятницы';
const OFFER_B = 'Предложение B: доставка бесплатно';

interface VariantRow {
  id: string;
  client_id: string;
  status: string;
  reason: string | null;
  variant: string | null;
  due_at: Date;
}

const variantsOf = (t: TestApp, runId: string): Promise<VariantRow[]> =>
  t.dataSource.query(
    `SELECT id::text, client_id, status, reason, variant, due_at FROM deliveries WHERE run_id = $1 ORDER BY id`,
    [runId],
  );

/** Dispatches the run until only the held rest (if any) is left queued. */
async function drainTest(t: TestApp, runId: string): Promise<VariantRow[]> {
  const dispatcher = t.app.get(DispatcherService);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const claimed = await dispatcher.dispatchOnce(Channel.Email);
    const rows = await variantsOf(t, runId);
    const open = rows.filter(
      (r) => (r.status === 'queued' && r.variant !== 'pending') || r.status === 'sending',
    );
    if (open.length === 0) return rows;
    if (Date.now() > deadline) throw new Error(`Run ${runId} still sends ${open.length} deliveries`);
    if (claimed === 0) await new Promise((r) => setTimeout(r, 25));
  }
}

/** The end of a run's test window as the API tells it (live while testing). */
async function windowEndOf(t: TestApp, runId: string): Promise<Date> {
  const res = await t.http().get(`/api/v1/runs/${runId}/experiment`).set(admin).expect(200);
  return new Date(res.body.windowEndsAt as string);
}

/** The run's status once its completion bookkeeping (beside the dispatcher's next batch) is done. */
async function settledStatus(t: TestApp, runId: string): Promise<string> {
  const status = async () =>
    ((await t.dataSource.query(`SELECT status FROM runs WHERE id = $1`, [runId])) as { status: string }[])[0]
      .status;
  const deadline = Date.now() + 10_000;
  while ((await status()) !== RunStatus.Completed && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
  }
  return status();
}

describe('A/B tests: variants of subject and content, the winner after the window, the rest (e2e)', () => {
  const suite = emailAppPerSuite();
  const t = () => suite.t;

  beforeAll(async () => {
    // Variant B's own content: another email template.
    for (const locale of ['ru', 'en']) {
      await t()
        .http()
        .post('/api/v1/templates')
        .set(admin)
        .send({
          name: 'ab-offer-b',
          channel: 'email',
          locale,
          subject: '{{edition.subject}}',
          body: `<p>${OFFER_B}</p><p><a href="https://shop.example/b">Каталог</a></p>`,
        })
        .expect(201);
    }
  });

  const defineFor = (campaignId: string, body: object) =>
    t().http().put(`/api/v1/campaigns/${campaignId}/experiment`).set(admin).send(body);

  const twoVariants = (overrides: Record<string, unknown> = {}) => ({
    variants: [
      { key: 'A', name: 'Новости в теме', share: 0.5, subjectRu: SUBJECT_A },
      {
        key: 'B',
        name: 'Скидка в теме',
        share: 0.5,
        subjectRu: SUBJECT_B,
        templates: { email: 'ab-offer-b' },
      },
    ],
    testShare: 0.5,
    metric: 'clicks',
    windowHours: 4,
    ...overrides,
  });

  async function clients(n: number): Promise<Client[]> {
    const out: Client[] = [];
    for (let i = 0; i < n; i++) out.push(await createClient(t().dataSource, { name: `ООО «Тест ${i}»` }));
    return out;
  }

  it('B gets more clicks: after the window B wins, significantly, and the rest receive B', async () => {
    const audience = await clients(60);
    const campaign = await emailCampaign(t());
    const defined = await defineFor(campaign.id, twoVariants()).expect(200);
    expect(defined.body).toMatchObject({ campaignId: campaign.id, testShare: 0.5, metric: 'clicks' });

    const runId = await planNow(t(), campaign, { edition: {} });
    const planned = await variantsOf(t(), runId);
    expect(planned).toHaveLength(60);
    const held = planned.filter((r) => r.variant === 'pending');
    const test = planned.filter((r) => r.variant === 'A' || r.variant === 'B');
    expect(held.length + test.length).toBe(60);
    expect(held.length).toBeGreaterThan(0);
    expect(test.filter((r) => r.variant === 'A').length).toBeGreaterThan(0);
    expect(test.filter((r) => r.variant === 'B').length).toBeGreaterThan(0);
    // The rest is held until the window's planned end…
    const [{ window_ends_at: plannedEnd }] = await t().dataSource.query(
      `SELECT window_ends_at FROM experiment_runs WHERE run_id = $1`,
      [runId],
    );
    for (const r of held) expect(r.due_at.getTime()).toBe(plannedEnd.getTime());
    // …and never claimed before the winner is chosen, even once due.
    await t().dataSource.query(
      `UPDATE deliveries SET due_at = now() - interval '1 hour' WHERE run_id = $1 AND variant = 'pending'`,
      [runId],
    );

    const afterTest = await drainTest(t(), runId);
    expect(afterTest.filter((r) => r.status === 'sent')).toHaveLength(test.length);
    expect(afterTest.filter((r) => r.variant === 'pending' && r.status === 'queued')).toHaveLength(
      held.length,
    );
    expect(suite.sink.messages).toHaveLength(test.length);
    // Sent a minute ago: the clicks below are people's, not a link scanner's right after the sending.
    await t().dataSource.query(
      `UPDATE deliveries SET sent_at = sent_at - interval '1 minute' WHERE run_id = $1 AND sent_at IS NOT NULL`,
      [runId],
    );
    // The window runs from the last test delivery's sending.
    const windowEnd = await windowEndOf(t(), runId);
    const [{ last_sent: lastSent }] = await t().dataSource.query(
      `SELECT max(sent_at) AS last_sent FROM deliveries WHERE run_id = $1 AND variant <> 'pending'`,
      [runId],
    );
    expect(windowEnd.getTime()).toBe(lastSent.getTime() + 4 * HOUR);

    const byClient = new Map(audience.map((c) => [c.id, c]));
    const variantOf = new Map(test.map((r) => [r.client_id, r.variant!]));
    for (const [clientId, variant] of variantOf) {
      const [message] = suite.sink.to(byClient.get(clientId)!.email!);
      if (variant === 'A') {
        expect(message.subject).toBe(`Вариант A: ${TEST_EDITION.subjectRu}`);
        expect(message.html).not.toContain(OFFER_B);
      } else {
        expect(message.subject).toBe(SUBJECT_B);
        expect(message.html).toContain(OFFER_B);
      }
    }

    // Every B client clicks; one A client does.
    let clickedA = 0;
    for (const [clientId, variant] of variantOf) {
      if (variant === 'A' && clickedA > 0) continue;
      if (variant === 'A') clickedA += 1;
      const [message] = suite.sink.to(byClient.get(clientId)!.email!);
      const [code] = codesIn(message.html);
      await t().http().get(`/r/${code}`).redirects(0).expect(302);
    }
    await t().app.get(ShortLinksService).flushClicks();
    const nA = test.filter((r) => r.variant === 'A').length;
    const nB = test.filter((r) => r.variant === 'B').length;

    const testing = await t().http().get(`/api/v1/runs/${runId}/experiment`).set(admin).expect(200);
    expect(testing.body).toMatchObject({
      status: 'testing',
      winner: null,
      held: held.length,
      testUnsent: 0,
      windowEndsAt: windowEnd.toISOString(),
    });
    expect(testing.body.variants.map((v: { key: string; clicked: number }) => [v.key, v.clicked])).toEqual([
      ['A', 1],
      ['B', nB],
    ]);

    // Nothing is decided before the window's end.
    const experiments = t().app.get(ExperimentsService);
    expect(await experiments.decideDue(new Date(windowEnd.getTime() - 60_000))).toEqual([]);
    // Two workers at the window's end: one decides.
    const after = new Date(windowEnd.getTime() + 60_000);
    const [one, two] = await Promise.all([experiments.decideDue(after), experiments.decideDue(after)]);
    expect([...one, ...two]).toEqual([{ runId, winner: 'B', status: 'rest-sent', restCount: held.length }]);
    expect(await experiments.decideDue(after)).toEqual([]);

    const rows = await drain(t(), runId);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(suite.sink.messages).toHaveLength(60);
    for (const r of held) {
      const [message] = suite.sink.to(byClient.get(r.client_id)!.email!);
      expect(message.subject).toBe(SUBJECT_B);
      expect(message.html).toContain(OFFER_B);
    }
    const final = await variantsOf(t(), runId);
    expect(final.filter((r) => r.variant === 'B')).toHaveLength(nB + held.length);

    const decided = await t().http().get(`/api/v1/runs/${runId}/experiment`).set(admin).expect(200);
    expect(decided.body).toMatchObject({
      status: 'rest-sent',
      winner: 'B',
      winnerBasis: 'significant',
      significant: true,
      held: 0,
      restCount: held.length,
      windowEndsAt: windowEnd.toISOString(),
    });
    expect(decided.body.pValue).toBeLessThan(0.05);
    const [a, b] = decided.body.variants;
    expect(a).toMatchObject({ key: 'A', assigned: nA, reached: nA, clicked: 1, clickRate: 1 / nA });
    expect(b).toMatchObject({ key: 'B', assigned: nB, reached: nB, clicked: nB, clickRate: 1, pValue: null });
    expect(a.pValue).toBe(decided.body.pValue);
    expect(await settledStatus(t(), runId)).toBe(RunStatus.Completed);
  });

  it('without sendWinnerToRest the rest is cancelled with its reason; revenue decides (A sells more)', async () => {
    await clients(40);
    const campaign = await emailCampaign(t());
    await defineFor(campaign.id, twoVariants({ metric: 'revenue', sendWinnerToRest: false })).expect(200);
    const runId = await planNow(t(), campaign, { edition: {} });
    const rows = await drainTest(t(), runId);
    const test = rows.filter((r) => r.variant === 'A' || r.variant === 'B');
    const held = rows.filter((r) => r.variant === 'pending');
    expect(held.length).toBeGreaterThan(0);
    // A's clients buy after their touch; one of B's does, for less; a purchase after the window is not counted.
    const soon = new Date(Date.now() + 60_000);
    const windowEnd = await windowEndOf(t(), runId);
    const aRows = test.filter((r) => r.variant === 'A');
    const bRows = test.filter((r) => r.variant === 'B');
    for (const [i, r] of aRows.entries())
      await createPurchase(t().dataSource, r.client_id, 1000 + 100 * i, soon);
    await createPurchase(t().dataSource, bRows[0].client_id, 500, soon);
    await createPurchase(t().dataSource, bRows[0].client_id, 99_999, new Date(windowEnd.getTime() + HOUR));

    const decided = await t()
      .app.get(ExperimentsService)
      .decideDue(new Date(windowEnd.getTime() + 1));
    expect(decided).toEqual([{ runId, winner: 'A', status: 'rest-cancelled', restCount: held.length }]);
    const final = await variantsOf(t(), runId);
    const cancelled = final.filter((r) => r.status === 'cancelled');
    expect(cancelled.map((r) => r.id).sort()).toEqual(held.map((r) => r.id).sort());
    expect(cancelled.every((r) => r.reason === 'experiment-rest-not-sent')).toBe(true);
    expect(suite.sink.messages).toHaveLength(test.length);
    expect(await settledStatus(t(), runId)).toBe(RunStatus.Completed);

    const res = await t().http().get(`/api/v1/runs/${runId}/experiment`).set(admin).expect(200);
    expect(res.body).toMatchObject({ status: 'rest-cancelled', winner: 'A', restCount: held.length });
    const revenueA = aRows.reduce((sum, _, i) => sum + 1000 + 100 * i, 0);
    expect(res.body.variants[0]).toMatchObject({
      key: 'A',
      reached: aRows.length,
      buyers: aRows.length,
      revenue: revenueA,
      revenuePerClient: revenueA / aRows.length,
    });
    expect(res.body.variants[1]).toMatchObject({ key: 'B', buyers: 1, revenue: 500 });
  });

  it('the window counts from the sending: no decision while a test delivery is unsent, nor before the window after the last one sent', async () => {
    await clients(12);
    const campaign = await emailCampaign(t());
    await defineFor(campaign.id, twoVariants({ windowHours: 2 })).expect(200);
    const runId = await planNow(t(), campaign, { edition: {} });
    const [{ test_started_at: startedAt, window_ends_at: plannedEnd }] = await t().dataSource.query(
      `SELECT test_started_at, window_ends_at FROM experiment_runs WHERE run_id = $1`,
      [runId],
    );
    expect(plannedEnd.getTime()).toBe(startedAt.getTime() + 2 * HOUR);
    const planned = await variantsOf(t(), runId);
    const test = planned.filter((r) => r.variant === 'A' || r.variant === 'B');
    expect(test.length).toBeGreaterThan(0);
    const experiments = t().app.get(ExperimentsService);

    // Planned window over, the test not sent yet (the dispatcher was behind): no decision.
    const res = await t().http().get(`/api/v1/runs/${runId}/experiment`).set(admin).expect(200);
    expect(res.body).toMatchObject({ status: 'testing', testUnsent: test.length });
    expect(await experiments.decideDue(new Date(plannedEnd.getTime() + 10 * HOUR))).toEqual([]);

    // The test goes out three hours after planning; one delivery even later.
    await drainTest(t(), runId);
    const sentAt = new Date(startedAt.getTime() + 3 * HOUR);
    const lastAt = new Date(startedAt.getTime() + 3 * HOUR + 20 * 60_000);
    await t().dataSource.query(
      `UPDATE deliveries SET sent_at = $2 WHERE run_id = $1 AND variant IN ('A', 'B')`,
      [runId, sentAt],
    );
    await t().dataSource.query(`UPDATE deliveries SET sent_at = $2 WHERE id = $1`, [test[0].id, lastAt]);
    const end = new Date(lastAt.getTime() + 2 * HOUR);
    expect((await windowEndOf(t(), runId)).toISOString()).toBe(end.toISOString());
    const sending = await t().http().get(`/api/v1/runs/${runId}/experiment`).set(admin).expect(200);
    expect(sending.body.testUnsent).toBe(0);

    // Past the planned end, past the window after the first sendings: still waiting for the last one's.
    expect(await experiments.decideDue(new Date(plannedEnd.getTime() + 60_000))).toEqual([]);
    expect(await experiments.decideDue(new Date(sentAt.getTime() + 2 * HOUR + 60_000))).toEqual([]);
    expect(await experiments.decideDue(new Date(end.getTime() - 1000))).toEqual([]);
    const decided = await experiments.decideDue(new Date(end.getTime() + 1000));
    expect(decided).toEqual([expect.objectContaining({ runId, status: 'rest-sent' })]);
    const [{ window_ends_at: recorded }] = await t().dataSource.query(
      `SELECT window_ends_at FROM experiment_runs WHERE run_id = $1`,
      [runId],
    );
    expect(recorded.toISOString()).toBe(end.toISOString());
    await drain(t(), runId);
  });

  it('the split follows the shares on thousands of clients, and stays the same when the run is planned again', async () => {
    await t().dataSource.query(
      `INSERT INTO clients (external_ref, name, kind, email, locale, stage, stage_changed_at)
       SELECT 'AB-' || i || '-' || md5(random()::text), 'Клиент ' || i, 'company',
              'ab' || i || '-' || substr(md5(random()::text), 1, 6) || '@example.ru', 'ru', 'potential', now()
         FROM generate_series(1, 4000) i`,
    );
    const campaign = await emailCampaign(t());
    await defineFor(campaign.id, {
      variants: [
        { key: 'A', name: 'A', share: 0.2 },
        { key: 'B', name: 'B', share: 0.3 },
        { key: 'C', name: 'C', share: 0.5 },
      ],
      testShare: 0.4,
      metric: 'clicks',
      windowHours: 12,
    }).expect(200);
    // Planned for tomorrow: nothing falls due while the test looks.
    const now = new Date(Date.now() + 24 * HOUR);
    const runId = await planNow(t(), campaign, { now, edition: {} });
    const first = await variantsOf(t(), runId);
    expect(first).toHaveLength(4000);
    const count = (rows: VariantRow[], v: string) => rows.filter((r) => r.variant === v).length;
    // Each count within four standard deviations of a binomial draw.
    const expectShare = (v: string, p: number) => {
      const sd = Math.sqrt(4000 * p * (1 - p));
      expect(Math.abs(count(first, v) - 4000 * p)).toBeLessThan(4 * sd);
    };
    expectShare('pending', 0.6);
    expectShare('A', 0.4 * 0.2);
    expectShare('B', 0.4 * 0.3);
    expectShare('C', 0.4 * 0.5);

    await t().dataSource.query(`UPDATE deliveries SET variant = NULL WHERE run_id = $1`, [runId]);
    await t().app.get(PlannerService).plan(runId, { now });
    const again = new Map((await variantsOf(t(), runId)).map((r) => [r.id, r.variant]));
    expect(first.every((r) => again.get(r.id) === r.variant)).toBe(true);
  });

  it('a campaign without an A/B test sends as before: no variants, no held rest, no results', async () => {
    const client = await createClient(t().dataSource);
    const campaign = await emailCampaign(t());
    const runId = await planNow(t(), campaign, { edition: {} });
    const rows = await drain(t(), runId);
    expect(rows.map((r) => r.status)).toEqual(['sent']);
    expect((await variantsOf(t(), runId)).map((r) => r.variant)).toEqual([null]);
    const [message] = suite.sink.to(client.email!);
    expect(message.subject).toBe(TEST_EDITION.subjectRu);
    await t().http().get(`/api/v1/runs/${runId}/experiment`).set(admin).expect(404);
    await t().http().get(`/api/v1/campaigns/${campaign.id}/experiment`).set(admin).expect(404);
  });

  it('a run of its own: its test overrides the campaign’s, set only before it is planned', async () => {
    await clients(10);
    const campaign = await emailCampaign(t());
    await defineFor(campaign.id, twoVariants()).expect(200);
    const run = await createRun(
      t().dataSource,
      campaign,
      new Date(Date.now() + 24 * HOUR),
      `own-${Date.now()}`,
    );
    await t()
      .http()
      .put(`/api/v1/runs/${run.id}/experiment`)
      .set(admin)
      .send(twoVariants({ testShare: 1 }))
      .expect(200);
    await t().app.get(PlannerService).plan(run.id, { now: run.occurrenceAt });
    const rows = await variantsOf(t(), run.id);
    expect(rows.some((r) => r.variant === 'pending')).toBe(false);
    expect(rows.every((r) => r.variant === 'A' || r.variant === 'B')).toBe(true);
    const res = await t()
      .http()
      .put(`/api/v1/runs/${run.id}/experiment`)
      .set(admin)
      .send(twoVariants())
      .expect(409);
    expect(res.body.message).toContain('before it is planned');
    // A plain split: decided at the window's end (from the sending), nothing to send after.
    await t().dataSource.query(
      `UPDATE deliveries SET status = 'sent', sent_at = $2 WHERE run_id = $1 AND status = 'queued'`,
      [run.id, run.occurrenceAt],
    );
    const end = await windowEndOf(t(), run.id);
    expect(end.getTime()).toBe(run.occurrenceAt.getTime() + 4 * HOUR);
    const decided = await t()
      .app.get(ExperimentsService)
      .decideDue(new Date(end.getTime() + 1));
    expect(decided).toEqual([expect.objectContaining({ runId: run.id, status: 'decided', restCount: 0 })]);
    await t().dataSource.query(`UPDATE runs SET status = 'cancelled' WHERE id = $1`, [run.id]);
  });

  it('bad definitions are refused with 400s naming what is wrong; nothing is saved', async () => {
    const campaign = await emailCampaign(t(), { deadlineHours: 24 });
    const bad = async (body: object) => fieldsOf((await defineFor(campaign.id, body).expect(400)).body);
    const [a, b] = twoVariants().variants;

    expect(await bad(twoVariants({ variants: [a, { ...b, share: 0.4 }] }))).toEqual({
      variants: "the variants' shares must add up to 1 (they add up to 0.9)",
    });
    expect(Object.keys(await bad(twoVariants({ variants: [a] })))).toEqual(['variants']);
    const six = ['A', 'B', 'C', 'D', 'E', 'E'].map((key) => ({ key, name: key, share: 1 / 6 }));
    expect(Object.keys(await bad(twoVariants({ variants: six })))).toContain('variants');
    expect(
      await bad(
        twoVariants({
          variants: [
            { ...b, key: 'B' },
            { ...a, key: 'A' },
          ],
        }),
      ),
    ).toEqual({
      'variants.0.key': 'variant 1 must be A',
      'variants.1.key': 'variant 2 must be B',
    });
    expect(await bad(twoVariants({ variants: [a, { ...b, templates: { email: 'vip-call' } }] }))).toEqual({
      'variants.1.templates.email': 'no email template is named "vip-call" (in any locale)',
    });
    expect(
      await bad(twoVariants({ variants: [a, { ...b, templates: { sms: 'monthly-broadcast' } }] })),
    ).toEqual({
      'variants.1.templates.sms': 'the campaign does not send by sms (it uses email)',
    });
    expect(Object.keys(await bad(twoVariants({ variants: [a, { ...b, subjectRu: '{{#if}}' }] })))).toEqual([
      'variants.1.subjectRu',
    ]);
    expect(await bad(twoVariants({ windowHours: 24 }))).toEqual({
      windowHours:
        "the test window must be shorter than the campaign's deadline (24 hours), so that the rest of the audience still gets the winner in time",
    });
    expect(Object.keys(await bad(twoVariants({ metric: 'opens' })))).toEqual(['metric']);
    expect(Object.keys(await bad(twoVariants({ testShare: 0 })))).toEqual(['testShare']);
    expect(Object.keys(await bad(twoVariants({ testShare: 1.5 })))).toEqual(['testShare']);
    expect(Object.keys(await bad(twoVariants({ windowHours: 2.5 })))).toEqual(['windowHours']);
    expect(Object.keys(await bad(twoVariants({ whenNotSignificant: 'coin' })))).toEqual([
      'whenNotSignificant',
    ]);
    expect(Object.keys(await bad(twoVariants({ variants: [a, { ...b, share: -1 }] })))).toContain(
      'variants.1.share',
    );

    await t().http().get(`/api/v1/campaigns/${campaign.id}/experiment`).set(admin).expect(404);
    await defineFor('00000000-0000-0000-0000-000000000000', twoVariants()).expect(404);
    await defineFor('not-a-uuid', twoVariants()).expect(400);
    // A window just under the deadline is fine; a plain split may take as long as it likes.
    await defineFor(campaign.id, twoVariants({ windowHours: 23 })).expect(200);
    await defineFor(campaign.id, twoVariants({ testShare: 1, windowHours: 48 })).expect(200);
    await t().http().delete(`/api/v1/campaigns/${campaign.id}/experiment`).set(admin).expect(204);
    await t().http().delete(`/api/v1/campaigns/${campaign.id}/experiment`).set(admin).expect(404);
  });
});
