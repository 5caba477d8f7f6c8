import nodemailer from 'nodemailer';
import { Client } from '@touchbase/clients';
import {
  BounceMailbox,
  drainBounceMailbox,
  InboundBounceProcessor,
  InboundVia,
} from '@touchbase/deliverability';
import { BOUNCE_FIXTURES, bounceFixture } from '../support/bounce-fixtures';
import { createClient } from '../factories/client.factory';
import { archiveAllClients, planNow } from '../support/planning';
import { SmtpSink } from '../support/smtp-sink';
import { freePort } from '../support/spawn-process';
import { TestApp } from '../support/test-app';
import { createEmailApp, DeliveryRow, drain, emailCampaign } from './email-support';

const BOUNCE_DOMAIN = 'bounce.alfa.example';

interface Sent {
  client: Client;
  delivery: DeliveryRow;
  verp: string;
  messageId: string;
}

interface EventRow {
  via: string;
  kind: string;
  outcome: string;
  delivery_id: string | null;
  client_id: string | null;
  recipient: string | null;
  status_code: string | null;
  size_bytes: number;
  has_raw: boolean;
}

/**
 * Bounces and complaints that come back after sending: a real delivery goes out first (VERP envelope
 * sender, our Message-ID), then a report in the format of a real server comes back to the worker's
 * inbound SMTP listener (sent by nodemailer) or straight to the processor (the IMAP poller's path),
 * and the database shows the outcome.
 */
