import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CampaignKind, CampaignStatus } from '@touchbase/campaigns';
import { Channel, Locale, StaffRole } from '@touchbase/core';
import { InboundBounceProcessor, InboundVia } from '@touchbase/deliverability';
import { DispatcherService } from '@touchbase/dispatch';
import { LetterBatchBuilderService, LetterBatchDto } from '@touchbase/letters';
import { ShortLinksService } from '@touchbase/links';
import { PlannerService } from '@touchbase/planning';
import { WebhookDeliveryService, WebhookEventType } from '@touchbase/webhooks';
import { createCampaign } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { createRun } from '../factories/run.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { bounceFixture } from '../support/bounce-fixtures';
import { archiveAllClients, planNow, TEST_EDITION } from '../support/planning';
import { SmtpSink } from '../support/smtp-sink';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { TEST_TWILIO, TwilioStandIn, twilioSignature } from '../support/twilio-standin';
import { createTaggedCampaign, dispatchAll, planCallTasks } from './calls-support';
import { drain } from './email-support';
import { createCeoSigner } from './letters-pdf';
import { inviteToSurvey, portalToken } from './portal-support';
import { smsCampaign, twilioEnv, waitForRunDispatched, waitForRunStatus } from './sms-support';
import { HookReceiver } from './webhook-support';

const PUBLIC_URL = 'https://tb.example';
const BOUNCE_DOMAIN = 'bounce.alfa.example';
const CATALOG = 'https://shop.example/catalog';
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36';

