import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Response } from 'superagent';
import { CampaignKind, CampaignStatus, Edition } from '@touchbase/campaigns';
import { Channel, StaffRole } from '@touchbase/core';
import { LetterBatchBuilderService, LetterBatchDto } from '@touchbase/letters';
import { DEFAULT_FREQUENCY_POLICY, PlannerService } from '@touchbase/planning';
import { createRun } from '../factories/run.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { setPolicy } from '../support/planning';
import { SmtpSink } from '../support/smtp-sink';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { TEST_TWILIO, TwilioStandIn } from '../support/twilio-standin';
import { createTaggedCampaign } from './calls-support';
import { headerLine } from './email-support';
import { pdfPages } from './letters-pdf';
import { twilioEnv } from './sms-support';

jest.setTimeout(180_000);

const CLIENTS = 200;
const CHANNELS = [Channel.Email, Channel.Sms, Channel.Call, Channel.Letter];
const TAG = 'e2e-200';

interface ClientRow {
  id: string;
  name: string;
  email: string;
  phone: string;
  locale: string;
  owner_id: string;
  preferred: Channel;
}

interface DeliveryRow {
  id: string;
  client_id: string;
  channel: Channel;
  status: string;
  reason: string | null;
  locked_until: Date | null;
  letter_batch_id: string | null;
  provider_id: string | null;
}

