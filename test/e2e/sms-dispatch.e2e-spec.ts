import { SmsDriver } from '@touchbase/sms';
import { createClient } from '../factories/client.factory';
import { archiveAllClients, planNow } from '../support/planning';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { RecordedRequest, TEST_TWILIO, TwilioStandIn } from '../support/twilio-standin';
import {
  deliveriesByClient,
  PUBLIC_URL,
  smsCampaign,
  twilioEnv,
  waitForRunDispatched,
  waitForRunStatus,
} from './sms-support';

const RATE_PER_SECOND = 10;

/** Segments of a UCS-2 text, counted here independently of the code under test. */
function ucs2Segments(text: string): number {
  return text.length <= 70 ? 1 : Math.ceil(text.length / 67);
}

function deliveryIdOf(r: RecordedRequest): string {
  return new URL(r.params.StatusCallback).searchParams.get('d')!;
}

describe('SMS dispatch through the real twilio client to a Twilio stand-in', () => {
  let t: TestApp;
  const standIn = new TwilioStandIn({ ...TEST_TWILIO, latencyMs: 5 });

  beforeAll(async () => {
    await standIn.start();
    t = await createTestApp(
      {
        ...twilioEnv(standIn.url),
        SMS_CONCURRENCY: '4',
        SMS_RATE_PER_SECOND: String(RATE_PER_SECOND),
        DISPATCH_RETRY_BASE_MS: '20',
        DISPATCH_POLL_MS: '100',
      },
      { withWorker: true },
    );
  });
  afterAll(async () => {
    await t?.close();
    await standIn.stop();
  });
  beforeEach(async () => {
    await archiveAllClients(t);
    standIn.configure({
      rateLimitFirst: 0,
      rateLimitEvery: 0,
      retryAfterSeconds: undefined,
      errorsByRecipient: {},
    });
    standIn.reset();
  });

  it('sends each queued delivery of a run exactly once, Cyrillic intact, segments and cost recorded', async () => {
    const campaign = await smsCampaign(t);
    const clients = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => createClient(t.dataSource, { name: `ООО «Ромашка ${i}»` })),
    );
    const noSms = await createClient(t.dataSource, { name: 'Без SMS' });
    await t.dataSource.query(`UPDATE client_preferences SET sms_allowed = false WHERE client_id = $1`, [
      noSms.id,
    ]);

    const runId = await planNow(t, campaign);
    await waitForRunDispatched(t, runId);
    const rows = await deliveriesByClient(t, runId);
    expect(rows.get(noSms.id)).toMatchObject({ status: 'suppressed', reason: 'channel-not-allowed' });

    const sent = standIn.sent;
    expect(sent).toHaveLength(clients.length);
    expect(standIn.requests.every((r) => r.authorized)).toBe(true);
    for (const client of clients) {
      const row = rows.get(client.id)!;
      expect(row).toMatchObject({ status: 'sent', attempts: 1 });
      const mine = sent.filter((r) => deliveryIdOf(r) === row.id);
      expect(mine).toHaveLength(1);
      const [request] = mine;
      expect(request.params).toMatchObject({
        To: client.phone,
        MessagingServiceSid: TEST_TWILIO.messagingServiceSid,
        StatusCallback: `${PUBLIC_URL}/webhooks/twilio/status?d=${row.id}`,
      });
      expect(request.params.Body).toMatch(
        new RegExp(`^Здравствуйте, ООО «Ромашка \\d»! Новости месяца уже на сайте, настройки: https://`),
      );
      expect(request.params.Body).toContain(client.name);
      expect(row.provider_id).toBe(request.sid);
      expect(row.provider_id).toMatch(/^SM[0-9a-f]{32}$/);
      const segments = ucs2Segments(request.params.Body);
      expect(segments).toBeGreaterThan(1);
      expect(row.meta).toEqual({ segments, encoding: 'UCS-2', costEstimate: segments * 2.5 });
    }
    await waitForRunStatus(t, runId, 'completed');

    // The run's cost: everything measured now, nothing projected.
    const cost = await t
      .http()
      .get(`/api/v1/runs/${runId}/sms`)
      .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
      .expect(200);
    const total = [...rows.values()].reduce((a, r) => a + (r.status === 'sent' ? r.meta.segments! : 0), 0);
    expect(cost.body).toMatchObject({
      deliveries: 5,
      queued: 0,
      sent: 5,
      delivered: 0,
      failed: 0,
      segments: total,
      estimatedCost: total * 2.5,
      currency: 'RUB',
      measured: { messages: 5, segments: total, cost: total * 2.5 },
      projected: { messages: 0, sampled: 0, segments: 0 },
      estimated: [],
    });
  });

  it('backs off on Twilio 429 (Retry-After) and sends everything once the limit lifts', async () => {
    const campaign = await smsCampaign(t);
    const clients = await Promise.all([1, 2, 3].map(() => createClient(t.dataSource)));
    standIn.configure({ rateLimitFirst: 3, retryAfterSeconds: 1 });

    const runId = await planNow(t, campaign);
    await waitForRunDispatched(t, runId);
    const rows = await deliveriesByClient(t, runId);

    const limited = standIn.requests.filter((r) => r.status === 429);
    expect(limited).toHaveLength(3);
    expect(limited.every((r) => r.errorCode === 20429)).toBe(true);
    const sent = standIn.sent;
    expect(sent).toHaveLength(3);
    for (const c of clients) {
      const row = rows.get(c.id)!;
      expect(row.status).toBe('sent');
      expect(sent.filter((r) => deliveryIdOf(r) === row.id)).toHaveLength(1);
    }
    // Retry-After: 1 was honoured: nothing went out again within the second after the last 429.
    const last429 = Math.max(...limited.map((r) => r.at));
    expect(Math.min(...sent.map((r) => r.at))).toBeGreaterThanOrEqual(last429 + 950);
    expect([...rows.values()].filter((r) => r.status === 'sent').map((r) => r.attempts)).toContain(2);
  });

  it('fails on 21610 and blocks the client for SMS for good; 21211 fails that message only', async () => {
    const campaign = await smsCampaign(t);
    const stopped = await createClient(t.dataSource);
    const invalid = await createClient(t.dataSource);
    const fine = await createClient(t.dataSource);
    standIn.configure({ errorsByRecipient: { [stopped.phone!]: 21610, [invalid.phone!]: 21211 } });

    const runId = await planNow(t, campaign);
    await waitForRunDispatched(t, runId);
    const rows = await deliveriesByClient(t, runId);
    expect(rows.get(fine.id)).toMatchObject({ status: 'sent' });
    expect(rows.get(stopped.id)).toMatchObject({ status: 'failed', reason: 'sms-blocked', attempts: 1 });
    expect(rows.get(stopped.id)!.error).toContain('21610');
    expect(rows.get(invalid.id)).toMatchObject({ status: 'failed', reason: 'sms-rejected', attempts: 1 });
    expect(rows.get(invalid.id)!.error).toMatch(/21211.*not a valid phone number/);

    const [flags] = await t.dataSource.query(
      `SELECT c.contact_flags, p.sms_allowed FROM clients c JOIN client_preferences p ON p.client_id = c.id WHERE c.id = $1`,
      [stopped.id],
    );
    expect(flags).toEqual({ contact_flags: ['sms-blocked'], sms_allowed: false });
    const log = await t.dataSource.query(
      `SELECT actor_type, source, item, old_value, new_value, user_agent FROM consent_log WHERE client_id = $1`,
      [stopped.id],
    );
    expect(log).toEqual([
      expect.objectContaining({
        actor_type: 'system',
        source: 'sms',
        item: 'channel.sms',
        old_value: true,
        new_value: false,
      }),
    ]);
    expect(log[0].user_agent).toContain('21610');
    const [untouched] = await t.dataSource.query(
      `SELECT c.contact_flags, p.sms_allowed FROM clients c JOIN client_preferences p ON p.client_id = c.id WHERE c.id = $1`,
      [invalid.id],
    );
    expect(untouched).toEqual({ contact_flags: [], sms_allowed: true });

    // The next run: no SMS for the blocked client, the others get theirs.
    standIn.reset();
    standIn.configure({ errorsByRecipient: {} });
    const next = await planNow(t, campaign);
    const planned = await deliveriesByClient(t, next);
    expect(planned.get(stopped.id)!.status).toBe('suppressed');
    expect(['channel-not-allowed', 'no-contact-data']).toContain(planned.get(stopped.id)!.reason);
    await waitForRunDispatched(t, next);
    expect(standIn.sent.map((r) => r.params.To).sort()).toEqual([invalid.phone, fine.phone].sort());
  });

  it(`never starts more than SMS_RATE_PER_SECOND (${RATE_PER_SECOND}) sends in any second`, async () => {
    const campaign = await smsCampaign(t);
    const count = 25;
    for (let i = 0; i < count; i++) await createClient(t.dataSource);
    // When each send starts (the driver is called right after the rate limiter lets it go).
    const driver = t.app.get(SmsDriver);
    const starts: number[] = [];
    const send = driver.send.bind(driver);
    jest.spyOn(driver, 'send').mockImplementation((message) => {
      starts.push(Date.now());
      return send(message);
    });

    const runId = await planNow(t, campaign);
    await waitForRunDispatched(t, runId);
    jest.restoreAllMocks();
    expect(standIn.sent).toHaveLength(count);
    expect(starts).toHaveLength(count);
    // Any R + 1 consecutive starts span a full second or more: no second holds more than R.
    starts.sort((a, b) => a - b);
    for (let i = 0; i + RATE_PER_SECOND < starts.length; i++) {
      expect(starts[i + RATE_PER_SECOND] - starts[i]).toBeGreaterThanOrEqual(1000);
    }
    // And the limit was the bottleneck: 25 at 10 a second take two seconds at least.
    expect(starts.at(-1)! - starts[0]).toBeGreaterThanOrEqual(2000);
  });
});
