import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleParser } from 'mailparser';
import { Channel, StaffRole } from '@touchbase/core';
import { TemplatesService } from '@touchbase/templates';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { archiveAllClients, planNow } from '../support/planning';
import { maxInAnyWindow, SmtpSink } from '../support/smtp-sink';
import { createTestApp, TestApp } from '../support/test-app';
import { countBy, createEmailApp, drain, emailCampaign, PUBLIC_URL } from './email-support';

describe('SMTP driver: rate limit and test-send', () => {
  const RATE = 5;
  let sink: SmtpSink;
  let t: TestApp;
  let marketer: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createEmailApp(sink, { SMTP_RATE_PER_SECOND: String(RATE), SMTP_MAX_CONNECTIONS: '4' });
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });
  beforeEach(async () => {
    sink.reset();
    await archiveAllClients(t);
  });

  it('never lets more than SMTP_RATE_PER_SECOND messages arrive in any second, across connections', async () => {
    await Promise.all(Array.from({ length: 4 * RATE + 2 }, () => createClient(t.dataSource)));
    const started = Date.now();
    const rows = await drain(t, await planNow(t, await emailCampaign(t), { edition: {} }));
    const seconds = (Date.now() - started) / 1000;

    expect(countBy(rows)).toEqual({ sent: 4 * RATE + 2 });
    expect(sink.arrivals).toHaveLength(4 * RATE + 2);
    expect(maxInAnyWindow(sink.arrivals, 1000)).toBeLessThanOrEqual(RATE);
    // Limited, not stalled: a little over four windows.
    expect(seconds).toBeGreaterThan(4);
    expect(seconds).toBeLessThan(12);
  });

  it('test-sends an email template rendered for a client, "[TEST]" in the subject, links disarmed', async () => {
    const client = await createClient(t.dataSource, { name: 'ООО «Ромашка»' });
    const [template] = await t.app
      .get(TemplatesService)
      .list({ name: 'win-back', channel: Channel.Email, locale: client.locale });
    const res = await t
      .http()
      .post(`/api/v1/templates/${template.id}/test-send`)
      .set(as(marketer))
      .send({ clientId: client.id, to: 'Marketer@Alfa.example' })
      .expect(200);
    expect(res.body).toEqual({
      to: 'Marketer@Alfa.example',
      subject: expect.stringMatching(/^\[TEST\] /),
      messageId: expect.stringMatching(/^<test-[\w-]+@alfa\.example>$/),
    });

    const [m] = sink.to('marketer@alfa.example');
    expect(m.subject).toBe(res.body.subject);
    expect(m.messageId).toBe(res.body.messageId);
    expect(sink.attempts(client.email!)).toBe(0);
    // The client's links in a test message lead nowhere: clicking unsubscribe changes nothing.
    const links = [...m.html.matchAll(new RegExp(`${PUBLIC_URL}(/(?:u|portal)/[\\w.-]+)`, 'g'))].map(
      (x) => x[1],
    );
    expect(links.some((l) => l.startsWith('/u/'))).toBe(true);
    for (const link of links.filter((l) => l.startsWith('/u/'))) {
      const page = await t.http().get(link).expect(400);
      expect(page.text).toContain('больше не действует');
    }
  });

  it('refuses a non-email template, an address the server refuses, and other roles', async () => {
    const client = await createClient(t.dataSource);
    const templates = t.app.get(TemplatesService);
    const [sms] = await templates.list({ name: 'win-back', channel: Channel.Sms, locale: client.locale });
    const [email] = await templates.list({ name: 'win-back', channel: Channel.Email, locale: client.locale });
    const send = (id: string, body: object, key = marketer) =>
      t.http().post(`/api/v1/templates/${id}/test-send`).set(as(key)).send(body);

    const notEmail = await send(sms.id, { clientId: client.id, to: 'm@alfa.example' }).expect(400);
    expect(notEmail.body.message).toMatch(/sms template/);

    sink.alwaysFail('nobody@alfa.example', 550);
    const refused = await send(email.id, { clientId: client.id, to: 'nobody@alfa.example' }).expect(400);
    expect(refused.body.details).toEqual([{ field: 'to', messages: [expect.stringMatching(/550/)] }]);

    await send(email.id, { clientId: client.id, to: 'not-an-address' }).expect(400);
    const salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
    await send(email.id, { clientId: client.id, to: 'm@alfa.example' }, salesOps).expect(403);
    expect(sink.messages).toHaveLength(0);
  });
});

describe('File driver (development)', () => {
  let t: TestApp;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-eml-'));

  beforeAll(async () => {
    t = await createTestApp(
      { EMAIL_DRIVER: 'file', EMAIL_FILE_DIR: dir, DISPATCH_CHANNELS: 'email', PUBLIC_URL },
      { withWorker: true },
    );
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes each message as a parseable .eml named after its Message-ID', async () => {
    await archiveAllClients(t);
    const client = await createClient(t.dataSource, { name: 'ООО «Ромашка»' });
    const campaign = await emailCampaign(t);
    const [row] = await drain(t, await planNow(t, campaign, { edition: {} }));
    expect(row.status).toBe('sent');

    const file = path.join(dir, `delivery-${row.id}.${campaign.id}@touchbase.local.eml`);
    const raw = fs.readFileSync(file);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('Новости ноября: склад в Челябинске');
    expect(parsed.to).toMatchObject({ value: [{ name: 'ООО «Ромашка»', address: client.email }] });
    expect(parsed.messageId).toBe(`<delivery-${row.id}.${campaign.id}@touchbase.local>`);
    expect(raw.toString('latin1')).toMatch(/\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/);
    expect(raw.toString('latin1')).toMatch(/\r\nList-Unsubscribe: <https:\/\/tb\.example\/u\/[\w.-]+>\r\n/);
    expect(parsed.text).toContain('Доставка по Уралу');
  });
});
