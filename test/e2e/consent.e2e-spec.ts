import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { Channel } from '@touchbase/core';
import { LinksService } from '@touchbase/links';
import { createClient, createPurchase, daysAgo } from '../factories/client.factory';
import { planNow } from '../support/planning';
import { TEST_ADMIN_KEY } from '../support/test-app';
import { drain, emailAppPerSuite, emailCampaign, PUBLIC_URL } from './email-support';

const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };

/** A binary body (PDF) as a Buffer. */
const binary = (
  res: { on(event: string, listener: (chunk?: Buffer) => void): unknown },
  done: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (c) => chunks.push(c!));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

async function pdfText(pdf: Buffer): Promise<string> {
  const child = promisify(execFile)('pdftotext', ['-layout', '-', '-'], { maxBuffer: 16 * 1024 * 1024 });
  child.child.stdin!.end(pdf);
  return (await child).stdout;
}

/**
 * Consent proof (38-FZ art. 18): promotional topics need the client's recorded consent per channel
 * (planner, explain and the send-time re-check), the evidence export, double opt-in by email and the
 * personal-data export. A real worker, a real SMTP sink, real PostgreSQL.
 */
describe('Consent proof', () => {
  const suite = emailAppPerSuite();
  let topic: string;
  let ipSeq = 0;
  const ip = () => `198.51.100.${++ipSeq}`;

  beforeAll(async () => {
    topic = `promo-${Date.now().toString(36)}`;
    const created = await suite.t
      .http()
      .post('/api/v1/topics')
      .set(admin)
      .send({ key: topic, nameRu: 'Акции', nameEn: 'Offers', requiresConsent: true })
      .expect(201);
    expect(created.body).toMatchObject({ key: topic, requiresConsent: true });
  });

  const consent = (clientId: string, granted: boolean, wordingVersion = 'paper-form/1') =>
    suite.t
      .http()
      .post(`/api/v1/clients/${clientId}/consents`)
      .set(admin)
      .set('User-Agent', 'consent-e2e')
      .send({ channels: [Channel.Email], granted, wordingVersion })
      .expect(200);
  const promo = () => emailCampaign(suite.t, { topicKey: topic });
  const rowOf = async (runId: string, clientId: string) =>
    (
      await suite.t.dataSource.query(
        `SELECT status, reason FROM deliveries WHERE run_id = $1 AND client_id = $2`,
        [runId, clientId],
      )
    )[0];

  it('plans a promotional topic only with consent: no-consent before, queued with it, no-consent after withdrawal', async () => {
    const { t } = suite;
    const client = await createClient(t.dataSource);
    const campaign = await promo();
    const later = () => new Date(Date.now() + 3_600_000);

    const before = await planNow(t, campaign, { edition: {}, now: later() });
    expect(await rowOf(before, client.id)).toEqual({ status: 'suppressed', reason: 'no-consent' });
    const explained = await t
      .http()
      .get(`/api/v1/runs/${before}/explain/${client.id}`)
      .set(admin)
      .expect(200);
    expect(explained.body.explanation).toContain('needs prior consent');
    expect(explained.body.details).toEqual(['email: no consent recorded']);

    const state = await consent(client.id, true);
    expect(state.body).toMatchObject({ email: true, sms: null });
    const granted = await planNow(t, await promo(), { edition: {}, now: later() });
    expect(await rowOf(granted, client.id)).toEqual({ status: 'queued', reason: null });

    await consent(client.id, false);
    const withdrawn = await planNow(t, await promo(), { edition: {}, now: later() });
    expect(await rowOf(withdrawn, client.id)).toEqual({ status: 'suppressed', reason: 'no-consent' });
    const why = await t.http().get(`/api/v1/runs/${withdrawn}/explain/${client.id}`).set(admin).expect(200);
    expect(why.body.details[0]).toMatch(/^email: consent withdrawn on .* \(admin-api\)$/);

    // Bad input: what is wrong, never a 500.
    const post = (body: object) =>
      t.http().post(`/api/v1/clients/${client.id}/consents`).set(admin).send(body).expect(400);
    expect(JSON.stringify((await post({ channels: [], granted: true })).body)).toContain('channels');
    expect(JSON.stringify((await post({ channels: ['fax'], granted: true })).body)).toContain('channel');
    expect(JSON.stringify((await post({ channels: ['email'] })).body)).toContain('granted');
    await t
      .http()
      .post(`/api/v1/clients/00000000-0000-4000-8000-000000000000/consents`)
      .set(admin)
      .send({ channels: ['email'], granted: true })
      .expect(404);

    // A topic that needs no consent plans the same client as before.
    const news = await planNow(t, await emailCampaign(t), { edition: {}, now: later() });
    expect(await rowOf(news, client.id)).toEqual({ status: 'queued', reason: null });
  });

  it('cancels at send time when the consent was withdrawn after planning', async () => {
    const { t, sink } = suite;
    const keeps = await createClient(t.dataSource);
    const withdraws = await createClient(t.dataSource);
    await consent(keeps.id, true);
    await consent(withdraws.id, true);
    const runId = await planNow(t, await promo(), { edition: {}, now: new Date(Date.now() + 60_000) });
    expect(await rowOf(runId, withdraws.id)).toEqual({ status: 'queued', reason: null });
    await consent(withdraws.id, false);
    await t.dataSource.query(`UPDATE deliveries SET due_at = now() WHERE run_id = $1`, [runId]);
    const rows = new Map((await drain(t, runId)).map((r) => [r.client_id, r]));
    expect(rows.get(withdraws.id)).toMatchObject({ status: 'cancelled', reason: 'no-consent' });
    expect(rows.get(keeps.id)).toMatchObject({ status: 'sent' });
    expect(sink.attempts(withdraws.email!)).toBe(0);
  });

  it('exports the consent evidence of exactly one client as CSV and PDF', async () => {
    const { t } = suite;
    const client = await createClient(t.dataSource, { name: 'ООО «Ромашка» Доказательство' });
    const other = await createClient(t.dataSource, { name: 'Другой Клиент Посторонний' });
    await consent(client.id, true, 'paper-form/7');
    await consent(other.id, true, 'other-wording/9');
    await t
      .http()
      .put(`/api/v1/clients/${client.id}/preferences`)
      .set(admin)
      .send({ topics: { [topic]: false }, wordingVersion: 'console/3' })
      .expect(200);
    await consent(client.id, false, 'paper-form/8');

    const log: { id: string; item: string }[] = await t.dataSource.query(
      `SELECT id::text, item FROM consent_log WHERE client_id = $1
          AND (item LIKE 'consent.%' OR item LIKE 'channel.%' OR item LIKE 'topic.%' OR item = 'optedOut')
        ORDER BY id`,
      [client.id],
    );
    expect(log.map((l) => l.item)).toEqual(['consent.email', `topic.${topic}`, 'consent.email']);

    const csv = await t
      .http()
      .get(`/api/v1/clients/${client.id}/consent-evidence?format=csv`)
      .set(admin)
      .expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('attachment');
    const records: Record<string, string>[] = parse(csv.text, { columns: true, bom: true });
    expect(records.map((r) => r.id)).toEqual(log.map((l) => l.id));
    expect(records.map((r) => [r.kind, r.channel, r.topic, r.action, r.source, r.wordingVersion])).toEqual([
      ['consent', 'email', '', 'granted', 'admin-api', 'paper-form/7'],
      ['topic', '', topic, 'withdrawn', 'admin-api', 'console/3'],
      ['consent', 'email', '', 'withdrawn', 'admin-api', 'paper-form/8'],
    ]);
    expect(records[0].userAgent).toBe('consent-e2e');
    expect(records[0].ip).toMatch(/127\.0\.0\.1|::1/);
    expect(csv.text).not.toContain('other-wording/9');

    const pdf = await t
      .http()
      .get(`/api/v1/clients/${client.id}/consent-evidence?format=pdf&lang=ru`)
      .set(admin)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(pdf.body as Buffer);
    expect(text).toContain('Журнал согласий на получение рекламы');
    expect(text).toContain('Альфа');
    expect(text).toContain('ООО «Ромашка» Доказательство');
    expect(text).toContain(client.email!);
    for (const wording of ['paper-form/7', 'console/3', 'paper-form/8']) expect(text).toContain(wording);
    expect(text.match(/отозвано/g)?.length).toBeGreaterThanOrEqual(3); // two rows and the state
    expect(text).not.toContain('other-wording/9');
    expect(text).not.toContain('Посторонний');

    const listed = await t.http().get(`/api/v1/clients/${client.id}/consents`).set(admin).expect(200);
    expect(listed.body.state).toMatchObject({ email: false });
    expect(listed.body.items).toHaveLength(3);

    await t.http().get(`/api/v1/clients/${client.id}/consent-evidence?format=docx`).set(admin).expect(400);
    await t
      .http()
      .get(`/api/v1/clients/00000000-0000-4000-8000-000000000000/consent-evidence`)
      .set(admin)
      .expect(404);
    await t.http().get(`/api/v1/clients/${client.id}/consent-evidence`).expect(401);
  });

  describe('double opt-in', () => {
    const submit = (body: Record<string, unknown>, from = ip()) =>
      suite.t.http().post('/api/v1/public/consents').set('X-Forwarded-For', from).send(body);
    const linkIn = (text: string) => {
      const m = new RegExp(
        `${PUBLIC_URL.replace(/\./g, '\\.')}(/consent/[A-Za-z0-9_.-]+)\\?lang=(ru|en)`,
      ).exec(text);
      expect(m).not.toBeNull();
      return { path: m![1], lang: m![2] };
    };

    it('sends a confirmation email; confirming on the link records the consent with source double-opt-in', async () => {
      const { t, sink } = suite;
      const client = await createClient(t.dataSource, { locale: 'en' as never });
      // Opted out and unsubscribed from the topic: the confirmation ends both.
      await t
        .http()
        .put(`/api/v1/clients/${client.id}/preferences`)
        .set(admin)
        .send({ optedOut: true, topics: { [topic]: false } })
        .expect(200);
      const res = await submit({
        email: client.email!.toUpperCase(),
        channels: ['email'],
        topics: [topic],
        wordingVersion: 'site-form/2026-12',
      }).expect(202);
      expect(res.body.message).toContain('confirmation email');
      // Nothing counts before the confirmation.
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM consent_log WHERE client_id = $1 AND item LIKE 'consent.%'`,
        [client.id],
      );
      expect(n).toBe(0);

      const mail = sink.messages.find((m) => m.envelopeTo[0] === client.email)!;
      expect(mail.subject).toBe('Please confirm your subscription');
      expect(mail.text).toContain('Offers');
      const link = linkIn(mail.text);
      expect(link.lang).toBe('en');
      expect(mail.html).toContain(link.path);

      const page = await t.http().get(link.path).expect(200);
      expect(page.text).toContain('Confirm your subscription');
      const again = await t.http().get(`${link.path}?lang=ru`).expect(200);
      expect(again.text).toContain('Подтвердите согласие на рассылку');
      // Opening the page records nothing: only its button does.
      const [{ n: stillNone }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM consent_log WHERE client_id = $1 AND item LIKE 'consent.%'`,
        [client.id],
      );
      expect(stillNone).toBe(0);

      const done = await t
        .http()
        .post(link.path)
        .set('User-Agent', 'Mozilla/5.0 (consent test)')
        .type('form')
        .send({ confirm: 'yes' })
        .expect(200);
      expect(done.text).toContain('Thank you, your consent is confirmed');
      const rows = await t.dataSource.query(
        `SELECT item, source, new_value, host(ip) AS ip, user_agent, wording_version FROM consent_log
          WHERE client_id = $1 AND source = 'double-opt-in' ORDER BY id`,
        [client.id],
      );
      expect(rows).toEqual([
        expect.objectContaining({ item: 'optedOut', new_value: false, wording_version: 'site-form/2026-12' }),
        expect.objectContaining({
          item: `topic.${topic}`,
          new_value: true,
          wording_version: 'site-form/2026-12',
        }),
        expect.objectContaining({
          item: 'consent.email',
          new_value: true,
          user_agent: 'Mozilla/5.0 (consent test)',
          wording_version: 'site-form/2026-12',
        }),
      ]);
      expect(rows[2].ip).toBeTruthy();
      // A second confirmation records nothing more.
      await t.http().post(link.path).type('form').send({ confirm: 'yes' }).expect(200);
      const [{ n: after }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM consent_log WHERE client_id = $1 AND source = 'double-opt-in'`,
        [client.id],
      );
      expect(after).toBe(3);

      // Now the promotional campaign plans the client.
      const runId = await planNow(t, await promo(), { edition: {}, now: new Date(Date.now() + 3_600_000) });
      expect(await rowOf(runId, client.id)).toEqual({ status: 'queued', reason: null });
    });

    it('creates the client of an unknown address on confirmation, in the form’s language', async () => {
      const { t, sink } = suite;
      const email = `newcomer-${Date.now()}@example.com`;
      await submit({
        email,
        channels: ['email'],
        wordingVersion: 'site-form/1',
        locale: 'ru',
        name: 'Иван',
      }).expect(202);
      const mail = sink.messages.find((m) => m.envelopeTo[0] === email)!;
      expect(mail.subject).toBe('Подтвердите согласие на рассылку');
      const link = linkIn(mail.text);
      const done = await t.http().post(link.path).type('form').send({ confirm: 'yes' }).expect(200);
      expect(done.text).toContain('Спасибо, согласие подтверждено');
      const [client] = await t.dataSource.query(`SELECT id, name FROM clients WHERE email = $1`, [email]);
      expect(client.name).toBe('Иван');
      const state = await t.http().get(`/api/v1/clients/${client.id}/consents`).set(admin).expect(200);
      expect(state.body.state.email).toBe(true);
    });

    it('refuses an altered or expired link with a clear page', async () => {
      const { t, sink } = suite;
      const client = await createClient(t.dataSource);
      await submit({ email: client.email, channels: ['email'], wordingVersion: 'site-form/1' }).expect(202);
      const link = linkIn(sink.messages.find((m) => m.envelopeTo[0] === client.email)!.text);
      const last = link.path.slice(-1);
      const altered = link.path.slice(0, -1) + (last === 'A' ? 'B' : 'A');
      const bad = await t.http().get(altered).expect(400);
      expect(bad.text).toContain('Ссылка недействительна');
      await t.http().post(altered).type('form').send({ confirm: 'yes' }).expect(400);

      const [request] = await t.dataSource.query(`SELECT id FROM consent_requests WHERE email = $1`, [
        client.email,
      ]);
      const old = t.app.get(LinksService).consentUrl(request.id, 'en', Date.now() - 73 * 3_600_000);
      const expiredPath = new URL(old).pathname;
      const expired = await t.http().get(`${expiredPath}?lang=en`).expect(410);
      expect(expired.text).toContain('This link has expired');
      await t.http().post(expiredPath).type('form').send({ confirm: 'yes' }).expect(410);
      const [{ n }] = await t.dataSource.query(
        `SELECT count(*)::int AS n FROM consent_log WHERE client_id = $1 AND item LIKE 'consent.%'`,
        [client.id],
      );
      expect(n).toBe(0);
    });

    it('answers bad input with 400 and what is wrong, and rate limits per address', async () => {
      const bad = async (body: Record<string, unknown>, field: string) => {
        const res = await submit(body).expect(400);
        expect(JSON.stringify(res.body)).toContain(field);
      };
      await bad({ email: 'not-an-email', channels: ['email'], wordingVersion: 'v1' }, 'email');
      await bad({ email: 'a@example.com', channels: [], wordingVersion: 'v1' }, 'channels');
      await bad({ email: 'a@example.com', channels: ['fax'], wordingVersion: 'v1' }, 'channel');
      await bad({ email: 'a@example.com', channels: ['email'] }, 'wordingVersion');
      await bad(
        { email: 'a@example.com', channels: ['email'], wordingVersion: 'v1', topics: ['nope'] },
        'topics',
      );

      const email = `busy-${Date.now()}@example.com`;
      for (let i = 0; i < 3; i++)
        await submit({ email, channels: ['email'], wordingVersion: 'v1' }).expect(202);
      const limited = await submit({ email, channels: ['email'], wordingVersion: 'v1' }).expect(429);
      expect(limited.body.message).toContain('Too many');
      const from = ip();
      for (let i = 0; i < 5; i++) await submit({ email: 'x', channels: [] }, from).expect(400);
      await submit({ email: 'x', channels: [] }, from).expect(429);
    });
  });

  it('exports everything held on one client, from each library, and nothing of another', async () => {
    const { t } = suite;
    const client = await createClient(t.dataSource);
    const other = await createClient(t.dataSource);
    await createPurchase(t.dataSource, client.id, 1000, daysAgo(3), { externalId: `P-${client.id}` });
    await createPurchase(t.dataSource, other.id, 2000, daysAgo(3), { externalId: `P-${other.id}` });
    await consent(client.id, true);
    await consent(other.id, true);
    const runId = await planNow(t, await promo(), { edition: {}, now: new Date(Date.now() + 3_600_000) });
    await t.dataSource.query(
      `INSERT INTO suppressions (channel, address, reason) VALUES ('email', $1, 'manual')`,
      [client.email],
    );
    await t.dataSource.query(
      `INSERT INTO suppressions (channel, address, reason) VALUES ('email', $1, 'manual')`,
      [other.email],
    );

    const res = await t.http().get(`/api/v1/clients/${client.id}/personal-data`).set(admin).expect(200);
    expect(res.headers['content-disposition']).toContain(`personal-data-${client.id}.json`);
    const doc = res.body;
    expect(doc).toMatchObject({ format: 'touchbase.personal-data/1', clientId: client.id });
    expect(doc.clients.client).toMatchObject({ id: client.id, email: client.email });
    expect(doc.clients.stageHistory).toEqual(expect.any(Array));
    expect(doc.preferences.preferences).toEqual([expect.objectContaining({ client_id: client.id })]);
    expect(doc.preferences.consentLog.map((r: { item: string }) => r.item)).toContain('consent.email');
    expect(doc.runs.deliveries).toEqual([expect.objectContaining({ client_id: client.id, run_id: runId })]);
    expect(doc.classification.purchases).toEqual([
      expect.objectContaining({ external_id: `P-${client.id}` }),
    ]);
    expect(doc.suppression.suppressions).toEqual([expect.objectContaining({ address: client.email })]);
    expect(doc.webhooks).toEqual({ events: expect.any(Array), deliveries: expect.any(Array) });
    for (const part of ['links', 'calls', 'letters', 'portal', 'deliverability', 'reports']) {
      expect(doc).toHaveProperty(part);
    }
    const text = JSON.stringify(doc);
    expect(text).not.toContain(other.id);
    expect(text).not.toContain(other.email!);

    await t.http().get(`/api/v1/clients/not-a-uuid/personal-data`).set(admin).expect(400);
    await t
      .http()
      .get(`/api/v1/clients/00000000-0000-4000-8000-000000000000/personal-data`)
      .set(admin)
      .expect(404);
    await t.http().get(`/api/v1/clients/${client.id}/personal-data`).expect(401);
  });
});