// supertest keeps a PDF body as a Buffer only when told how.
function binary(res: Response, callback: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

/**
 * A monthly broadcast to 200 clients whose preferred channels are email, SMS, call and letter in
 * turn, dispatched by the worker's own loops: the SMTP sink gets each email once (with one-click
 * unsubscribe headers), the Twilio stand-in each SMS once, the owners get call tasks, and one PDF holds
 * the letters — Cyrillic intact everywhere.
 */
describe('Dispatch end to end: a monthly broadcast to 200 clients on four channels', () => {
  let t: TestApp;
  let sink: SmtpSink;
  const standIn = new TwilioStandIn({ ...TEST_TWILIO });
  let lettersDir: string;
  let runId: string;
  let clients: Map<string, ClientRow>;
  let rows: DeliveryRow[];
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    sink = await SmtpSink.start();
    await standIn.start();
    lettersDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-e2e-200-'));
    t = await createTestApp(
      {
        ...twilioEnv(standIn.url),
        EMAIL_DRIVER: 'smtp',
        SMTP_URL: sink.url,
        SMTP_MAX_CONNECTIONS: '4',
        EMAIL_FROM: 'Альфа <news@alfa.example>',
        COMPANY_NAME: 'ООО «Альфа»',
        COMPANY_ADDRESS: '620075, Екатеринбург, ул. Ленина, д. 1',
        LETTERS_DIR: lettersDir,
        DISPATCH_CHANNELS: 'email,sms,call,letter',
        DISPATCH_BATCH_SIZE: '25',
        DISPATCH_POLL_MS: '200',
      },
      { withWorker: true },
    );
    // No caps and no sending windows: the whole run is due now.
    await setPolicy(t.dataSource, {
      overall: [],
      perChannel: { email: [], sms: [], call: [], letter: [] },
      sendingWindows: { email: null, sms: null, call: null, letter: null },
    });
    expect(DEFAULT_FREQUENCY_POLICY.sendingWindows.call).not.toBeNull(); // the default has one: replaced above
    const owners = await Promise.all(
      ['Анна Смирнова', 'Борис Орлов'].map((name) =>
        createStaffWithKey(t.dataSource, StaffRole.SalesOps, { name }),
      ),
    );
    const inserted: Omit<ClientRow, 'preferred'>[] = await t.dataSource.query(
      `INSERT INTO clients (external_ref, name, kind, email, phone, phone_mobile, address_recipient, address_lines,
                            address_city, address_region, address_postal_code, address_country, locale, time_zone, owner_id, tags, stage)
       SELECT 'E200-' || lpad(g::text, 3, '0'),
              CASE WHEN g % 2 = 0 THEN 'ООО «Ёлка-' || g || '»' ELSE 'Пётр Щукин ' || g END,
              CASE WHEN g % 2 = 0 THEN 'company' ELSE 'person' END,
              'client' || g || '@e2e.example', '+7912' || lpad(g::text, 7, '0'), true,
              CASE WHEN g % 2 = 0 THEN 'ООО «Ёлка-' || g || '»' ELSE 'Пётр Щукин ' || g END,
              ARRAY['ул. Малышева, д. ' || g], 'Екатеринбург', 'Свердловская область', '620075', 'RU',
              CASE WHEN g % 10 = 0 THEN 'en' ELSE 'ru' END, 'Asia/Yekaterinburg',
              CASE WHEN g % 2 = 0 THEN $2::uuid ELSE $3::uuid END, ARRAY[$4], 'client'
         FROM generate_series(1, $1) g
       RETURNING id, name, email, phone, locale, owner_id`,
      [CLIENTS, owners[0].staff.id, owners[1].staff.id, TAG],
    );
    clients = new Map(
      inserted.map((c, i) => [c.id, { ...c, preferred: CHANNELS[i % CHANNELS.length] } as ClientRow]),
    );
    await t.dataSource.query(
      `UPDATE client_preferences p SET preferred_channel = u.channel
         FROM unnest($1::uuid[], $2::text[]) AS u(id, channel) WHERE p.client_id = u.id`,
      [[...clients.keys()], [...clients.values()].map((c) => c.preferred)],
    );

    const campaign = await createTaggedCampaign(t, TAG, {
      name: 'Ежемесячная рассылка',
      kind: CampaignKind.Broadcast,
      status: CampaignStatus.Paused,
      topicKey: 'news',
      channels: CHANNELS,
      templates: {
        email: 'monthly-broadcast',
        sms: 'monthly-broadcast',
        call: 'vip-call',
        letter: 'monthly-broadcast',
      },
    });
    const at = new Date(Date.now() - 60_000);
    const run = await createRun(t.dataSource, campaign, at, '2026-11');
    runId = run.id;
    const editions = t.dataSource.getRepository(Edition);
    await editions.save(
      editions.create({
        campaignId: campaign.id,
        periodKey: '2026-11',
        subjectRu: 'Новости ноября: склад в Челябинске',
        subjectEn: 'November news: a warehouse in Chelyabinsk',
        blocks: [
          { type: 'heading', ru: 'Новый склад в Челябинске', en: 'A new warehouse' },
          { type: 'paragraph', ru: 'Доставка по Уралу — за один день.', en: 'Next-day delivery.' },
        ],
      }),
    );
    await t.app.get(PlannerService).plan(run.id, { now: at });
    rows = await waitForDispatch();
  });

  afterAll(async () => {
    await t?.close();
    await standIn.stop();
    await sink?.close();
    fs.rmSync(lettersDir, { recursive: true, force: true });
  });

  /** The worker's loops do the work; this only waits for them and for the letter batch's PDF. */
  async function waitForDispatch(): Promise<DeliveryRow[]> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const current: DeliveryRow[] = await t.dataSource.query(
        `SELECT id::text, client_id, channel, status, reason, locked_until, letter_batch_id, provider_id
           FROM deliveries WHERE run_id = $1 ORDER BY id`,
        [runId],
      );
      const busy = current.filter(
        (d) => d.status === 'queued' || (d.status === 'sending' && d.locked_until !== null),
      );
      if (current.length === CLIENTS && busy.length === 0) {
        await t.app.get(LetterBatchBuilderService).idle();
        const [{ building }] = await t.dataSource.query(
          `SELECT count(*)::int AS building FROM letter_batches WHERE run_id = $1 AND status = 'building'`,
          [runId],
        );
        if (building === 0) return current;
      }
      if (Date.now() > deadline)
        throw new Error(`Run not dispatched: ${busy.length} busy of ${current.length}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const ofChannel = (channel: Channel) => rows.filter((d) => d.channel === channel);

  it('plans every client on their preferred channel, and every delivery ends where its channel leaves it', () => {
    expect(rows).toHaveLength(CLIENTS);
    for (const d of rows) expect(d.channel).toBe(clients.get(d.client_id)!.preferred);
    const expected: Record<Channel, string> = {
      [Channel.Email]: 'sent',
      [Channel.Sms]: 'sent',
      // Handed over to people: the call to its owner, the letter to the batch to be mailed.
      [Channel.Call]: 'sending',
      [Channel.Letter]: 'sending',
    };
    for (const channel of CHANNELS) {
      const mine = ofChannel(channel);
      expect(mine).toHaveLength(CLIENTS / CHANNELS.length);
      expect(mine.map((d) => [d.status, d.reason])).toEqual(mine.map(() => [expected[channel], null]));
    }
  });

  it('the SMTP sink received each email exactly once, with one-click unsubscribe headers and Cyrillic intact', () => {
    const emails = ofChannel(Channel.Email);
    expect(sink.messages).toHaveLength(emails.length);
    const byId = new Map(sink.messages.map((m) => [m.messageId, m]));
    expect(byId.size).toBe(emails.length);
    for (const d of emails) {
      const client = clients.get(d.client_id)!;
      const m = byId.get(`<${d.provider_id}>`);
      expect(m).toBeDefined();
      expect(m!.messageId).toMatch(new RegExp(`^<delivery-${d.id}\\.`));
      expect(m!.envelopeTo).toEqual([client.email]);
      expect(m!.to).toEqual([{ name: client.name, address: client.email }]);
      expect(m!.from).toEqual({ name: 'Альфа', address: 'news@alfa.example' });
      expect(m!.subject).toBe(
        client.locale === 'en'
          ? 'November news: a warehouse in Chelyabinsk'
          : 'Новости ноября: склад в Челябинске',
      );
      if (client.locale === 'ru') expect(m!.text).toContain('Доставка по Уралу — за один день.');
      // One-click unsubscribe (RFC 8058), an https link of its own, on one unfolded line each.
      const unsubscribe = headerLine(m!.rawHeaders, 'List-Unsubscribe');
      expect(unsubscribe).toMatch(/^List-Unsubscribe: <https:\/\/touchbase\.example\.com\/u\/[^>\s]+>$/);
      expect(headerLine(m!.rawHeaders, 'List-Unsubscribe-Post')).toBe(
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
      );
      expect(m!.html.length).toBeGreaterThan(0);
      expect(m!.text.length).toBeGreaterThan(0);
    }
  });

  it('the Twilio stand-in received each SMS exactly once, to the client, in Russian or English as they read, its portal link short', async () => {
    const sms = ofChannel(Channel.Sms);
    expect(standIn.requests.every((r) => r.authorized)).toBe(true);
    const sent = standIn.sent;
    expect(sent).toHaveLength(sms.length);
    const byTo = new Map(sent.map((r) => [r.params.To, r]));
    expect(byTo.size).toBe(sms.length);
    for (const d of sms) {
      const client = clients.get(d.client_id)!;
      const request = byTo.get(client.phone)!;
      expect(request).toBeDefined();
      expect(d.provider_id).toBe(request.sid);
      expect(request.params.MessagingServiceSid).toBe(TEST_TWILIO.messagingServiceSid);
      expect(request.params.StatusCallback).toBe(
        `https://touchbase.example.com/webhooks/twilio/status?d=${d.id}`,
      );
      expect(request.params.Body).toContain(
        client.locale === 'en'
          ? 'ООО «Альфа»: November news: a warehouse in Chelyabinsk'
          : 'ООО «Альфа»: Новости ноября: склад в Челябинске',
      );
      // The portal link through a short link (~35 characters instead of ~150): it leads to the client's portal.
      const code = /https:\/\/touchbase\.example\.com\/r\/([0-9A-Za-z]{10})$/.exec(request.params.Body)?.[1];
      expect(code).toBeDefined();
      const res = await t.http().get(`/r/${code}`).redirects(0).expect(302);
      expect(res.headers.location).toMatch(/^https:\/\/touchbase\.example\.com\/portal\/\S+/);
    }
  });

  it("made one open call task per call delivery, for the client's owner, with the script in Cyrillic", async () => {
    const calls = ofChannel(Channel.Call);
    const tasks: {
      delivery_id: string;
      client_id: string;
      owner_id: string;
      status: string;
      script: string;
    }[] = await t.dataSource.query(
      `SELECT ct.delivery_id::text, ct.client_id, ct.owner_id, ct.status, ct.script
           FROM call_tasks ct JOIN deliveries d ON d.id = ct.delivery_id WHERE d.run_id = $1`,
      [runId],
    );
    expect(tasks.map((x) => x.delivery_id).sort()).toEqual(calls.map((d) => d.id).sort());
    for (const task of tasks) {
      const client = clients.get(task.client_id)!;
      expect(task.owner_id).toBe(client.owner_id);
      expect(task.status).toBe('open');
      expect(task.script).toContain(client.name);
    }
    // Each owner sees their own through the API.
    const res = await t
      .http()
      .get('/api/v1/call-tasks')
      .query({ owner: 'all', limit: 500 })
      .set(as(TEST_ADMIN_KEY));
    expect(res.status).toBe(200);
    const listed = (res.body.items as { deliveryId: string }[]).filter((x) =>
      calls.some((d) => d.id === x.deliveryId),
    );
    expect(listed).toHaveLength(calls.length);
  });

  it('made ONE letter batch whose PDF holds a letter for each letter client and for no one else', async () => {
    const letters = ofChannel(Channel.Letter);
    const res = await t.http().get('/api/v1/letter-batches').query({ runId }).set(as(TEST_ADMIN_KEY));
    expect(res.status).toBe(200);
    const batches = res.body.items as LetterBatchDto[];
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    expect(batch).toMatchObject({ status: 'ready', letters: letters.length });
    expect(new Set(letters.map((d) => d.letter_batch_id))).toEqual(new Set([batch.id]));

    const pdf = (await t
      .http()
      .get(`/api/v1/letter-batches/${batch.id}/pdf`)
      .set(as(TEST_ADMIN_KEY))
      .buffer(true)
      .parse(binary)) as Response & { body: Buffer };
    expect(pdf.status).toBe(200);
    const pages = await pdfPages(pdf.body);
    expect(pages).toHaveLength(batch.pages);
    expect(pages.length).toBeGreaterThanOrEqual(letters.length);
    // The first page of each letter carries its window-envelope address; pages are not shared.
    const letterClients = letters.map((d) => clients.get(d.client_id)!);
    const owners = pages.map((text) =>
      letterClients.filter((c) => new RegExp(`${escape(c.name)}(?!\\d)`).test(text)),
    );
    expect(owners.every((o) => o.length <= 1)).toBe(true);
    for (const client of letterClients) {
      expect(owners.some((o) => o[0]?.id === client.id)).toBe(true);
    }
    const text = pages.join('\n');
    expect(text).toContain('Екатеринбург');
    const others = [...clients.values()].filter((c) => c.preferred !== Channel.Letter);
    for (const c of others) expect(new RegExp(`${escape(c.name)}(?!\\d)`).test(text)).toBe(false);
  });

  it("the run's statistics match its deliveries", async () => {
    const res = await t.http().get(`/api/v1/runs/${runId}`).set(as(TEST_ADMIN_KEY));
    expect(res.status).toBe(200);
    const live: { channel: string; status: string; n: number }[] = await t.dataSource.query(
      `SELECT channel, status, count(*)::int AS n FROM deliveries WHERE run_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      [runId],
    );
    expect(live).toEqual([
      { channel: 'call', status: 'sending', n: 50 },
      { channel: 'email', status: 'sent', n: 50 },
      { channel: 'letter', status: 'sending', n: 50 },
      { channel: 'sms', status: 'sent', n: 50 },
    ]);
    // The run's counts are the deliveries' current statuses, not the plan's snapshot.
    expect(res.body.stats).toMatchObject({
      byStatus: { sending: CLIENTS / 2, sent: CLIENTS / 2 },
      byChannel: Object.fromEntries(live.map((r) => [r.channel, { [r.status]: r.n }])),
    });
    // Calls and letters are still with people: the run is not complete yet.
    expect(res.body.status).toBe('dispatching');
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
