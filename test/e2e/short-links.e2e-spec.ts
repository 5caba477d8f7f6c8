import { CLICK_BURST_MS, lastEngagedAtSql, LinksService, ShortLinksService } from '@touchbase/links';
import { createClient } from '../factories/client.factory';
import { TEST_ADMIN_KEY, type TestApp } from '../support/test-app';
import { planNow, TEST_EDITION } from '../support/planning';
import { drain, emailAppPerSuite, emailCampaign, PUBLIC_URL } from './email-support';

const SHORT = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/r/([0-9A-Za-z]{10})`, 'g');
const CATALOG = 'https://shop.example/catalog?utm_source=touchbase&utm_medium=email';
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** Every short code of a text, in order, distinct. */
const codesIn = (text: string) => [...new Set([...text.matchAll(SHORT)].map((m) => m[1]))];
/** Past the burst rule: different links of one message clicked within a second are a scanner's. */
const pastBurst = () => new Promise((r) => setTimeout(r, CLICK_BURST_MS + 100));

/** The delivery was sent a minute ago: a click now is a person's, not a scanner's right after the sending. */
async function sentAMinuteAgo(t: TestApp, deliveryId: string): Promise<void> {
  await t.dataSource.query(`UPDATE deliveries SET sent_at = sent_at - interval '1 minute' WHERE id = $1`, [
    deliveryId,
  ]);
}

describe('Short links in messages: clicks counted, redirects only to what the template produced (e2e)', () => {
  const suite = emailAppPerSuite();

  async function sendOne({ justSent = false } = {}) {
    const client = await createClient(suite.t.dataSource, { name: 'ООО «Ромашка»' });
    const campaign = await emailCampaign(suite.t);
    const runId = await planNow(suite.t, campaign, {
      edition: {
        blocks: [...TEST_EDITION.blocks!, { type: 'link', ru: 'Каталог', en: 'Catalogue', url: CATALOG }],
      },
    });
    const [row] = await drain(suite.t, runId);
    expect(row.status).toBe('sent');
    if (justSent) {
      await suite.t.dataSource.query(`UPDATE deliveries SET sent_at = now() WHERE id = $1`, [row.id]);
    } else await sentAMinuteAgo(suite.t, row.id);
    const [message] = suite.sink.to(client.email!);
    return { message, deliveryId: row.id, clientId: client.id };
  }

  const follow = (code: string) => suite.t.http().get(`/r/${code}`).redirects(0);

  it('every link of the email, HTML and text, is a short link that redirects to its target and counts the click', async () => {
    const { message, deliveryId } = await sendOne();
    // No absolute link in the HTML other than the short ones.
    const hrefs = [...message.html.matchAll(/href="([^"]+)"/g)]
      .map((m) => m[1])
      .filter((h) => /^https?:/.test(h));
    expect(hrefs.length).toBeGreaterThanOrEqual(3);
    for (const href of hrefs) expect(href).toMatch(/^https:\/\/tb\.example\/r\/[0-9A-Za-z]{10}$/);
    expect(message.text).not.toContain('shop.example');
    const codes = codesIn(message.html);
    expect(codesIn(message.text)).toEqual(expect.arrayContaining(codesIn(message.text)));

    // Every link followed at once: redirected, and counted as a scanner's (a burst over the links).
    const targets: string[] = [];
    for (const code of codes) {
      const res = await follow(code).expect(302);
      expect(res.headers['cache-control']).toBe('no-store');
      targets.push(res.headers.location as string);
    }
    // The catalogue link as the template wrote it (entities decoded), the portal and the unsubscribe page.
    expect(targets).toContain(CATALOG);
    expect(targets.some((u) => u.startsWith(`${PUBLIC_URL}/portal/`))).toBe(true);
    expect(targets.some((u) => u.startsWith(`${PUBLIC_URL}/u/`))).toBe(true);
    // All codes of one message share its key: one row for the delivery.
    expect(new Set(codes.map((c) => c.slice(0, 9))).size).toBe(1);

    await suite.t.app.get(ShortLinksService).flushClicks();
    const links = async () =>
      (
        await suite.t.dataSource.query(
          `SELECT delivery_id::text, clicks, machine_clicks, first_clicked_at, last_clicked_at
             FROM delivery_links WHERE delivery_id = $1`,
          [deliveryId],
        )
      )[0];
    expect(await links()).toMatchObject({ clicks: 0, machine_clicks: codes.length, first_clicked_at: null });

    // A person clicks one link, twice, and a second later another one: three clicks.
    await pastBurst();
    await follow(codes[0]).expect(302);
    await follow(codes[0]).expect(302);
    await pastBurst();
    await follow(codes[1]).expect(302);
    await suite.t.app.get(ShortLinksService).flushClicks();
    const row = await links();
    expect(row).toMatchObject({ delivery_id: deliveryId, clicks: 3, machine_clicks: codes.length });
    expect(row.first_clicked_at.getTime()).toBeLessThan(row.last_clicked_at.getTime());
  });

  it('a click within seconds of the sending is a link scanner’s, whatever browser it claims', async () => {
    const { message, deliveryId, clientId } = await sendOne({ justSent: true });
    const [code] = codesIn(message.html);
    await follow(code).set('User-Agent', CHROME).expect(302).expect('Location', CATALOG);
    await suite.t.app.get(ShortLinksService).flushClicks();
    const [row] = await suite.t.dataSource.query(
      `SELECT l.clicks, l.machine_clicks, l.first_clicked_at, e.clicks AS client_clicks, e.last_click_at
         FROM delivery_links l JOIN deliveries d ON d.id = l.delivery_id
         LEFT JOIN client_engagement e ON e.client_id = d.client_id
        WHERE l.delivery_id = $1`,
      [deliveryId],
    );
    expect(row).toEqual({
      clicks: 0,
      machine_clicks: 1,
      first_clicked_at: null,
      client_clicks: 0,
      last_click_at: null,
    });
    const timeline = await suite.t
      .http()
      .get(`/api/v1/clients/${clientId}/timeline`)
      .set({ Authorization: `Bearer ${TEST_ADMIN_KEY}` })
      .expect(200);
    const delivery = timeline.body.items.find((e: { type: string }) => e.type === 'delivery');
    expect(delivery.data.engagement).toMatchObject({ clicks: 0, machineClicks: 1, firstClickedAt: null });
  });

  it('clicks by machines (HEAD, mail security scanners, bots) are counted apart, never as engagement', async () => {
    const { message, deliveryId, clientId } = await sendOne();
    const [code] = codesIn(message.html);
    // A gateway checking the link, then scanners following it: all redirected, none a person's click.
    await suite.t.http().head(`/r/${code}`).redirects(0).expect(302);
    for (const ua of [
      'Mozilla/5.0 (compatible; SafeLinks/1.0)',
      'Proofpoint-URLDefense/2.0',
      'python-requests/2.31',
    ]) {
      await follow(code).set('User-Agent', ua).expect(302).expect('Location', CATALOG);
    }
    await suite.t.app.get(ShortLinksService).flushClicks();
    const scanned = async () =>
      (
        await suite.t.dataSource.query(
          `SELECT l.clicks, l.machine_clicks, l.first_clicked_at, e.clicks AS client_clicks,
                  e.machine_clicks AS client_machine_clicks, e.last_click_at
             FROM delivery_links l JOIN client_engagement e ON e.client_id = $2
            WHERE l.delivery_id = $1`,
          [deliveryId, clientId],
        )
      )[0];
    expect(await scanned()).toEqual({
      clicks: 0,
      machine_clicks: 4,
      first_clicked_at: null,
      client_clicks: 0,
      client_machine_clicks: 4,
      last_click_at: null,
    });
    // Then the person clicks: that one is the engagement.
    await follow(code)
      .set(
        'User-Agent',
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
      )
      .expect(302);
    await suite.t.app.get(ShortLinksService).flushClicks();
    const after = await scanned();
    expect(after).toMatchObject({ clicks: 1, machine_clicks: 4, client_clicks: 1, client_machine_clicks: 4 });
    expect(after.last_click_at).toBeInstanceOf(Date);
  });

  it("a client's clicks are its engagement: count and last click kept per client, last engaged by the one rule, forgotten on erasure", async () => {
    const { message, clientId } = await sendOne();
    const codes = codesIn(message.html);
    const engagement = async () =>
      (await suite.t.dataSource.query(
        `SELECT e.clicks, e.last_click_at, e.opens, e.machine_opens, ${lastEngagedAtSql('c', 'e')} AS engaged
           FROM clients c LEFT JOIN client_engagement e ON e.client_id = c.id WHERE c.id = $1`,
        [clientId],
      )) as { clicks: number | null; last_click_at: Date | null; engaged: Date | null }[];
    expect(await engagement()).toEqual([expect.objectContaining({ clicks: null, engaged: null })]);

    await follow(codes[0]).expect(302);
    await follow(codes[0]).expect(302);
    await suite.t.app.get(ShortLinksService).flushClicks();
    const [first] = await engagement();
    expect(first).toMatchObject({ clicks: 2, opens: 0, machine_opens: 0 });
    expect(first.engaged).toEqual(first.last_click_at);

    // A later click in another flush adds to the count and moves the last click on.
    await follow(codes[0]).expect(302);
    await suite.t.app.get(ShortLinksService).flushClicks();
    const [second] = await engagement();
    expect(second.clicks).toBe(3);
    expect(second.last_click_at!.getTime()).toBeGreaterThanOrEqual(first.last_click_at!.getTime());

    // A purchase after the click is the later engagement.
    const purchased = new Date(Date.now() + 60_000);
    await suite.t.dataSource.query(`UPDATE clients SET last_purchase_at = $2 WHERE id = $1`, [
      clientId,
      purchased,
    ]);
    expect((await engagement())[0].engaged).toEqual(purchased);

    await suite.t
      .http()
      .post(`/api/v1/clients/${clientId}/erase`)
      .set({ Authorization: `Bearer ${TEST_ADMIN_KEY}` })
      .expect(200);
    const rows = await suite.t.dataSource.query(`SELECT 1 FROM client_engagement WHERE client_id = $1`, [
      clientId,
    ]);
    expect(rows).toEqual([]);
    // A click on an erased client's old message still redirects, and records nothing about the client.
    await follow(codes[0]).expect(302);
    await suite.t.app.get(ShortLinksService).flushClicks();
    expect(
      await suite.t.dataSource.query(`SELECT 1 FROM client_engagement WHERE client_id = $1`, [clientId]),
    ).toEqual([]);
  });

  it('a client who turns click tracking off in the portal gets working short links whose clicks are not recorded', async () => {
    const client = await createClient(suite.t.dataSource, { name: 'ООО «Не считать»' });
    const token = suite.t.app.get(LinksService).portalToken(client.id, 0, Date.now());
    // The portal page offers the choice, ticked by default, in the client's language.
    const page = await suite.t.http().get(`/portal/${token}`).expect(200);
    expect(page.text).toMatch(
      /<input type="checkbox" name="clickTracking" id="click-tracking" value="1"[^>]* checked>/,
    );
    expect(page.text).toContain('Статистика переходов');
    expect((await suite.t.http().get(`/portal/${token}?lang=en`).expect(200)).text).toContain(
      'Link statistics',
    );

    const res = await suite.t
      .http()
      .put('/api/v1/portal/preferences')
      .set('Authorization', `Bearer ${token}`)
      .send({ clickTracking: false })
      .expect(200);
    expect(res.body.clickTracking).toBe(false);
    const log = await suite.t.dataSource.query(
      `SELECT item, old_value, new_value, actor_type, source FROM consent_log WHERE client_id = $1`,
      [client.id],
    );
    expect(log).toEqual([
      { item: 'clickTracking', old_value: true, new_value: false, actor_type: 'client', source: 'portal' },
    ]);
    await suite.t
      .http()
      .put('/api/v1/portal/preferences')
      .set('Authorization', `Bearer ${token}`)
      .send({ clickTracking: 'no' })
      .expect(400);
    const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };
    const prefs = await suite.t.http().get(`/api/v1/clients/${client.id}/preferences`).set(admin).expect(200);
    expect(prefs.body.clickTracking).toBe(false);
    expect((await suite.t.http().get(`/portal/${token}`).expect(200)).text).not.toMatch(
      /name="clickTracking"[^>]* checked>/,
    );

    const campaign = await emailCampaign(suite.t);
    const [row] = await drain(suite.t, await planNow(suite.t, campaign, { edition: {} }));
    expect(row.status).toBe('sent');
    await sentAMinuteAgo(suite.t, row.id);
    const [message] = suite.sink.to(client.email!);
    const codes = codesIn(message.html);
    expect(codes.length).toBeGreaterThan(0);
    const target = await follow(codes[0]).expect(302);
    expect(target.headers.location).toMatch(/^https?:\/\//);
    await suite.t.app.get(ShortLinksService).flushClicks();
    const [links] = await suite.t.dataSource.query(
      `SELECT clicks, tracked, first_clicked_at FROM delivery_links WHERE delivery_id = $1`,
      [row.id],
    );
    expect(links).toEqual({ clicks: 0, tracked: false, first_clicked_at: null });
    expect(
      await suite.t.dataSource.query(`SELECT 1 FROM client_engagement WHERE client_id = $1`, [client.id]),
    ).toEqual([]);

    // Staff may turn it back on through the admin API; the next message's clicks count again.
    await suite.t
      .http()
      .put(`/api/v1/clients/${client.id}/preferences`)
      .set(admin)
      .send({ clickTracking: true })
      .expect(200);
    suite.sink.reset();
    const [again] = await drain(
      suite.t,
      await planNow(suite.t, await emailCampaign(suite.t), { edition: {} }),
    );
    await sentAMinuteAgo(suite.t, again.id);
    await follow(codesIn(suite.sink.to(client.email!)[0].html)[0]).expect(302);
    await suite.t.app.get(ShortLinksService).flushClicks();
    const [counted] = await suite.t.dataSource.query(
      `SELECT clicks, tracked FROM delivery_links WHERE delivery_id = $1`,
      [again.id],
    );
    expect(counted).toEqual({ clicks: 1, tracked: true });
  });

  it('a campaign with click tracking off sends its links as written, though the workspace tracks', async () => {
    const client = await createClient(suite.t.dataSource, { name: 'ООО «Без ссылок»' });
    const campaign = await emailCampaign(suite.t, { clickTracking: false });
    const [row] = await drain(suite.t, await planNow(suite.t, campaign, { edition: {} }));
    expect(row.status).toBe('sent');
    const [message] = suite.sink.to(client.email!);
    expect(message.html).not.toMatch(SHORT);
    expect(message.html).toContain(`${PUBLIC_URL}/portal/`);
    const links = await suite.t.dataSource.query(`SELECT 1 FROM delivery_links WHERE delivery_id = $1`, [
      row.id,
    ]);
    expect(links).toEqual([]);
  });

  it('a code altered by one character, a made-up one, or a target the message does not have answers 404', async () => {
    const { message } = await sendOne();
    const [code] = codesIn(message.html);
    const flip = (c: string) => (c === 'a' ? 'b' : 'a');
    for (let i = 0; i < 9; i += 1) {
      const altered = code.slice(0, i) + flip(code[i]) + code.slice(i + 1);
      const res = await follow(altered).expect(404);
      expect(res.text).toContain('Ссылка не найдена');
      expect(res.headers.location).toBeUndefined();
    }
    // The same delivery, a position past its targets: not a target the template produced.
    await follow(`${code.slice(0, 9)}z`).expect(404);
    await follow('0000000000').expect(404);
    await follow('short').expect(404);
    await follow(`${code}x`).expect(404);
    await follow('../../etc/passwd').expect(404);
  });
});

describe('Short links turned off (CLICK_TRACKING=false)', () => {
  const suite = emailAppPerSuite({ CLICK_TRACKING: 'false' });

  it('sends the links as the template wrote them, and records nothing', async () => {
    const client = await createClient(suite.t.dataSource, { name: 'ООО «Без отслеживания»' });
    const runId = await planNow(suite.t, await emailCampaign(suite.t), { edition: {} });
    await drain(suite.t, runId);
    const [message] = suite.sink.to(client.email!);
    expect(message.html).not.toMatch(SHORT);
    expect(message.html).toContain(`${PUBLIC_URL}/portal/`);
    const [{ n }] = await suite.t.dataSource.query(`SELECT count(*)::int AS n FROM delivery_links`);
    expect(n).toBe(0);
  });
});

describe('Open pixel (OPEN_TRACKING=true and the campaign asks for it)', () => {
  const suite = emailAppPerSuite({ OPEN_TRACKING: 'true' });
  const PIXEL = new RegExp(
    `<img src="${PUBLIC_URL.replace(/\./g, '\\.')}/o/([0-9A-Za-z]{9})" width="1" height="1"`,
  );
  async function sendOne(openTracking: boolean) {
    const client = await createClient(suite.t.dataSource, { name: 'ООО «Открытия»' });
    const campaign = await emailCampaign(suite.t, { openTracking });
    const [row] = await drain(suite.t, await planNow(suite.t, campaign, { edition: {} }));
    expect(row.status).toBe('sent');
    const [message] = suite.sink.to(client.email!);
    return { message, deliveryId: row.id, clientId: client.id };
  }

  const open = (key: string, ua: string, ip = '203.0.113.7') =>
    suite.t.http().get(`/o/${key}`).set('User-Agent', ua).set('X-Forwarded-For', ip);

  it('counts opens by people on the delivery and the client; machine opens apart, never as engagement', async () => {
    const { message, deliveryId, clientId } = await sendOne(true);
    const key = PIXEL.exec(message.html)![1];
    expect(message.text).not.toContain('/o/');

    // Read an hour after it was sent.
    await suite.t.dataSource.query(
      `UPDATE deliveries SET sent_at = now() - interval '1 hour' WHERE id = $1`,
      [deliveryId],
    );
    const res = await open(key, CHROME).expect(200);
    expect(res.headers['content-type']).toBe('image/gif');
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.body.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    await open(key, 'Mozilla/5.0').expect(200); // Apple Mail Privacy Protection
    await open(key, CHROME, '17.58.101.12').expect(200); // Apple's network
    await open(key, 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)').expect(200);
    await suite.t.http().head(`/o/${key}`).set('User-Agent', CHROME).expect(200);
    await open('000000000', CHROME).expect(200); // not ours: the same GIF, nothing counted
    await suite.t.app.get(ShortLinksService).flushClicks();

    const [links] = await suite.t.dataSource.query(
      `SELECT opens, machine_opens, first_opened_at, last_opened_at FROM delivery_links WHERE delivery_id = $1`,
      [deliveryId],
    );
    expect(links).toMatchObject({ opens: 1, machine_opens: 4 });
    expect(links.first_opened_at).toEqual(links.last_opened_at);
    const [engagement] = await suite.t.dataSource.query(
      `SELECT e.opens, e.machine_opens, e.last_open_at, e.clicks, ${lastEngagedAtSql('c', 'e')} AS engaged
         FROM client_engagement e JOIN clients c ON c.id = e.client_id WHERE e.client_id = $1`,
      [clientId],
    );
    expect(engagement).toMatchObject({ opens: 1, machine_opens: 4, clicks: 0 });
    expect(engagement.last_open_at).toEqual(links.last_opened_at);
    expect(engagement.engaged).toEqual(links.last_opened_at);

    // A person's click, and a scanner's: the client's timeline shows the delivery's clicks and opens,
    // the machines' apart.
    const [code] = codesIn(message.html);
    await suite.t.http().get(`/r/${code}`).set('User-Agent', CHROME).redirects(0).expect(302);
    await suite.t.http().head(`/r/${code}`).redirects(0).expect(302);
    await suite.t.app.get(ShortLinksService).flushClicks();
    const timeline = await suite.t
      .http()
      .get(`/api/v1/clients/${clientId}/timeline`)
      .set({ Authorization: `Bearer ${TEST_ADMIN_KEY}` })
      .expect(200);
    const deliveries = timeline.body.items.filter((e: { type: string }) => e.type === 'delivery');
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].data).toMatchObject({ deliveryId, status: 'sent' });
    const [clicked] = await suite.t.dataSource.query(
      `SELECT first_clicked_at FROM delivery_links WHERE delivery_id = $1`,
      [deliveryId],
    );
    expect(deliveries[0].data.engagement).toEqual({
      tracked: true,
      clicks: 1,
      machineClicks: 1,
      firstClickedAt: clicked.first_clicked_at.toISOString(),
      lastClickedAt: clicked.first_clicked_at.toISOString(),
      opened: true,
      opens: 1,
      machineOpens: 4,
      firstOpenedAt: links.first_opened_at.toISOString(),
      lastOpenedAt: links.last_opened_at.toISOString(),
    });
  });

  it('only machine opens (a scanner right after sending, a privacy proxy): the client has not engaged', async () => {
    const { message, clientId } = await sendOne(true);
    const key = PIXEL.exec(message.html)![1];
    // Seconds after sending: a scanner, whatever browser it claims to be.
    await open(key, CHROME).expect(200);
    await open(key, 'Mozilla/5.0').expect(200);
    await suite.t.app.get(ShortLinksService).flushClicks();
    const [engagement] = await suite.t.dataSource.query(
      `SELECT e.opens, e.machine_opens, ${lastEngagedAtSql('c', 'e')} AS engaged
         FROM client_engagement e JOIN clients c ON c.id = e.client_id WHERE e.client_id = $1`,
      [clientId],
    );
    expect(engagement).toEqual({ opens: 0, machine_opens: 2, engaged: null });
  });

  it('a campaign that does not ask for opens has no pixel', async () => {
    const { message } = await sendOne(false);
    expect(message.html).not.toMatch(PIXEL);
    expect(message.html).not.toContain('/o/');
  });
});

describe('Open pixel off for the workspace (the default)', () => {
  const suite = emailAppPerSuite();

  it('a campaign asking for opens sends no pixel', async () => {
    const client = await createClient(suite.t.dataSource, { name: 'ООО «Без пикселя»' });
    const [row] = await drain(
      suite.t,
      await planNow(suite.t, await emailCampaign(suite.t, { openTracking: true }), { edition: {} }),
    );
    expect(row.status).toBe('sent');
    const [message] = suite.sink.to(client.email!);
    expect(message.html).toMatch(SHORT);
    expect(message.html).not.toContain('/o/');
  });
});
