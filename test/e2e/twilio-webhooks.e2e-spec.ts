import { AppConfig } from '@touchbase/config';
import { FINISH_SQL } from '@touchbase/runs';
import { WebhookEventsRetentionJob } from '@touchbase/sms';
import { createClient } from '../factories/client.factory';
import { archiveAllClients, planNow } from '../support/planning';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { TEST_TWILIO, twilioSignature } from '../support/twilio-standin';
import { deliveriesByClient, PUBLIC_URL, smsCampaign, twilioEnv } from './sms-support';

let seq = 0;
const sid = () => `SM${String(++seq).padStart(32, '0')}`;

/** Twilio's POST to one of our webhooks, signed for `signedUrl` (PUBLIC_URL + path by default). */
function post(t: TestApp, path: string, params: Record<string, string>, signedUrl = PUBLIC_URL + path) {
  return t
    .http()
    .post(path)
    .type('form')
    .set('X-Twilio-Signature', twilioSignature(TEST_TWILIO.authToken, signedUrl, params))
    .send(params);
}

function statusParams(messageSid: string, status: string, extra: Record<string, string> = {}) {
  return {
    AccountSid: TEST_TWILIO.accountSid,
    ApiVersion: '2010-04-01',
    From: '+15005550006',
    MessageSid: messageSid,
    MessageStatus: status,
    MessagingServiceSid: TEST_TWILIO.messagingServiceSid,
    SmsSid: messageSid,
    SmsStatus: status,
    To: '+79120000000',
    ...extra,
  };
}

function inboundParams(from: string, body: string, messageSid = sid()) {
  return {
    AccountSid: TEST_TWILIO.accountSid,
    ApiVersion: '2010-04-01',
    Body: body,
    From: from,
    MessageSid: messageSid,
    MessagingServiceSid: TEST_TWILIO.messagingServiceSid,
    NumMedia: '0',
    NumSegments: '1',
    SmsMessageSid: messageSid,
    SmsSid: messageSid,
    SmsStatus: 'received',
    To: '+15005550006',
  };
}

