import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client as PgClient } from 'pg';
import { AppConfig } from '@touchbase/config';
import { Locale } from '@touchbase/core';
import { LinksService } from '@touchbase/links';
import { createClient } from '../factories/client.factory';
import { archiveAllClients, planNow } from '../support/planning';
import { SmtpSink } from '../support/smtp-sink';
import { freePort, killSpawnedProcesses, spawnEntryPoint } from '../support/spawn-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { createTestApp, TestApp } from '../support/test-app';
import { createEmailApp, deliveries, drain, emailCampaign, headerLine, PUBLIC_URL } from './email-support';

const ONE_CLICK = 'List-Unsubscribe=One-Click';

describe('Unsubscribe links (/u/:token): pages and RFC 8058 one-click', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let links: LinksService;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createEmailApp(sink);
    links = t.app.get(LinksService);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });
  beforeEach(async () => {
    sink.reset();
    await archiveAllClients(t);
  });

  const consentLog = (clientId: string) =>
    t.dataSource.query(
      `SELECT actor_type, actor_id, source, item, old_value, new_value, host(ip) AS ip, user_agent, wording_version
         FROM consent_log WHERE client_id = $1 ORDER BY id`,
      [clientId],
    );
  const subscribed = async (clientId: string, topic: string): Promise<boolean> => {
    const [row] = await t.dataSource.query(
      `SELECT COALESCE(s.subscribed, t.default_subscribed) AS subscribed
         FROM topics t LEFT JOIN client_topic_subscriptions s ON s.topic_key = t.key AND s.client_id = $1
        WHERE t.key = $2`,
      [clientId, topic],
    );
    return row.subscribed;
  };
  const optedOut = async (clientId: string): Promise<boolean> =>
    (await t.dataSource.query(`SELECT opted_out FROM client_preferences WHERE client_id = $1`, [clientId]))[0]
      .opted_out;

  it('GET shows a confirmation page in the client’s language and changes nothing', async () => {
    const client = await createClient(t.dataSource);
    const token = links.unsubscribeToken({ c: client.id, v: 0, t: 'news' });

    const ru = await t.http().get(`/u/${token}`).expect(200);
    expect(ru.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(ru.headers['cache-control']).toBe('no-store');
    expect(ru.text).toContain('<html lang="ru">');
    expect(ru.text).toContain('Отписаться от рассылки «Новости компании»?');
    expect(ru.text).toContain(`<form method="post" action="/u/${token}?lang=ru">`);
    expect(ru.text).toMatch(new RegExp(`href="${PUBLIC_URL}/portal/[\\w.-]+\\?lang=ru"`));
    // The portal's chrome: its stylesheet, skip link and language links, under its CSP (no inline style).
    expect(ru.headers['content-security-policy']).toContain("style-src 'self'");
    expect(ru.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(ru.headers['referrer-policy']).toBe('no-referrer');
    expect(ru.text).toMatch(/<link rel="stylesheet" href="\/portal\/assets\/portal\.css\?v=\w+">/);
    expect(ru.text).toContain('<a class="skip" href="#content">Перейти к содержанию</a>');
    expect(ru.text).toContain(`href="/u/${token}?lang=en" lang="en"`);
    expect(ru.text).not.toMatch(/<style|style="/);

    const en = await t.http().get(`/u/${token}?lang=en`).expect(200);
    expect(en.text).toContain('Unsubscribe from “Company news”?');
    const english = await createClient(t.dataSource, { locale: Locale.En });
    const own = await t
      .http()
      .get(`/u/${links.unsubscribeToken({ c: english.id, v: 0, t: 'news' })}`)
      .expect(200);
    expect(own.text).toContain('<html lang="en">');

    expect(await subscribed(client.id, 'news')).toBe(true);
    expect(await consentLog(client.id)).toEqual([]);
  });

  it('one-click POST from a real message unsubscribes from its topic, once; the next run skips the client', async () => {
    const client = await createClient(t.dataSource);
    const other = await createClient(t.dataSource);
    const campaign = await emailCampaign(t);
    await drain(t, await planNow(t, campaign, { edition: {} }));
    const header = headerLine(sink.to(client.email!)[0].rawHeaders, 'List-Unsubscribe')!;
    const url = /<([^>]+)>/.exec(header)![1];
    expect(url.startsWith(`${PUBLIC_URL}/u/`)).toBe(true);
    const link = url.slice(PUBLIC_URL.length);

    // As a mail client does it: form-encoded, no cookies, no CSRF token.
    const post = () =>
      t
        .http()
        .post(link)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .set('User-Agent', 'MailClient/1.0')
        .send(ONE_CLICK);
    await post().expect(200);
    await post().expect(200);

    expect(await subscribed(client.id, 'news')).toBe(false);
    expect(await subscribed(other.id, 'news')).toBe(true);
    expect(await optedOut(client.id)).toBe(false);
    expect(await consentLog(client.id)).toEqual([
      {
        actor_type: 'client',
        actor_id: null,
        source: 'one-click-unsubscribe',
        item: 'topic.news',
        old_value: true,
        new_value: false,
        ip: expect.stringMatching(/127\.0\.0\.1|::1/),
        user_agent: 'MailClient/1.0',
        wording_version: null,
      },
    ]);

    const next = new Map(
      (await deliveries(t, await planNow(t, campaign, { edition: {} }))).map((r) => [r.client_id, r]),
    );
    expect(next.get(client.id)).toMatchObject({ status: 'suppressed', reason: 'topic-unsubscribed' });
  });

  it('cancels a queued delivery of a topic unsubscribed after planning (topic-unsubscribed)', async () => {
    const client = await createClient(t.dataSource);
    const runId = await planNow(t, await emailCampaign(t), { edition: {}, now: new Date(Date.now() + 1500) });
    const token = links.unsubscribeToken({ c: client.id, v: 0, t: 'news' });
    await t.http().post(`/u/${token}`).type('form').send(ONE_CLICK).expect(200);
    const [row] = await drain(t, runId);
    expect(row).toMatchObject({ status: 'cancelled', reason: 'topic-unsubscribed' });
    expect(sink.attempts(client.email!)).toBe(0);
  });

  it('the page’s button on an "everything" link opts the client out of everything', async () => {
    const client = await createClient(t.dataSource);
    const token = links.unsubscribeToken({ c: client.id, v: 0, t: null });
    const page = await t.http().get(`/u/${token}`).expect(200);
    expect(page.text).toContain('Отписаться от всех писем?');

    const done = await t.http().post(`/u/${token}?lang=ru`).type('form').send({ source: 'page' }).expect(200);
    expect(done.text).toContain('Готово: вы отписаны от всех писем.');
    expect(await optedOut(client.id)).toBe(true);
    expect(await consentLog(client.id)).toEqual([
      expect.objectContaining({
        item: 'optedOut',
        source: 'one-click-unsubscribe',
        wording_version: 'unsubscribe-page/1',
      }),
    ]);

    const again = await t.http().get(`/u/${token}`).expect(200);
    expect(again.text).toContain('Вы уже отписаны от всех писем.');
    expect(again.text).not.toContain('<form');
  });

  it('answers a revoked, forged or garbled link with a 400 page and changes nothing', async () => {
    const client = await createClient(t.dataSource);
    const token = links.unsubscribeToken({ c: client.id, v: 0, t: 'news' });
    const [body, mac] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ c: client.id, v: 0, t: null })).toString('base64url');
    for (const bad of [`${forgedBody}.${mac}`, `${body}.${mac.slice(0, -3)}abc`, 'garbage', `${body}.`]) {
      const get = await t.http().get(`/u/${bad}`).set('Accept-Language', 'ru').expect(400);
      expect(get.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(get.text).toContain('Эта ссылка больше не действует');
      await t.http().post(`/u/${bad}`).type('form').send(ONE_CLICK).expect(400);
    }
    const en = await t.http().get(`/u/garbage?lang=en`).expect(400);
    expect(en.text).toContain('This link is no longer valid');

    // Bumping the client's link version revokes every link issued before.
    await t.dataSource.query(`UPDATE clients SET link_version = link_version + 1 WHERE id = $1`, [client.id]);
    await t.http().get(`/u/${token}`).expect(400);
    await t.http().post(`/u/${token}`).type('form').send(ONE_CLICK).expect(400);
    expect(await subscribed(client.id, 'news')).toBe(true);
    expect(await optedOut(client.id)).toBe(false);
    expect(await consentLog(client.id)).toEqual([]);
  });
});

