import { CampaignKind } from '@touchbase/campaigns';
import { Locale } from '@touchbase/core';
import { LinksService } from '@touchbase/links';
import { SignersService } from '@touchbase/templates';
import { createClient } from '../factories/client.factory';
import { planNow } from '../support/planning';
import { SmtpSink } from '../support/smtp-sink';
import { TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import {
  countBy,
  createEmailApp,
  emailAppPerSuite,
  deliveries,
  drain,
  emailCampaign,
  headerLine,
  PUBLIC_URL,
} from './email-support';

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe('Email dispatch over SMTP (real nodemailer, a real SMTP sink)', () => {
  const suite = emailAppPerSuite({ EMAIL_HARD_BOUNCE_LIMIT: '2' });
  let sink: SmtpSink;
  let t: TestApp;
  beforeAll(() => ({ t, sink } = suite));

  it('sends a broadcast to 50 clients exactly once each, Cyrillic intact', async () => {
    const clients = await Promise.all(
      Array.from({ length: 50 }, (_, i) => createClient(t.dataSource, { name: `ООО «Ромашка-${i}»` })),
    );
    const campaign = await emailCampaign(t);
    const runId = await planNow(t, campaign, { edition: {} });
    const rows = await drain(t, runId);

    expect(countBy(rows)).toEqual({ sent: 50 });
    expect(sink.messages).toHaveLength(50);
    const byAddress = new Map(sink.messages.map((m) => [m.envelopeTo[0], m]));
    expect(byAddress.size).toBe(50);
    for (const c of clients) {
      const m = byAddress.get(c.email!)!;
      expect(m).toBeDefined();
      expect(m.subject).toBe('Новости ноября: склад в Челябинске');
      expect(m.from).toEqual({ name: 'Альфа', address: 'noreply@alfa.example' });
      expect(m.to).toEqual([{ name: c.name, address: c.email }]);
      expect(m.html).toContain('Доставка по Уралу теперь за один день — «быстрее» некуда.');
      expect(m.text).toContain('Доставка по Уралу теперь за один день — «быстрее» некуда.');
      expect(m.text).toContain('Новый склад в Челябинске');
    }
    for (const r of rows) {
      expect(r.provider_id).toBe(`delivery-${r.id}.${campaign.id}@alfa.example`);
      expect(String(r.meta.response)).toMatch(/^250 /);
    }
    // The worker completes the run just after it records the last outcome (drain may have seen that first).
    const status = async (): Promise<string> =>
      (await t.dataSource.query(`SELECT status FROM runs WHERE id = $1`, [runId]))[0].status;
    const deadline = Date.now() + 5000;
    while ((await status()) !== 'completed' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    expect(await status()).toBe('completed');
    const [touched] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM clients WHERE id = ANY($1) AND last_touch_at IS NOT NULL`,
      [clients.map((c) => c.id)],
    );
    expect(touched.n).toBe(50);
  });

  it("reports a run's counts from its deliveries' current statuses, in the run and in the list", async () => {
    await Promise.all(Array.from({ length: 4 }, () => createClient(t.dataSource)));
    const campaign = await emailCampaign(t);
    const runId = await planNow(t, campaign, { edition: {} });
    const planned = (await t.dataSource.query(`SELECT stats FROM runs WHERE id = $1`, [runId]))[0].stats;
    expect(planned.byStatus).toEqual({ queued: 4 });
    await drain(t, runId);
    const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };
    const runNow = async () => (await t.http().get(`/api/v1/runs/${runId}`).set(admin).expect(200)).body;
    const deadline = Date.now() + 5000;
    while ((await runNow()).status !== 'completed' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    const run = await runNow();
    expect(run.status).toBe('completed');
    expect(run.stats).toMatchObject({
      byStatus: { sent: 4 },
      byChannel: { email: { sent: 4 } },
      displaced: 0,
    });
    const list = await t.http().get(`/api/v1/runs?campaignId=${campaign.id}`).set(admin).expect(200);
    expect(list.body.items[0].stats.byStatus).toEqual({ sent: 4 });

    // A provider's callback later: the run says so.
    await t.dataSource.query(
      `UPDATE deliveries SET status = 'delivered' WHERE id = (SELECT min(id) FROM deliveries WHERE run_id = $1)`,
      [runId],
    );
    expect((await runNow()).stats.byStatus).toEqual({ sent: 3, delivered: 1 });
  });

  it('puts one-click unsubscribe headers, unfolded, and a Message-ID that a retry keeps', async () => {
    const client = await createClient(t.dataSource);
    sink.failDataFirst([client.email!], 1, 451);
    const campaign = await emailCampaign(t);
    const runId = await planNow(t, campaign, { edition: {} });
    const [row] = await drain(t, runId);

    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sink.rejected).toHaveLength(1);
    expect(sink.messages).toHaveLength(1);
    const [first, retried] = [sink.rejected[0], sink.messages[0]];
    expect(retried.messageId).toBe(`<delivery-${row.id}.${campaign.id}@alfa.example>`);
    expect(first.messageId).toBe(retried.messageId);

    const unsubscribe = headerLine(retried.rawHeaders, 'List-Unsubscribe')!;
    expect(unsubscribe).toMatch(new RegExp(`^List-Unsubscribe: <${PUBLIC_URL}/u/[\\w-]+\\.[\\w-]+>$`));
    expect(headerLine(retried.rawHeaders, 'List-Unsubscribe-Post')).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    expect(headerLine(retried.rawHeaders, 'Message-ID')).toBe(`Message-ID: ${retried.messageId}`);
    const token = /\/u\/([^>]+)>/.exec(unsubscribe)![1];
    expect(t.app.get(LinksService).verifyUnsubscribeToken(token)).toEqual({
      ok: true,
      payload: { c: client.id, v: 0, t: 'news', d: row.id },
    });
  });

  it('leaves List-Unsubscribe out of service messages', async () => {
    await createClient(t.dataSource);
    const campaign = await emailCampaign(t, { kind: CampaignKind.Service, topicKey: 'service' });
    const rows = await drain(t, await planNow(t, campaign, { edition: {} }));
    expect(countBy(rows)).toEqual({ sent: 1 });
    expect(headerLine(sink.messages[0].rawHeaders, 'List-Unsubscribe')).toBeUndefined();
    expect(headerLine(sink.messages[0].rawHeaders, 'List-Unsubscribe-Post')).toBeUndefined();
  });

  it('retries 4xx with backoff until everyone has it (30 % deferred twice)', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => createClient(t.dataSource)));
    const deferred = clients.slice(0, 6).map((c) => c.email!);
    sink.failFirst(deferred, 2, 451);
    const rows = await drain(t, await planNow(t, await emailCampaign(t), { edition: {} }));

    expect(countBy(rows)).toEqual({ sent: 20 });
    expect(sink.messages).toHaveLength(20);
    for (const address of deferred) {
      expect(sink.attempts(address)).toBe(3);
      expect(sink.to(address)).toHaveLength(1);
    }
    const byClient = new Map(rows.map((r) => [r.client_id, r]));
    for (const c of clients) expect(byClient.get(c.id)!.attempts).toBe(deferred.includes(c.email!) ? 3 : 1);
  });

  it('bounces a 5xx recipient, and after the limit marks the address invalid with a consent-log row', async () => {
    const bad = await createClient(t.dataSource);
    const good = await createClient(t.dataSource);
    sink.alwaysFail(bad.email!, 550, 'No such user here');
    const campaign = await emailCampaign(t);

    const first = await drain(t, await planNow(t, campaign, { edition: {} }));
    const byClient = (rows: typeof first) => new Map(rows.map((r) => [r.client_id, r]));
    expect(byClient(first).get(bad.id)).toMatchObject({ status: 'bounced', attempts: 1 });
    expect(byClient(first).get(bad.id)!.error).toMatch(/550/);
    expect(byClient(first).get(good.id)).toMatchObject({ status: 'sent' });
    const state = async () =>
      (
        await t.dataSource.query(`SELECT email_hard_bounces, contact_flags FROM clients WHERE id = $1`, [
          bad.id,
        ])
      )[0];
    expect(await state()).toEqual({ email_hard_bounces: 1, contact_flags: [] });
    const consent = () =>
      t.dataSource.query(
        `SELECT actor_type, source, item, old_value, new_value FROM consent_log WHERE client_id = $1`,
        [bad.id],
      );
    expect(await consent()).toEqual([]);

    const second = await drain(t, await planNow(t, campaign, { edition: {} }));
    expect(byClient(second).get(bad.id)!.status).toBe('bounced');
    expect(await state()).toEqual({ email_hard_bounces: 2, contact_flags: ['email-invalid'] });
    expect(await consent()).toEqual([
      {
        actor_type: 'system',
        source: 'bounce',
        item: 'contact.email',
        old_value: { email: bad.email, valid: true },
        new_value: { email: bad.email, valid: false, hardBounces: 2 },
      },
    ]);

    // The planner no longer picks email for the client.
    const third = await planNow(t, campaign, { edition: {} });
    const [row] = (await deliveries(t, third)).filter((r) => r.client_id === bad.id);
    expect(row).toMatchObject({ status: 'suppressed', reason: 'no-contact-data' });
    expect(sink.attempts(bad.email!)).toBe(2);
  });

  it('never sends to a client who opted out after planning: cancelled, opted-out', async () => {
    const leaving = await createClient(t.dataSource);
    const staying = await createClient(t.dataSource);
    // Due in a minute, so that the worker cannot send before the opt-out; then due at once.
    const runId = await planNow(t, await emailCampaign(t), {
      edition: {},
      now: new Date(Date.now() + 60_000),
    });
    await t.dataSource.query(`UPDATE client_preferences SET opted_out = true WHERE client_id = $1`, [
      leaving.id,
    ]);
    await t.dataSource.query(`UPDATE deliveries SET due_at = now() WHERE run_id = $1`, [runId]);
    const rows = new Map((await drain(t, runId)).map((r) => [r.client_id, r]));

    expect(rows.get(leaving.id)).toMatchObject({ status: 'cancelled', reason: 'opted-out' });
    expect(rows.get(staying.id)).toMatchObject({ status: 'sent' });
    expect(sink.attempts(leaving.email!)).toBe(0);
  });

  it('fails a delivery whose template does not render, with the reason, and sends the rest', async () => {
    const client = await createClient(t.dataSource);
    // monthly-broadcast needs an edition: none for this run.
    const rows = await drain(t, await planNow(t, await emailCampaign(t)));
    expect(rows).toEqual([
      expect.objectContaining({ client_id: client.id, status: 'failed', reason: 'template-error' }),
    ]);
    expect(rows[0].error).toMatch(/edition/);
    expect(sink.attempts(client.email!)).toBe(0);
  });

  it('sends a CEO letter from the signer, with the signature image inline', async () => {
    const signers = t.app.get(SignersService);
    const signer = await signers.create({
      name: 'Иван Петров',
      nameEn: 'Ivan Petrov',
      title: 'генеральный директор',
      titleEn: 'Chief Executive Officer',
      email: 'ceo@alfa.example',
    });
    await signers.setSignature(signer.id, PNG);
    const en = await createClient(t.dataSource, { locale: Locale.En, name: 'Northwind Ltd' });
    const ru = await createClient(t.dataSource, { locale: Locale.Ru, name: 'ООО «Ромашка»' });
    const campaign = await emailCampaign(t, {
      kind: CampaignKind.CeoLetter,
      topicKey: 'company-letters',
      templates: { email: 'ceo-letter' },
      signerId: signer.id,
    });
    const rows = await drain(t, await planNow(t, campaign));
    expect(countBy(rows)).toEqual({ sent: 2 });

    const [m] = sink.to(en.email!);
    expect(m.from).toEqual({ name: 'Ivan Petrov', address: 'ceo@alfa.example' });
    expect(m.messageId).toMatch(/@alfa\.example>$/);
    expect(m.attachments).toEqual([
      expect.objectContaining({
        contentId: '<signature>',
        contentType: 'image/png',
        contentDisposition: 'inline',
      }),
    ]);
    expect(m.text).not.toContain('cid:');
    // An English client reads the English name and title: in the subject, the text and under the
    // signature, which stands above the English sign-off.
    expect(m.subject).toBe('A personal note from Ivan Petrov, Альфа');
    expect(m.html).toMatch(/<img src="cid:signature" alt="Ivan Petrov"[^>]*>Ivan Petrov<br>/);
    expect(m.html.split('Chief Executive Officer, ').length - 1).toBe(1);
    expect(`${m.html}\n${m.text}`).not.toMatch(/директор|Иван Петров/);

    // A Russian client still gets the Russian ones.
    const [r] = sink.to(ru.email!);
    expect(r.from).toEqual({ name: 'Иван Петров', address: 'ceo@alfa.example' });
    expect(r.html).toMatch(/<img src="cid:signature" alt="Иван Петров"[^>]*>Иван Петров<br>/);
    expect(r.html.split('генеральный директор, ').length - 1).toBe(1);
    expect(`${r.subject}\n${r.html}\n${r.text}`).not.toMatch(/Chief Executive Officer|Ivan Petrov/);
  });

  it('closes the SMTP pool when the app stops', async () => {
    const local = await SmtpSink.start();
    const app = await createEmailApp(local);
    await createClient(app.dataSource);
    await drain(app, await planNow(app, await emailCampaign(app), { edition: {} }));
    expect(local.accepted).toBe(1);
    expect(local.connections).toBeGreaterThan(0);
    await app.close();
    await waitUntil(() => local.connections === 0);
    await local.close();
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('Timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
