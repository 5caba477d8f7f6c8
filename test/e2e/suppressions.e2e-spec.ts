import { Channel } from '@touchbase/core';
import { InboundBounceProcessor, InboundVia } from '@touchbase/deliverability';
import { SmsConsentService } from '@touchbase/sms';
import { createClient } from '../factories/client.factory';
import { bounceFixture } from '../support/bounce-fixtures';
import { archiveAllClients, planNow } from '../support/planning';
import { SmtpSink } from '../support/smtp-sink';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { TEST_TWILIO, TwilioStandIn } from '../support/twilio-standin';
import { deliveriesByClient, smsCampaign, twilioEnv, waitForRunDispatched } from './sms-support';
import { createEmailApp, DeliveryRow, drain, emailCampaign } from './email-support';

const BOUNCE_DOMAIN = 'bounce.alfa.example';
const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };

/**
 * The suppression list: fed by hard bounces, complaints and STOP, kept by hand and by import, and
 * honoured by the planner and the dispatcher's send-time re-check (a real worker, a real SMTP sink).
 */
describe('Suppression list', () => {
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createEmailApp(sink, { BOUNCE_DOMAIN, EMAIL_HARD_BOUNCE_LIMIT: '1' });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });
  beforeEach(async () => {
    sink.reset();
    await archiveAllClients(t);
  });

  const suppress = (channel: string, address: string, note?: string) =>
    t.http().post('/api/v1/suppressions').set(admin).send({ channel, address, note });
  const active = async (channel: string, address: string) =>
    t.dataSource.query(
      `SELECT reason, source, note FROM suppressions WHERE channel = $1 AND address = $2 AND removed_at IS NULL`,
      [channel, address],
    );
  const sendOne = async () => {
    const client = await createClient(t.dataSource);
    const runId = await planNow(t, await emailCampaign(t), { edition: {} });
    const delivery = (await drain(t, runId)).find((d) => d.client_id === client.id)!;
    expect(delivery.status).toBe('sent');
    const received = sink.messages.find((m) => m.envelopeTo[0] === client.email)!;
    return { client, delivery, verp: received.envelopeFrom, messageId: `<${delivery.provider_id}>` };
  };

  it('never plans a suppressed email address (reason suppression-list) and sends to the rest', async () => {
    const blocked = await createClient(t.dataSource, { email: `blocked-${Date.now()}@example.com` });
    const other = await createClient(t.dataSource);
    const added = await suppress('email', blocked.email!.toUpperCase(), 'asked by phone').expect(201);
    expect(added.body).toMatchObject({
      channel: 'email',
      address: blocked.email!.toLowerCase(),
      reason: 'manual',
      note: 'asked by phone',
      removedAt: null,
    });
    const rows = new Map(
      (await drain(t, await planNow(t, await emailCampaign(t), { edition: {} }))).map((r) => [
        r.client_id,
        r,
      ]),
    );
    expect(rows.get(blocked.id)).toMatchObject({ status: 'suppressed', reason: 'suppression-list' });
    expect(rows.get(other.id)).toMatchObject({ status: 'sent' });
    expect(sink.attempts(blocked.email!)).toBe(0);
  });

  it('does not send an address suppressed after planning: cancelled by the send-time re-check', async () => {
    const late = await createClient(t.dataSource);
    const other = await createClient(t.dataSource);
    const runId = await planNow(t, await emailCampaign(t), {
      edition: {},
      now: new Date(Date.now() + 60_000),
    });
    const planned = await t.dataSource.query(
      `SELECT status FROM deliveries WHERE run_id = $1 AND client_id = $2`,
      [runId, late.id],
    );
    expect(planned).toEqual([{ status: 'queued' }]);
    await suppress('email', late.email!).expect(201);
    await t.dataSource.query(`UPDATE deliveries SET due_at = now() WHERE run_id = $1`, [runId]);
    const rows = new Map((await drain(t, runId)).map((r: DeliveryRow) => [r.client_id, r]));
    expect(rows.get(late.id)).toMatchObject({ status: 'cancelled', reason: 'suppression-list' });
    expect(rows.get(other.id)).toMatchObject({ status: 'sent' });
    expect(sink.attempts(late.email!)).toBe(0);
  });

  it('never plans SMS to a suppressed number (written as staff type it)', async () => {
    const client = await createClient(t.dataSource, { phone: '+79127770011', phoneMobile: true });
    await suppress('sms', '8 (912) 777-00-11').expect(201);
    expect(await active('sms', '+79127770011')).toEqual([expect.objectContaining({ reason: 'manual' })]);
    const smsOnly = await planNow(
      t,
      await emailCampaign(t, { channels: [Channel.Sms], templates: { sms: 'monthly-broadcast' } }),
      {
        edition: {},
        now: new Date(Date.now() + 60_000),
      },
    );
    const [row] = await t.dataSource.query(
      `SELECT status, reason FROM deliveries WHERE run_id = $1 AND client_id = $2`,
      [smsOnly, client.id],
    );
    expect(row).toEqual({ status: 'suppressed', reason: 'suppression-list' });
  });

  /** What comes back for a sent message: the fixture, addressed to it, through the IMAP path. */
  const receive = (fixture: string, sent: Awaited<ReturnType<typeof sendOne>>) =>
    t.app.get(InboundBounceProcessor).process(
      bounceFixture(fixture, {
        verp: sent.verp,
        recipient: sent.client.email!,
        messageId: sent.messageId,
        bounceDomain: BOUNCE_DOMAIN,
      }),
      { via: InboundVia.Imap },
    );

  it('an inbound hard bounce (at the limit) and an ARF complaint put the address on the list', async () => {
    const bounced = await sendOne();
    await receive('postfix-hard-5.1.1.eml', bounced);
    expect(await active('email', bounced.client.email!.toLowerCase())).toEqual([
      expect.objectContaining({ reason: 'hard-bounce' }),
    ]);

    sink.reset();
    const complained = await sendOne();
    await receive('arf-rfc5965.eml', complained);
    expect(await active('email', complained.client.email!.toLowerCase())).toEqual([
      expect.objectContaining({ reason: 'complaint', source: `delivery ${complained.delivery.id}` }),
    ]);
  });

  it('Twilio 21610 and the STOP keyword suppress the number; START lifts it', async () => {
    const blocked = await createClient(t.dataSource, { phone: '+79127770022' });
    const consent = t.app.get(SmsConsentService, { strict: false });
    await consent.block(blocked.id, 'Twilio 21610 on delivery 1: unsubscribed recipient');
    expect(await active('sms', '+79127770022')).toEqual([expect.objectContaining({ reason: 'sms-stop' })]);

    const texting = await createClient(t.dataSource, { phone: '+79127770033' });
    await t.dataSource.transaction((m) => consent.applyKeyword('+79127770033', 'stop', 'STOP', m));
    expect(await active('sms', texting.phone!)).toEqual([expect.objectContaining({ reason: 'sms-stop' })]);
    await t.dataSource.transaction((m) => consent.applyKeyword('+79127770033', 'start', 'START', m));
    expect(await active('sms', texting.phone!)).toEqual([]);
  });

  it('imports a list: bad rows reported with their numbers, good ones kept, duplicates idempotent', async () => {
    const csv = [
      'channel;address;reason;note;createdAt',
      'email;Old-1@Example.org;;from the old ESP;2025-03-01T10:00:00Z',
      'email;not-an-address;;;',
      'fax;+79120000000;;;',
      'sms;+7 912 555-44-33;complaint;;',
      'email;old-2@example.org;spam;;',
    ].join('\n');
    const first = await t
      .http()
      .post('/api/v1/suppressions/import')
      .set(admin)
      .send({ csv, source: 'old.csv' })
      .expect(200);
    expect(first.body).toEqual({
      added: 2,
      duplicates: 0,
      errors: [
        { row: 2, message: expect.stringContaining('not-an-address') },
        { row: 3, message: expect.stringContaining('channel') },
        { row: 5, message: expect.stringContaining('reason') },
      ],
    });
    expect(await active('email', 'old-1@example.org')).toEqual([
      { reason: 'imported', source: 'import: old.csv', note: 'from the old ESP' },
    ]);
    const [{ created_at }] = await t.dataSource.query(
      `SELECT created_at FROM suppressions WHERE address = 'old-1@example.org'`,
    );
    expect(new Date(created_at).toISOString()).toBe('2025-03-01T10:00:00.000Z');
    const again = await t.http().post('/api/v1/suppressions/import').set(admin).send({ csv }).expect(200);
    expect(again.body).toMatchObject({ added: 0, duplicates: 2 });
    const json = await t
      .http()
      .post('/api/v1/suppressions/import')
      .set(admin)
      .send({ rows: [{ channel: 'email', address: 'old-3@example.org' }, { channel: 'email' }] })
      .expect(200);
    expect(json.body).toEqual({
      added: 1,
      duplicates: 0,
      errors: [{ row: 2, message: expect.stringContaining('address') }],
    });
    await t.http().post('/api/v1/suppressions/import').set(admin).send({}).expect(400);
    await t.http().post('/api/v1/suppressions/import').set(admin).send({ csv: 'foo;bar\n1;2' }).expect(400);
  });

  it('exports the same entries as the list, filters, pages and guards writes', async () => {
    await suppress('email', 'export-a@example.org').expect(201);
    await suppress('email', 'export-b@example.org').expect(201);
    await suppress('email', 'export-a@example.org').expect(400);
    await suppress('email', 'nope').expect(400);
    await suppress('letter', 'x').expect(400);
    const list = (await t.http().get('/api/v1/suppressions?limit=500').set(admin).expect(200)).body;
    const csv = (await t.http().get('/api/v1/suppressions/export.csv').set(admin).expect(200)).text;
    const lines = csv
      .replace(/^\ufeff/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('channel,address,reason,source,note,createdAt,removedAt,removedReason');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(
      list.items.map(
        (i: { channel: string; address: string; reason: string }) => `${i.channel},${i.address},${i.reason}`,
      ),
    );
    const searched = (
      await t
        .http()
        .get('/api/v1/suppressions?search=export-&channel=email&reason=manual')
        .set(admin)
        .expect(200)
    ).body;
    expect(searched.items.map((i: { address: string }) => i.address)).toEqual([
      'export-b@example.org',
      'export-a@example.org',
    ]);
    const page1 = (await t.http().get('/api/v1/suppressions?search=export-&limit=1').set(admin).expect(200))
      .body;
    expect(page1.items).toHaveLength(1);
    const page2 = (
      await t
        .http()
        .get(`/api/v1/suppressions?search=export-&limit=1&cursor=${page1.nextCursor}`)
        .set(admin)
        .expect(200)
    ).body;
    expect(page2.items[0].address).toBe('export-a@example.org');
    await t.http().get('/api/v1/suppressions?reason=bogus').set(admin).expect(400);
    await t.http().get('/api/v1/suppressions').expect(401);
  });

  it('removing needs a reason; then the client is planned again, and the entry stays as history', async () => {
    const client = await createClient(t.dataSource);
    const { body } = await suppress('email', client.email!).expect(201);
    await t.http().post(`/api/v1/suppressions/${body.id}/remove`).set(admin).send({}).expect(400);
    await t
      .http()
      .post(`/api/v1/suppressions/${body.id}/remove`)
      .set(admin)
      .send({ reason: '  ' })
      .expect(400);
    await t.http().post(`/api/v1/suppressions/999999999/remove`).set(admin).send({ reason: 'x' }).expect(404);
    const removed = await t
      .http()
      .post(`/api/v1/suppressions/${body.id}/remove`)
      .set(admin)
      .send({ reason: 'The client asked to receive the newsletter again' })
      .expect(200);
    expect(removed.body).toMatchObject({ removedReason: 'The client asked to receive the newsletter again' });
    expect(removed.body.removedAt).not.toBeNull();
    await t
      .http()
      .post(`/api/v1/suppressions/${body.id}/remove`)
      .set(admin)
      .send({ reason: 'again' })
      .expect(400);
    const history = (
      await t
        .http()
        .get(`/api/v1/suppressions?search=${client.email}&includeRemoved=true`)
        .set(admin)
        .expect(200)
    ).body;
    expect(history.items).toHaveLength(1);
    expect(
      (await t.http().get(`/api/v1/suppressions?search=${client.email}`).set(admin).expect(200)).body.items,
    ).toEqual([]);
    const rows = await drain(t, await planNow(t, await emailCampaign(t), { edition: {} }));
    expect(rows.find((r) => r.client_id === client.id)).toMatchObject({ status: 'sent' });
  });
});