describe('Unsubscribe links: rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ THROTTLE_PUBLIC_PER_MINUTE: '3' });
  });
  afterAll(() => t?.close());

  it('limits the page and the one-click POST per IP with 429', async () => {
    const client = await createClient(t.dataSource);
    const token = t.app.get(LinksService).unsubscribeToken({ c: client.id, v: 0, t: 'news' });
    await t.http().get(`/u/${token}`).expect(200);
    await t.http().get(`/u/garbage`).expect(400);
    await t.http().get(`/u/${token}`).expect(200);
    const limited = await t.http().get(`/u/${token}`).expect(429);
    expect(limited.headers['retry-after']).toBeDefined();
    for (let i = 0; i < 3; i++) await t.http().post(`/u/${token}`).type('form').send(ONE_CLICK).expect(200);
    await t.http().post(`/u/${token}`).type('form').send(ONE_CLICK).expect(429);
  });
});

describe('Unsubscribe links: tokens never reach the logs', () => {
  jest.setTimeout(120_000);
  let db: TestDatabase;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-unsubscribe-log-'));
  afterAll(async () => {
    await killSpawnedProcesses();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs /u/[redacted] for every request, valid or not', async () => {
    db = await createTestDatabase();
    const pg = new PgClient({ connectionString: db.url });
    await pg.connect();
    const [row] = (
      await pg.query(`INSERT INTO clients (name, email) VALUES ('Лог', 'log@example.com') RETURNING id::text`)
    ).rows;
    await pg.end();
    const secret = 'u'.repeat(40);
    const links = new LinksService({
      http: { publicUrl: PUBLIC_URL },
      links: { portalSecret: 'p'.repeat(40), unsubscribeSecret: secret, portalTtlDays: 30 },
      dataDir: '/nonexistent',
    } as unknown as AppConfig);
    const token = links.unsubscribeToken({ c: row.id, v: 0, t: 'news' });
    const forged = `${token.split('.')[0]}.AAAA${token.split('.')[1].slice(4)}`;

    const port = await freePort();
    const api = spawnEntryPoint('api', [], {
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      PORTAL_LINK_SECRET: 'p'.repeat(40),
      UNSUBSCRIBE_LINK_SECRET: secret,
      DATA_DIR: dataDir,
    });
    await api.waitForLine(/API ready at/, 90_000);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/u/${token}?lang=en`)).status).toBe(200);
    expect((await fetch(`${base}/u/${forged}`)).status).toBe(400);
    const post = await fetch(`${base}/u/${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: ONE_CLICK,
    });
    expect(post.status).toBe(200);
    await api.waitForLine(/"method":"POST","url":"\/u\/\[redacted\]"/, 10_000);

    const output = api.stdout + api.stderr;
    expect(output.match(/"url":"\/u\/\[redacted\][^"]*"/g)).toHaveLength(3);
    for (const secretPart of [token, forged, token.split('.')[0], token.split('.')[1]]) {
      expect(output).not.toContain(secretPart);
    }
  });
});