describe('Inbound bounces and complaints', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let port: number;
  let smtp: ReturnType<typeof nodemailer.createTransport>;

  beforeAll(async () => {
    port = await freePort();
    sink = await SmtpSink.start();
    t = await createEmailApp(sink, {
      BOUNCE_DOMAIN,
      INBOUND_SMTP_PORT: String(port),
      INBOUND_SMTP_HOST: '127.0.0.1',
      INBOUND_SMTP_MAX_BYTES: '200000',
      EMAIL_HARD_BOUNCE_LIMIT: '2',
    });
    smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      logger: false,
    });
  });
  afterAll(async () => {
    smtp?.close();
    await t?.close();
    await sink?.close();
  });
  beforeEach(async () => {
    sink.reset();
    await archiveAllClients(t);
  });

  async function sendOne(client?: Client): Promise<Sent> {
    const c = client ?? (await createClient(t.dataSource));
    const campaign = await emailCampaign(t);
    const runId = await planNow(t, campaign, { edition: {} });
    const delivery = (await drain(t, runId)).find((d) => d.client_id === c.id)!;
    expect(delivery.status).toBe('sent');
    const received = sink.messages.find(
      (m) => m.envelopeTo[0] === c.email && m.messageId === `<${delivery.provider_id}>`,
    )!;
    return { client: c, delivery, verp: received.envelopeFrom, messageId: `<${delivery.provider_id}>` };
  }

  const fixtureFor = (file: string, s: Sent) =>
    bounceFixture(file, {
      verp: s.verp,
      recipient: s.client.email!,
      messageId: s.messageId,
      bounceDomain: BOUNCE_DOMAIN,
    });

  /** Through the listener: MAIL FROM:<> as bounces come, RCPT TO the VERP address (or `to`). */
  async function viaSmtp(raw: Buffer, to: string): Promise<void> {
    await smtp.sendMail({ envelope: { from: '', to: [to] }, raw });
  }

  async function deliver(path: 'smtp' | 'processor', file: string, s: Sent): Promise<void> {
    const raw = fixtureFor(file, s);
    const to = file === 'arf-mailru-fbl.eml' ? `fbl@${BOUNCE_DOMAIN}` : s.verp;
    if (path === 'smtp') await viaSmtp(raw, to);
    else await t.app.get(InboundBounceProcessor).process(raw, { via: InboundVia.Imap });
  }

  const deliveryNow = async (id: string) =>
    (await t.dataSource.query(`SELECT status, error, meta FROM deliveries WHERE id = $1`, [id]))[0] as {
      status: string;
      error: string | null;
      meta: Record<string, unknown>;
    };
  const clientNow = async (id: string) =>
    (
      await t.dataSource.query(`SELECT email_hard_bounces, contact_flags FROM clients WHERE id = $1`, [id])
    )[0];
  const emailAllowed = async (id: string) =>
    (await t.dataSource.query(`SELECT email_allowed FROM client_preferences WHERE client_id = $1`, [id]))[0]
      ?.email_allowed ?? true;
  const consentRows = async (id: string) =>
    t.dataSource.query(
      `SELECT item, source, actor_type, new_value FROM consent_log WHERE client_id = $1 ORDER BY id`,
      [id],
    );
  const eventsOf = async (clientOrDelivery: string): Promise<EventRow[]> =>
    t.dataSource.query(
      `SELECT via, kind, outcome, delivery_id::text, client_id, recipient, status_code, size_bytes, raw IS NOT NULL AS has_raw
         FROM inbound_bounce_events WHERE delivery_id::text = $1 OR client_id::text = $1 ORDER BY id`,
      [clientOrDelivery],
    );

  it('sends each delivery from its own signed VERP address', async () => {
    const s = await sendOne();
    expect(s.verp).toMatch(new RegExp(`^bounces\\+${s.delivery.id}-[0-9a-f]{16}@bounce\\.alfa\\.example$`));
  });

  const paths = ['smtp', 'processor'] as const;
  const hard = BOUNCE_FIXTURES.filter((f) => f.kind === 'hard-bounce');
  const cases = paths.flatMap((p) => hard.map((f) => ({ path: p, ...f })));

  it.each(cases)(
    '$server via $path: the delivery is bounced and the bounce counts',
    async ({ path, file, status }) => {
      const s = await sendOne();
      await deliver(path, file, s);
      const d = await deliveryNow(s.delivery.id);
      expect(d.status).toBe('bounced');
      expect(d.error).toMatch(/^Bounced after sending: /);
      if (status) expect(d.error).toContain(status);
      expect(d.meta.bounce).toMatchObject({ recipient: s.client.email, status });
      expect(await clientNow(s.client.id)).toEqual({ email_hard_bounces: 1, contact_flags: [] });
      expect(await eventsOf(s.delivery.id)).toEqual([
        expect.objectContaining({
          via: path === 'smtp' ? 'smtp' : 'imap',
          kind: 'hard-bounce',
          outcome: 'bounced',
          client_id: s.client.id,
          recipient: s.client.email,
          status_code: status,
          has_raw: false,
        }),
      ]);
    },
  );

  it('marks the address invalid at the hard-bounce limit, by the send-time rule, once per delivery', async () => {
    // Two messages accepted in a row, then both bounce later (an accepted message resets the count).
    const first = await sendOne();
    const second = await sendOne(first.client);
    await deliver('smtp', 'postfix-hard-5.1.1.eml', first);
    // The same report again changes nothing more.
    await deliver('smtp', 'postfix-hard-5.1.1.eml', first);
    expect(await clientNow(first.client.id)).toEqual({ email_hard_bounces: 1, contact_flags: [] });
    expect((await eventsOf(first.delivery.id)).map((e) => e.outcome)).toEqual(['bounced', 'already-applied']);
    expect(await consentRows(first.client.id)).toEqual([]);

    await deliver('smtp', 'gmail-hard-5.1.1.eml', second);
    expect(await clientNow(first.client.id)).toEqual({
      email_hard_bounces: 2,
      contact_flags: ['email-invalid'],
    });
    expect(await consentRows(first.client.id)).toEqual([
      {
        item: 'contact.email',
        source: 'bounce',
        actor_type: 'system',
        new_value: { email: first.client.email, valid: false, hardBounces: 2 },
      },
    ]);
  });

  it.each(paths)(
    'a soft bounce (4.2.2 mailbox full) via %s is recorded; the delivery stays sent',
    async (path) => {
      const s = await sendOne();
      await deliver(path, 'postfix-soft-4.2.2-delayed.eml', s);
      const d = await deliveryNow(s.delivery.id);
      expect(d.status).toBe('sent');
      expect(d.meta.softBounces).toEqual([
        expect.objectContaining({ status: '4.2.2', action: 'delayed', recipient: s.client.email }),
      ]);
      expect(await clientNow(s.client.id)).toEqual({ email_hard_bounces: 0, contact_flags: [] });
      expect((await eventsOf(s.delivery.id)).map((e) => [e.kind, e.outcome])).toEqual([
        ['soft-bounce', 'recorded'],
      ]);
    },
  );

  const complaints = BOUNCE_FIXTURES.filter((f) => f.kind === 'complaint');
  it.each(paths.flatMap((p) => complaints.map((f) => ({ path: p, ...f }))))(
    '$server via $path: the client is opted out of email with a consent-log row',
    async ({ path, file }) => {
      const s = await sendOne();
      expect(await emailAllowed(s.client.id)).toBe(true);
      await deliver(path, file, s);
      expect(await emailAllowed(s.client.id)).toBe(false);
      expect(await consentRows(s.client.id)).toEqual([
        { item: 'channel.email', source: 'complaint', actor_type: 'client', new_value: false },
      ]);
      const d = await deliveryNow(s.delivery.id);
      expect(d.status).toBe('sent');
      expect(d.meta.complaints).toEqual([expect.objectContaining({ feedbackType: 'abuse' })]);
      expect((await eventsOf(s.delivery.id)).map((e) => [e.kind, e.outcome])).toEqual([
        ['complaint', 'opted-out'],
      ]);
      // A second complaint about it writes nothing more.
      await deliver(path, file, s);
      expect(await consentRows(s.client.id)).toHaveLength(1);
      expect((await eventsOf(s.delivery.id)).map((e) => e.outcome)).toEqual(['opted-out', 'already-applied']);
    },
  );

  const autoReplies = BOUNCE_FIXTURES.filter((f) => f.kind === 'auto-reply');
  it.each(paths.flatMap((p) => autoReplies.map((f) => ({ path: p, ...f }))))(
    '$server via $path changes nothing',
    async ({ path, file }) => {
      const s = await sendOne();
      const before = await deliveryNow(s.delivery.id);
      await deliver(path, file, s);
      expect(await deliveryNow(s.delivery.id)).toEqual(before);
      expect(await clientNow(s.client.id)).toEqual({ email_hard_bounces: 0, contact_flags: [] });
      expect(await emailAllowed(s.client.id)).toBe(true);
      expect(await consentRows(s.client.id)).toEqual([]);
      expect(await eventsOf(s.delivery.id)).toEqual([
        expect.objectContaining({ kind: 'auto-reply', outcome: 'ignored', has_raw: false }),
      ]);
    },
  );

  it('a forged VERP code bounces nothing; the report is kept as unmatched', async () => {
    const victim = await sendOne();
    const forged = victim.verp.replace(/-[0-9a-f]{16}@/, '-0000000000000000@');
    const raw = bounceFixture('exim-hard-plain.eml', {
      verp: forged,
      recipient: victim.client.email!,
      messageId: '<someone-else@elsewhere.example>',
      bounceDomain: BOUNCE_DOMAIN,
    });
    await viaSmtp(raw, forged);
    expect((await deliveryNow(victim.delivery.id)).status).toBe('sent');
    expect(await clientNow(victim.client.id)).toEqual({ email_hard_bounces: 0, contact_flags: [] });
    const [event] = await t.dataSource.query(
      `SELECT kind, outcome, delivery_id, size_bytes, raw FROM inbound_bounce_events ORDER BY id DESC LIMIT 1`,
    );
    expect(event).toMatchObject({
      kind: 'hard-bounce',
      outcome: 'unmatched',
      delivery_id: null,
      size_bytes: raw.length,
    });
    expect(Buffer.from(event.raw).toString('utf8')).toBe(raw.toString('utf8'));
  });

  it('keeps a message it does not understand, raw, and changes nothing', async () => {
    const s = await sendOne();
    const raw = Buffer.from(
      `From: Anna <${s.client.email}>\r\nTo: ${s.verp}\r\nSubject: Re: news\r\nIn-Reply-To: ${s.messageId}\r\n\r\nPlease call me back.\r\n`,
    );
    await viaSmtp(raw, s.verp);
    expect((await deliveryNow(s.delivery.id)).status).toBe('sent');
    expect(await eventsOf(s.delivery.id)).toEqual([
      expect.objectContaining({ kind: 'unknown', outcome: 'kept', has_raw: true }),
    ]);
  });

  it('takes mail for the bounce domain only, and no message over the size limit', async () => {
    await expect(
      smtp.sendMail({
        envelope: { from: '', to: ['someone@elsewhere.example'] },
        raw: 'Subject: x\r\n\r\nx\r\n',
      }),
    ).rejects.toMatchObject({ responseCode: 550, response: expect.stringContaining('Relaying denied') });
    const big = Buffer.from(`Subject: big\r\n\r\n${'x'.repeat(76).concat('\r\n').repeat(3000)}`);
    await expect(
      smtp.sendMail({ envelope: { from: '', to: [`bounces@${BOUNCE_DOMAIN}`] }, raw: big }),
    ).rejects.toMatchObject({ responseCode: 552 });
  });

  it('the IMAP poller feeds each unprocessed message to the processor and marks it; a failure is retried', async () => {
    const bounced = await sendOne();
    const complained = await sendOne();
    const messages = new Map<number, Buffer>([
      [11, fixtureFor('yandex-hard.eml', bounced)],
      [12, Buffer.from('not a message at all')],
      [13, fixtureFor('arf-rfc5965.eml', complained)],
    ]);
    const processed: number[] = [];
    const mailbox: BounceMailbox = {
      unprocessed: async () => [...messages.keys()].filter((uid) => !processed.includes(uid)),
      source: async (uid) => messages.get(uid) ?? null,
      markProcessed: async (uid) => void processed.push(uid),
    };
    const processor = t.app.get(InboundBounceProcessor);
    let failOnce = true;
    const flaky = {
      process: (raw: Buffer, source: { via: InboundVia }) => {
        if (raw === messages.get(13) && failOnce) {
          failOnce = false;
          return Promise.reject(new Error('database away'));
        }
        return processor.process(raw, source);
      },
    };
    expect(await drainBounceMailbox(mailbox, flaky)).toEqual({ processed: 2, failed: 1 });
    expect(processed).toEqual([11, 12]);
    expect((await deliveryNow(bounced.delivery.id)).status).toBe('bounced');
    expect(await emailAllowed(complained.client.id)).toBe(true);
    expect(await drainBounceMailbox(mailbox, flaky)).toEqual({ processed: 1, failed: 0 });
    expect(processed).toEqual([11, 12, 13]);
    expect(await emailAllowed(complained.client.id)).toBe(false);
    expect((await eventsOf(bounced.delivery.id))[0]).toMatchObject({ via: 'imap', outcome: 'bounced' });
  });
});