describe('Webhook events from the real flows (signatures checked with standardwebhooks)', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let lettersDir: string;
  let signerId: string;
  const standIn = new TwilioStandIn({ ...TEST_TWILIO, latencyMs: 5 });
  const receiver = new HookReceiver();
  const as = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };
  let seq = 0;

  /** Delivers what the outbox holds, and waits for what the job's own pass may hold meanwhile. */
  async function hooks(): Promise<void> {
    const delivery = t.app.get(WebhookDeliveryService);
    for (const until = Date.now() + 20_000; ;) {
      while ((await delivery.deliverDue()) > 0);
      const [{ n }]: { n: number }[] = await t.dataSource.query(
        `SELECT (SELECT count(*) FROM webhook_outbox WHERE fanned_out_at IS NULL)
              + (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending' OR claim_token IS NOT NULL) AS n`,
      );
      if (Number(n) === 0) return;
      if (Date.now() > until) throw new Error(`${n} webhooks still undelivered`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const ofClient = (type: WebhookEventType, clientId: string) =>
    receiver.of(type).filter((r) => r.data.clientId === clientId);

  beforeAll(async () => {
    sink = await SmtpSink.start();
    await standIn.start();
    await receiver.start();
    lettersDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-hook-letters-'));
    t = await createTestApp(
      {
        ...twilioEnv(standIn.url),
        EMAIL_DRIVER: 'smtp',
        SMTP_URL: sink.url,
        EMAIL_FROM: 'Альфа <noreply@alfa.example>',
        COMPANY_NAME: 'Альфа',
        COMPANY_ADDRESS: '125009, Москва, ул. Тверская, д. 1',
        PUBLIC_URL,
        BOUNCE_DOMAIN,
        EMAIL_HARD_BOUNCE_LIMIT: '1',
        DISPATCH_CHANNELS: 'email,sms,call,letter',
        DISPATCH_RETRY_BASE_MS: '20',
        LETTERS_DIR: lettersDir,
        THROTTLE_PUBLIC_PER_MINUTE: '100000',
        WEBHOOK_POLL_MS: '60000',
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      },
      { withWorker: true },
    );
    const res = await t
      .http()
      .post('/api/v1/webhooks/endpoints')
      .set(as)
      .send({ url: receiver.url })
      .expect(201);
    receiver.secret = res.body.secret as string;
    signerId = await createCeoSigner(t.app);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
    await standIn.stop();
    await receiver.close();
    fs.rmSync(lettersDir, { recursive: true, force: true });
  });

  it('preferences.changed from the admin API and from the portal, with the changed items', async () => {
    const client = await createClient(t.dataSource);
    await t
      .http()
      .put(`/api/v1/clients/${client.id}/preferences`)
      .set(as)
      .send({ frequency: 'monthly' })
      .expect(200);
    await t
      .http()
      .put('/api/v1/portal/preferences')
      .set('Authorization', `Bearer ${portalToken(t, client.id)}`)
      .send({ channels: { sms: false } })
      .expect(200);
    // Setting what already is changes nothing, and emits nothing.
    await t
      .http()
      .put(`/api/v1/clients/${client.id}/preferences`)
      .set(as)
      .send({ frequency: 'monthly' })
      .expect(200);
    await hooks();
    const events = ofClient(WebhookEventType.PreferencesChanged, client.id);
    expect(events.map((e) => e.data.changes)).toEqual([
      [expect.objectContaining({ item: 'frequency', new: 'monthly' })],
      [{ item: 'channel.sms', old: true, new: false }],
    ]);
    expect(events[0].data).toMatchObject({ externalRef: client.externalRef, actorType: 'staff' });
    expect(events[1].data).toMatchObject({ actorType: 'client' });
  });

  it('email: delivery.sent, link.clicked once for the first human click, delivery.bounced from the inbound DSN, run.completed', async () => {
    const client = await createClient(t.dataSource, { tags: ['hooks-email'] });
    const campaign = await createTaggedCampaign(t, 'hooks-email', {
      status: CampaignStatus.Paused,
      channels: [Channel.Email],
      templates: { email: 'monthly-broadcast' },
    });
    const runId = await planNow(t, campaign, {
      edition: {
        blocks: [...TEST_EDITION.blocks!, { type: 'link', ru: 'Каталог', en: 'Catalogue', url: CATALOG }],
      },
    });
    const [row] = await drain(t, runId);
    expect(row.status).toBe('sent');
    await waitForRunStatus(t, runId, 'completed');
    const [message] = sink.to(client.email!);
    const code = [...message.html.matchAll(/https:\/\/tb\.example\/r\/([0-9A-Za-z]{10})/g)]
      .map((m) => m[1])
      .find(Boolean)!;
    // Read an hour after sending (a click within seconds of it is a link scanner's).
    await t.dataSource.query(`UPDATE deliveries SET sent_at = sent_at - interval '1 hour' WHERE id = $1`, [
      row.id,
    ]);
    // A scanner's HEAD first: a machine click emits nothing; then two clicks by a person: one event.
    await t.http().head(`/r/${code}`).redirects(0).expect(302);
    await t.app.get(ShortLinksService).flushClicks();
    const follow = await t.http().get(`/r/${code}`).set('User-Agent', BROWSER).redirects(0).expect(302);
    await t.http().get(`/r/${code}`).set('User-Agent', BROWSER).redirects(0).expect(302);
    await t.app.get(ShortLinksService).flushClicks();
    await t.http().get(`/r/${code}`).set('User-Agent', BROWSER).redirects(0).expect(302);
    await t.app.get(ShortLinksService).flushClicks();

    await t.app.get(InboundBounceProcessor).process(
      bounceFixture('postfix-hard-5.1.1.eml', {
        verp: message.envelopeFrom,
        recipient: client.email!,
        messageId: `<${row.provider_id}>`,
        bounceDomain: BOUNCE_DOMAIN,
      }),
      { via: InboundVia.Imap },
    );
    await hooks();

    const sent = ofClient(WebhookEventType.DeliverySent, client.id);
    expect(sent).toHaveLength(1);
    expect(sent[0].data).toMatchObject({
      deliveryId: row.id,
      clientId: client.id,
      externalRef: client.externalRef,
      runId,
      campaignId: campaign.id,
      channel: 'email',
      status: 'sent',
      providerId: row.provider_id,
    });
    const clicks = ofClient(WebhookEventType.LinkClicked, client.id);
    expect(clicks).toHaveLength(1);
    expect(clicks[0].data).toMatchObject({
      deliveryId: row.id,
      url: follow.headers.location,
      channel: 'email',
    });
    const bounced = ofClient(WebhookEventType.DeliveryBounced, client.id);
    expect(bounced).toHaveLength(1);
    expect(bounced[0].data).toMatchObject({ deliveryId: row.id, status: 'bounced' });
    const completed = receiver.of(WebhookEventType.RunCompleted).filter((r) => r.data.runId === runId);
    expect(completed).toHaveLength(1);
    expect(completed[0].data).toMatchObject({ campaignId: campaign.id, status: 'completed' });
    expect(completed[0].data.byStatus).toEqual({ sent: 1 });
    // Per client in order: sent, clicked, bounced.
    const order = receiver.received
      .filter(
        (r) => r.data.clientId === client.id && (r.type.startsWith('delivery') || r.type.startsWith('link')),
      )
      .map((r) => r.type);
    expect(order).toEqual(['delivery.sent', 'link.clicked', 'delivery.bounced']);
  });

  it('SMS through the Twilio stand-in: delivery.sent, then delivered or failed from the status callbacks', async () => {
    await archiveAllClients(t);
    const ok = await createClient(t.dataSource, { phone: '+79120000101', tags: ['hooks-sms'] });
    const bad = await createClient(t.dataSource, { phone: '+79120000102', tags: ['hooks-sms'] });
    const campaign = await smsCampaign(t);
    const runId = await planNow(t, campaign);
    await dispatchAll(t, Channel.Sms);
    await waitForRunDispatched(t, runId);
    const rows: { id: string; client_id: string; provider_id: string; status: string }[] =
      await t.dataSource.query(
        `SELECT id::text, client_id, provider_id, status FROM deliveries WHERE run_id = $1 AND client_id = ANY($2)`,
        [runId, [ok.id, bad.id]],
      );
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    for (const r of rows) {
      const status = r.client_id === ok.id ? 'delivered' : 'undelivered';
      const params: Record<string, string> = {
        AccountSid: TEST_TWILIO.accountSid,
        MessageSid: r.provider_id,
        MessageStatus: status,
        SmsSid: r.provider_id,
        SmsStatus: status,
        ...(status === 'undelivered'
          ? { ErrorCode: '30003', ErrorMessage: 'Unreachable destination handset' }
          : {}),
      };
      const url = `/webhooks/twilio/status?d=${r.id}`;
      await t
        .http()
        .post(url)
        .type('form')
        .set('X-Twilio-Signature', twilioSignature(TEST_TWILIO.authToken, PUBLIC_URL + url, params))
        .send(params)
        .expect((res) => expect(res.status).toBeLessThan(300));
    }
    await hooks();
    expect(ofClient(WebhookEventType.DeliverySent, ok.id).map((e) => e.data.channel)).toEqual(['sms']);
    expect(ofClient(WebhookEventType.DeliveryDelivered, ok.id)).toHaveLength(1);
    expect(ofClient(WebhookEventType.DeliveryDelivered, ok.id)[0].data.deliveredAt).toBeTruthy();
    const failed = ofClient(WebhookEventType.DeliveryFailed, bad.id);
    expect(failed).toHaveLength(1);
    expect(failed[0].data).toMatchObject({ channel: 'sms', status: 'failed', reason: 'sms-undelivered' });
    expect(String(failed[0].data.error)).toContain('30003');
  });

  it('call.outcome when a call is recorded, with the delivery settled', async () => {
    seq += 1;
    const tag = `hooks-call-${seq}`;
    const client = await createClient(t.dataSource, {
      tags: [tag],
      timeZone: 'Europe/Moscow',
      phone: '+79120000201',
      ownerId: (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).staff.id,
    });
    const { runId } = await planCallTasks(t, tag, 'Europe/Moscow', { name: `Звонки ${tag}` });
    const [task]: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM call_tasks WHERE client_id = $1`,
      [client.id],
    );
    await t
      .http()
      .post(`/api/v1/call-tasks/${task.id}/outcome`)
      .set(as)
      .send({ outcome: 'reached', notes: 'Поговорили' })
      .expect((res) => expect(res.status).toBeLessThan(300));
    await hooks();
    const outcomes = ofClient(WebhookEventType.CallOutcome, client.id);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0].data).toMatchObject({
      callTaskId: task.id,
      runId,
      channel: 'call',
      outcome: 'reached',
      status: 'done',
      externalRef: client.externalRef,
    });
    expect(JSON.stringify(outcomes[0].data)).not.toContain('Поговорили');
    expect(ofClient(WebhookEventType.DeliverySent, client.id).map((e) => e.data.channel)).toEqual(['call']);
  });

  it('letter.mailed for every letter of a mailed batch, letter.returned for returned mail', async () => {
    seq += 1;
    const tag = `hooks-letter-${seq}`;
    const clients = [
      await createClient(t.dataSource, {
        tags: [tag],
        addressRecipient: 'ООО «Альфа»',
        addressLines: ['ул. Ленина, 5'],
      }),
      await createClient(t.dataSource, {
        tags: [tag],
        addressRecipient: 'АО «Вектор»',
        addressLines: ['пр. Мира, 7'],
      }),
    ];
    const campaign = await createTaggedCampaign(t, tag, {
      name: `Письмо ${tag}`,
      kind: CampaignKind.CeoLetter,
      topicKey: 'company-letters',
      channels: [Channel.Letter],
      templates: { letter: 'ceo-letter' },
      signerId,
    });
    const at = new Date(Date.now() - 60_000);
    const run = await createRun(t.dataSource, campaign, at, `hooks-${seq}`);
    await t.app.get(PlannerService).plan(run.id, { now: at });
    await t.app.get(DispatcherService).dispatchOnce(Channel.Letter);
    await dispatchAll(t, Channel.Letter);
    let batch: LetterBatchDto | undefined;
    for (const until = Date.now() + 30_000; !batch;) {
      await t.app.get(LetterBatchBuilderService).idle();
      const res = await t.http().get('/api/v1/letter-batches').query({ runId: run.id }).set(as).expect(200);
      batch = (res.body.items as LetterBatchDto[]).find((b) => b.status === 'ready');
      if (!batch && Date.now() > until) throw new Error('No ready letter batch');
      if (!batch) await new Promise((r) => setTimeout(r, 100));
    }
    await t.http().post(`/api/v1/letter-batches/${batch.id}/mailed`).set(as).expect(200);
    const [returned]: { id: string }[] = await t.dataSource.query(
      `SELECT id::text FROM deliveries WHERE run_id = $1 AND client_id = $2`,
      [run.id, clients[0].id],
    );
    await t
      .http()
      .post(`/api/v1/deliveries/${returned.id}/returned`)
      .set(as)
      .send({ note: 'Выбыл' })
      .expect(200);
    await hooks();
    for (const c of clients) {
      const mailed = ofClient(WebhookEventType.LetterMailed, c.id);
      expect(mailed).toHaveLength(1);
      expect(mailed[0].data).toMatchObject({ letterBatchId: batch.id, channel: 'letter', runId: run.id });
      expect(mailed[0].data.mailedAt).toBeTruthy();
    }
    const back = receiver.of(WebhookEventType.LetterReturned);
    expect(back.map((e) => e.data.clientId)).toEqual([clients[0].id]);
    expect(back[0].data).toMatchObject({ deliveryId: returned.id, reason: 'address-returned' });
    expect(receiver.of(WebhookEventType.RunCompleted).some((e) => e.data.runId === run.id)).toBe(true);
  });

  it('survey.answered when the client answers in the portal', async () => {
    const client = await createClient(t.dataSource);
    const survey = await createCampaign(t.dataSource, {
      status: CampaignStatus.Paused,
      topicKey: 'surveys',
      channels: [Channel.Email],
      templates: { email: 'survey-invitation' },
    });
    const runId = await inviteToSurvey(t, [client.id], survey);
    await t
      .http()
      .post('/api/v1/portal/survey')
      .set('Authorization', `Bearer ${portalToken(t, client.id)}`)
      .send({ valued: 'Скорость', improve: 'Сайт', rating: 9 })
      .expect(200);
    await hooks();
    const answers = ofClient(WebhookEventType.SurveyAnswered, client.id);
    expect(answers).toHaveLength(1);
    expect(answers[0].data).toMatchObject({ runId, campaignId: survey.id, rating: 9, valued: 'Скорость' });
  });

  it('an endpoint failing for a day is disabled: the API says why, and every admin gets an email in their language', async () => {
    const english = await createStaffWithKey(t.dataSource, StaffRole.Admin, {
      name: 'Jane Admin',
      email: 'jane.admin@alfa.example',
      locale: Locale.En,
    });
    await createStaffWithKey(t.dataSource, StaffRole.Marketer, { email: 'marketer@alfa.example' });
    const dead = await t
      .http()
      .post('/api/v1/webhooks/endpoints')
      .set(as)
      .send({ url: 'http://127.0.0.1:9/refused', eventTypes: [WebhookEventType.ClientCreated] })
      .expect(201);
    await t.dataSource.query(
      `UPDATE webhook_endpoints SET failing_since = now() - interval '25 hours' WHERE id = $1`,
      [dead.body.id],
    );
    sink.reset();
    await t.http().post('/api/v1/clients').set(as).send({ name: 'ООО «Отказ»' }).expect(201);
    await hooks();
    const shown = await t.http().get(`/api/v1/webhooks/endpoints/${dead.body.id}`).set(as).expect(200);
    expect(shown.body).toMatchObject({ active: false, disabledReason: 'failing' });
    expect(shown.body.lastError).toBeTruthy();
    const [admin]: { email: string }[] = await t.dataSource.query(
      `SELECT email FROM staff_members WHERE role = 'admin' AND id <> $1 ORDER BY created_at LIMIT 1`,
      [english.staff.id],
    );
    const until = Date.now() + 10_000;
    while (sink.messages.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const ru = sink.to(admin.email);
    expect(ru.map((m) => m.subject)).toEqual([
      expect.stringContaining('Вебхук отключён: http://127.0.0.1:9/refused'),
    ]);
    expect(ru[0].text).toContain(String(dead.body.id));
    const en = sink.to(english.staff.email);
    expect(en.map((m) => m.subject)).toEqual([
      expect.stringContaining('Webhook endpoint disabled: http://127.0.0.1:9/refused'),
    ]);
    expect(en[0].text).toContain(shown.body.lastError as string);
    expect(sink.to('marketer@alfa.example')).toEqual([]);
    // The working endpoint is untouched.
    const ok = await t.http().get('/api/v1/webhooks/endpoints').set(as).expect(200);
    expect((ok.body as { url: string; active: boolean }[]).find((e) => e.url === receiver.url)?.active).toBe(
      true,
    );
  });

  it('every event type arrived, and every signature verifies with standardwebhooks', async () => {
    await t.http().post('/api/v1/clients').set(as).send({ name: 'ООО «Все события»' }).expect(201);
    await hooks();
    const types = new Set(receiver.received.map((r) => r.type));
    for (const type of Object.values(WebhookEventType)) {
      if (type === WebhookEventType.Ping) continue;
      if (type === WebhookEventType.ClientUpdated || type === WebhookEventType.ClientErased) continue; // webhooks.e2e
      expect([type, types.has(type)]).toEqual([type, true]);
    }
    expect(receiver.received.length).toBeGreaterThan(15);
    expect(receiver.received.filter((r) => !r.verified)).toEqual([]);
    // A receiver's dedupe key is unique per event.
    expect(new Set(receiver.received.map((r) => r.id)).size).toBe(receiver.received.length);
  });
});