describe('Suppression list: SMS through the real dispatcher to a Twilio stand-in', () => {
  let t: TestApp;
  const standIn = new TwilioStandIn({ ...TEST_TWILIO, latencyMs: 5 });

  beforeAll(async () => {
    await standIn.start();
    t = await createTestApp(
      { ...twilioEnv(standIn.url), DISPATCH_RETRY_BASE_MS: '20', DISPATCH_POLL_MS: '100' },
      { withWorker: true },
    );
  });
  afterAll(async () => {
    await t?.close();
    await standIn.stop();
  });

  it('does not send SMS to a number suppressed after planning; the others are sent', async () => {
    const late = await createClient(t.dataSource, { phone: '+79127770044', phoneMobile: true });
    const other = await createClient(t.dataSource, { phone: '+79127770055', phoneMobile: true });
    const runId = await planNow(t, await smsCampaign(t), { now: new Date(Date.now() + 60_000) });
    await t
      .http()
      .post('/api/v1/suppressions')
      .set(admin)
      .send({ channel: 'sms', address: '+7 912 777-00-44' })
      .expect(201);
    await t.dataSource.query(`UPDATE deliveries SET due_at = now() WHERE run_id = $1`, [runId]);
    await waitForRunDispatched(t, runId);
    const rows = await deliveriesByClient(t, runId);
    expect(rows.get(late.id)).toMatchObject({ status: 'cancelled', reason: 'suppression-list' });
    expect(rows.get(other.id)).toMatchObject({ status: 'sent' });
    expect(standIn.sent.map((r) => r.params.To)).toEqual([other.phone]);
  });
});