describe('Twilio webhooks', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ...twilioEnv(), THROTTLE_PUBLIC_PER_MINUTE: '1000' });
  });
  afterAll(() => t?.close());
  beforeEach(() => archiveAllClients(t));

  /** A run with one SMS per client, planned and then (by hand) sent: provider ids set. */
  async function sentDeliveries(n: number) {
    const campaign = await smsCampaign(t);
    const clients = await Promise.all(Array.from({ length: n }, () => createClient(t.dataSource)));
    const runId = await planNow(t, campaign);
    const rows = await deliveriesByClient(t, runId);
    const out = [];
    for (const c of clients) {
      const row = rows.get(c.id)!;
      const providerId = sid();
      await t.dataSource.query(
        `UPDATE deliveries SET status = 'sent', provider_id = $2, sent_at = now(), meta = '{"segments": 2}' WHERE id = $1`,
        [row.id, providerId],
      );
      out.push({ client: c, id: row.id, providerId, runId });
    }
    return out;
  }

  const delivery = async (id: string) =>
    (await t.dataSource.query(`SELECT * FROM deliveries WHERE id = $1`, [id]))[0] as Record<string, unknown>;
  const webhookEvents = async () =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM webhook_events`))[0].n as number;

  describe('status callbacks', () => {
    it('records delivered, and a repeated callback changes nothing', async () => {
      const [d] = await sentDeliveries(1);
      const path = `/webhooks/twilio/status?d=${d.id}`;
      await post(t, path, statusParams(d.providerId, 'sent')).expect(200);
      expect((await delivery(d.id)).status).toBe('sent');
      await post(t, path, statusParams(d.providerId, 'delivered')).expect(200);
      const after = await delivery(d.id);
      expect(after).toMatchObject({ status: 'delivered', provider_id: d.providerId });
      expect(after.delivered_at).toBeInstanceOf(Date);

      const events = await webhookEvents();
      await post(t, path, statusParams(d.providerId, 'delivered')).expect(200);
      expect(await delivery(d.id)).toEqual(after);
      expect(await webhookEvents()).toBe(events);
    });

    it('records failed and undelivered with the error code; a late report does not undo a final status', async () => {
      const [failed, undelivered] = await sentDeliveries(2);
      await post(
        t,
        '/webhooks/twilio/status',
        statusParams(failed.providerId, 'failed', { ErrorCode: '30008' }),
      ).expect(200);
      await post(
        t,
        '/webhooks/twilio/status',
        statusParams(undelivered.providerId, 'undelivered', { ErrorCode: '30005' }),
      ).expect(200);
      expect(await delivery(failed.id)).toMatchObject({ status: 'failed', reason: 'sms-failed' });
      expect((await delivery(failed.id)).error).toContain('30008');
      expect(await delivery(undelivered.id)).toMatchObject({ status: 'failed', reason: 'sms-undelivered' });
      expect((await delivery(undelivered.id)).error).toContain('30005');

      await post(t, '/webhooks/twilio/status', statusParams(failed.providerId, 'delivered')).expect(200);
      expect(await delivery(failed.id)).toMatchObject({ status: 'failed' });
    });

    it('blocks the client for SMS on 21610 in a callback', async () => {
      const [d] = await sentDeliveries(1);
      await post(
        t,
        '/webhooks/twilio/status',
        statusParams(d.providerId, 'undelivered', { ErrorCode: '21610' }),
      ).expect(200);
      expect(await delivery(d.id)).toMatchObject({ status: 'failed', reason: 'sms-blocked' });
      const [client] = await t.dataSource.query(
        `SELECT c.contact_flags, p.sms_allowed FROM clients c JOIN client_preferences p ON p.client_id = c.id WHERE c.id = $1`,
        [d.client.id],
      );
      expect(client).toEqual({ contact_flags: ['sms-blocked'], sms_allowed: false });
      const log = await t.dataSource.query(
        `SELECT actor_type, source, item FROM consent_log WHERE client_id = $1`,
        [d.client.id],
      );
      expect(log).toEqual([{ actor_type: 'system', source: 'sms', item: 'channel.sms' }]);
    });

    it('refuses a forged or missing signature with 403 and changes nothing', async () => {
      const [d] = await sentDeliveries(1);
      const before = await delivery(d.id);
      const events = await webhookEvents();
      const params = statusParams(d.providerId, 'delivered');
      await t
        .http()
        .post('/webhooks/twilio/status')
        .type('form')
        .set(
          'X-Twilio-Signature',
          twilioSignature('not-the-auth-token-000000000000', `${PUBLIC_URL}/webhooks/twilio/status`, params),
        )
        .send(params)
        .expect(403);
      await t.http().post('/webhooks/twilio/status').type('form').send(params).expect(403);
      // Signed, then tampered with.
      const signature = twilioSignature(
        TEST_TWILIO.authToken,
        `${PUBLIC_URL}/webhooks/twilio/status`,
        statusParams(d.providerId, 'sent'),
      );
      await t
        .http()
        .post('/webhooks/twilio/status')
        .type('form')
        .set('X-Twilio-Signature', signature)
        .send(params)
        .expect(403);
      // Signed for another delivery id in the URL.
      await post(
        t,
        `/webhooks/twilio/status?d=${d.id}`,
        params,
        `${PUBLIC_URL}/webhooks/twilio/status?d=1`,
      ).expect(403);
      expect(await delivery(d.id)).toEqual(before);
      expect(await webhookEvents()).toBe(events);
    });

    it('ignores an unknown MessageSid with 200', async () => {
      await post(t, '/webhooks/twilio/status', statusParams(sid(), 'delivered')).expect(200);
    });

    it('settles a delivery whose report beats the dispatcher, and the dispatcher then leaves it alone', async () => {
      const campaign = await smsCampaign(t);
      const client = await createClient(t.dataSource);
      const runId = await planNow(t, campaign);
      const row = (await deliveriesByClient(t, runId)).get(client.id)!;
      const token = '11111111-2222-3333-4444-555555555555';
      // In flight: claimed, provider id and meta not yet recorded.
      await t.dataSource.query(
        `UPDATE deliveries SET status = 'sending', claim_token = $2, locked_until = now() + interval '2 minutes',
                attempts = 1 WHERE id = $1`,
        [row.id, token],
      );
      const messageSid = sid();
      await post(t, `/webhooks/twilio/status?d=${row.id}`, statusParams(messageSid, 'delivered')).expect(200);
      const settled = await delivery(row.id);
      expect(settled).toMatchObject({
        status: 'delivered',
        provider_id: messageSid,
        claim_token: null,
        locked_until: null,
        meta: { encoding: 'UCS-2' },
      });
      // The segments the dispatcher would have recorded: the message rendered as dispatch renders it.
      const meta = settled.meta as { segments: number; costEstimate: number };
      expect(meta.segments).toBeGreaterThanOrEqual(2);
      expect(meta.costEstimate).toBe(meta.segments * 2.5);
      const [{ last_touch_at }] = await t.dataSource.query(
        `SELECT last_touch_at FROM clients WHERE id = $1`,
        [client.id],
      );
      expect(last_touch_at).toBeInstanceOf(Date);
      // The dispatcher's own bookkeeping for that batch comes later and does not overwrite it.
      await t.dataSource.query(FINISH_SQL, [
        [row.id],
        [token],
        ['sent'],
        [null],
        [null],
        [messageSid],
        [null],
        ['{}'],
      ]);
      expect(await delivery(row.id)).toMatchObject({ status: 'delivered', provider_id: messageSid });
    });
  });

  describe('behind a proxy', () => {
    it('verifies the signature Twilio made for the forwarded proto and host', async () => {
      const [d] = await sentDeliveries(1);
      const params = statusParams(d.providerId, 'delivered');
      const forwarded = `https://hooks.example.org/webhooks/twilio/status?d=${d.id}`;
      await t
        .http()
        .post(`/webhooks/twilio/status?d=${d.id}`)
        .type('form')
        .set('X-Forwarded-Proto', 'https')
        .set('X-Forwarded-Host', 'hooks.example.org')
        .set('X-Twilio-Signature', twilioSignature(TEST_TWILIO.authToken, forwarded, params))
        .send(params)
        .expect(200);
      expect((await delivery(d.id)).status).toBe('delivered');
    });

    it('verifies PUBLIC_URL + the original path and query whatever the proxy forwards', async () => {
      const [d] = await sentDeliveries(1);
      const params = statusParams(d.providerId, 'delivered');
      await post(
        t,
        `/webhooks/twilio/status?d=${d.id}`,
        params,
        `${PUBLIC_URL}/webhooks/twilio/status?d=${d.id}`,
      )
        .set('X-Forwarded-Proto', 'http')
        .set('X-Forwarded-Host', 'internal-lb:8080')
        .expect(200);
      expect((await delivery(d.id)).status).toBe('delivered');
    });

    it('does not believe forwarded headers from a proxy TRUST_PROXY does not trust', async () => {
      // Also: the webhooks' own rate limit is sized for delivery reports, not the portal's per-IP one.
      const untrusting = await createTestApp({
        ...twilioEnv(),
        TRUST_PROXY: 'false',
        THROTTLE_PUBLIC_PER_MINUTE: '2',
      });
      try {
        const params = statusParams(sid(), 'delivered');
        const forwarded = 'https://hooks.example.org/webhooks/twilio/status';
        for (let i = 0; i < 4; i++) {
          await untrusting
            .http()
            .post('/webhooks/twilio/status')
            .type('form')
            .set('X-Forwarded-Proto', 'https')
            .set('X-Forwarded-Host', 'hooks.example.org')
            .set('X-Twilio-Signature', twilioSignature(TEST_TWILIO.authToken, forwarded, params))
            .send(params)
            .expect(403);
        }
      } finally {
        await untrusting.close();
      }
    });
  });

  describe('inbound messages', () => {
    const prefs = async (clientId: string) =>
      (
        await t.dataSource.query(
          `SELECT c.contact_flags, p.sms_allowed FROM clients c JOIN client_preferences p ON p.client_id = c.id WHERE c.id = $1`,
          [clientId],
        )
      )[0] as { contact_flags: string[]; sms_allowed: boolean };
    const consentLog = (clientId: string) =>
      t.dataSource.query(
        `SELECT actor_type, source, item, old_value, new_value, user_agent FROM consent_log WHERE client_id = $1 ORDER BY id`,
        [clientId],
      );

    it('STOP turns SMS consent off (one consent-log row), answers empty TwiML, and the next run sends no SMS', async () => {
      const campaign = await smsCampaign(t);
      const client = await createClient(t.dataSource);
      const other = await createClient(t.dataSource);
      const res = await post(t, '/webhooks/twilio/inbound', inboundParams(client.phone!, ' stop ')).expect(
        200,
      );
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      expect(res.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
      expect((await prefs(client.id)).sms_allowed).toBe(false);
      expect(await consentLog(client.id)).toEqual([
        {
          actor_type: 'client',
          source: 'sms',
          item: 'channel.sms',
          old_value: true,
          new_value: false,
          user_agent: `SMS from ${client.phone}: "stop"`,
        },
      ]);
      // The same message again, and another STOP: no further change, no further row.
      const again = inboundParams(client.phone!, 'STOP');
      await post(t, '/webhooks/twilio/inbound', again).expect(200);
      await post(t, '/webhooks/twilio/inbound', again).expect(200);
      expect(await consentLog(client.id)).toHaveLength(1);

      const runId = await planNow(t, campaign);
      const rows = await deliveriesByClient(t, runId);
      expect(rows.get(client.id)).toMatchObject({ status: 'suppressed', reason: 'channel-not-allowed' });
      expect(rows.get(other.id)).toMatchObject({ status: 'queued' });
    });

    it('START turns it back on and lifts a 21610 block; the next run queues the SMS again', async () => {
      const campaign = await smsCampaign(t);
      const client = await createClient(t.dataSource);
      await post(t, '/webhooks/twilio/inbound', inboundParams(client.phone!, 'STOP')).expect(200);
      await t.dataSource.query(`UPDATE clients SET contact_flags = '{sms-blocked}' WHERE id = $1`, [
        client.id,
      ]);
      await post(t, '/webhooks/twilio/inbound', inboundParams(client.phone!, 'Start')).expect(200);
      expect(await prefs(client.id)).toEqual({ contact_flags: [], sms_allowed: true });
      const log = await consentLog(client.id);
      expect(log.map((l: { new_value: boolean }) => l.new_value)).toEqual([false, true]);

      const rows = await deliveriesByClient(t, await planNow(t, campaign));
      expect(rows.get(client.id)).toMatchObject({ status: 'queued', reason: null });
    });

    it('understands «СТОП» and «СТАРТ»', async () => {
      const client = await createClient(t.dataSource);
      await post(t, '/webhooks/twilio/inbound', inboundParams(client.phone!, 'СТОП')).expect(200);
      expect((await prefs(client.id)).sms_allowed).toBe(false);
      await post(t, '/webhooks/twilio/inbound', inboundParams(client.phone!, 'старт')).expect(200);
      expect((await prefs(client.id)).sms_allowed).toBe(true);
    });

    it('ignores other messages and unknown numbers; refuses unsigned ones', async () => {
      const client = await createClient(t.dataSource);
      await post(
        t,
        '/webhooks/twilio/inbound',
        inboundParams(client.phone!, 'Спасибо, stop не нужен'),
      ).expect(200);
      await post(t, '/webhooks/twilio/inbound', inboundParams('+79990001122', 'STOP')).expect(200);
      expect(await consentLog(client.id)).toEqual([]);
      await t
        .http()
        .post('/webhooks/twilio/inbound')
        .type('form')
        .send(inboundParams(client.phone!, 'STOP'))
        .expect(403);
      expect((await prefs(client.id)).sms_allowed).toBe(true);
    });
  });

  describe('cost of a run', () => {
    it('projects the cost of queued SMS from a sample and measures what was sent', async () => {
      const campaign = await smsCampaign(t);
      const clients = await Promise.all(Array.from({ length: 60 }, () => createClient(t.dataSource)));
      const runId = await planNow(t, campaign);
      const get = () =>
        t
          .http()
          .get(`/api/v1/runs/${runId}/sms`)
          .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
          .expect(200);

      const queued = (await get()).body;
      // Every message of this template is a few UCS-2 segments (a Cyrillic greeting and a portal link).
      expect(queued).toMatchObject({
        deliveries: 60,
        queued: 60,
        sent: 0,
        currency: 'RUB',
        costPerSegment: 2.5,
      });
      expect(queued.projected.messages).toBe(60);
      expect(queued.projected.sampled).toBeGreaterThan(10);
      expect(queued.projected.sampled).toBeLessThanOrEqual(50);
      expect(queued.projected.segmentsPerMessage).toBeGreaterThanOrEqual(2);
      expect(queued.projected.segmentsPerMessage).toBeLessThanOrEqual(5);
      expect(
        Math.abs(queued.projected.segments - queued.projected.segmentsPerMessage * 60),
      ).toBeLessThanOrEqual(1);
      expect(queued.segments).toBe(queued.projected.segments);
      expect(queued.estimatedCost).toBeCloseTo(queued.segments * 2.5, 2);
      expect(queued.estimated).toEqual(['segments', 'estimatedCost']);
      expect(queued.measured).toEqual({ messages: 0, segments: 0, cost: 0 });

      // Ten sent with 3 segments each, one of them since delivered.
      const rows = await deliveriesByClient(t, runId);
      const ids = clients.slice(0, 10).map((c) => rows.get(c.id)!.id);
      await t.dataSource.query(
        `UPDATE deliveries SET status = 'sent', provider_id = 'SM' || id, meta = '{"segments": 3}' WHERE id = ANY($1::bigint[])`,
        [ids],
      );
      await t.dataSource.query(`UPDATE deliveries SET status = 'delivered' WHERE id = $1`, [ids[0]]);
      const partly = (await get()).body;
      expect(partly).toMatchObject({
        queued: 50,
        sent: 10,
        delivered: 1,
        measured: { messages: 10, segments: 30, cost: 75 },
      });
      expect(partly.segments).toBe(30 + partly.projected.segments);
      expect(partly.estimated).toEqual(['segments', 'estimatedCost']);
    });

    it('answers 404 for an unknown run', async () => {
      await t
        .http()
        .get('/api/v1/runs/00000000-0000-4000-8000-000000000000/sms')
        .set('Authorization', `Bearer ${TEST_ADMIN_KEY}`)
        .expect(404);
    });
  });

  describe('retention of recorded callbacks', () => {
    it('deletes callbacks older than WEBHOOK_EVENTS_RETENTION_DAYS and keeps the rest', async () => {
      const job = new WebhookEventsRetentionJob(t.dataSource, t.app.get(AppConfig));
      const now = new Date('2026-11-20T12:00:00Z');
      await t.dataSource.query(
        `INSERT INTO webhook_events (provider, event_key, received_at) VALUES
           ('twilio', 'retention-old-1', $1::timestamptz - interval '31 days'),
           ('twilio', 'retention-old-2', $1::timestamptz - interval '90 days'),
           ('twilio', 'retention-edge', $1::timestamptz - interval '29 days 23 hours'),
           ('twilio', 'retention-new', $1::timestamptz - interval '1 hour')`,
        [now.toISOString()],
      );
      const keys = async () =>
        (
          await t.dataSource.query(
            `SELECT event_key FROM webhook_events WHERE event_key LIKE 'retention-%' ORDER BY event_key`,
          )
        ).map((r: { event_key: string }) => r.event_key);

      expect(await job.prune(now)).toBe(2);
      expect(await keys()).toEqual(['retention-edge', 'retention-new']);
      expect(await job.prune(now)).toBe(0);
    });
  });
});
