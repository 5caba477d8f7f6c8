import { Campaign, CampaignKind } from '@touchbase/campaigns';
import { Client } from '@touchbase/clients';
import { Channel, StaffRole } from '@touchbase/core';
import { createCampaign } from '../factories/campaign.factory';
import { createDelivery, DeliveryStatusValue } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { createClient, createPurchase } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

/**
 * Attribution on one hand-built base. Workspace zone Europe/Moscow (UTC+3): the period 2026-10 is
 * [30 Sep 21:00Z, 31 Oct 21:00Z); with the default 30-day window the touches that can be credited are
 * those sent in [31 Aug 21:00Z, 31 Oct 21:00Z). All times below are UTC.
 *
 * | client  | touches (campaign, channel, sent)                          | purchases                                   |
 * |---------|------------------------------------------------------------|---------------------------------------------|
 * | Альфа   | Новости email 1 Oct 09:00 (clicked); Акция SMS 10 Oct 09:00 | 2 Oct 500; 12 Oct 1000; 20 Oct −200 (return)|
 * | Бета    | Звонки call 20 Sep 09:00; Новости SMS 22 Oct 09:00          | 19 Oct 300; 20 Oct 09:00 700; 23 Oct 250    |
 * | Вега    | Новости email 5 Oct 09:00                                   | 3 Oct 200; 5 Oct 09:00 400 (same instant)   |
 * | Гамма   | Акция SMS 1 Oct 09:00 (clicked); service email 14 Oct       | 15 Oct 900                                  |
 * | Дельта  | Архив-рассылка email 20 Aug 09:00; Звонки call 25 Oct 09:00 | 1 Oct 09:00 100; 2 Nov 800 (next month)     |
 * | Эпсилон | Новости email 15 Sep 09:00 (clicked); Акция SMS failed 5 Oct| —                                           |
 * | Архив   | Новости email 1 Oct (clicked) — archived: never counted     | 2 Oct 5000                                  |
 *
 * Who gets what (window 30 days):
 * - Альфа 2 Oct 500 → Новости email (its only touch before); 12 Oct 1000 → Акция SMS (two touches
 *   before, the last wins); the return of 20 Oct → Акция SMS (lowers the revenue, not a purchase).
 * - Бета 19 Oct 300 → Звонки call (29 days after); 20 Oct 09:00 700 → none: the call is exactly 30 days
 *   before (the window excludes its far edge); 23 Oct 250 → Новости SMS.
 * - Вега 3 Oct 200 → none (before any touch); 5 Oct 09:00 400 → Новости email (sent at that instant).
 * - Гамма 15 Oct 900 → Акция SMS: the service email of 14 Oct is not a touch and is never credited.
 * - Дельта 1 Oct 100 → none: the August touch is 42 days before; 2 Nov is outside the period.
 */
describe('Attribution', () => {
  let t: TestApp;
  let marketer: string;
  const c: Record<string, Client> = {};
  const camp: Record<string, Campaign> = {};
  const d: Record<string, string> = {};
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const get = (path: string) => t.http().get(`/api/v1/reports/${path}`).set(as(marketer));

  async function touch(
    key: string,
    campaign: Campaign,
    client: Client,
    channel: Channel,
    sentAt: string,
    extra: { status?: DeliveryStatusValue; countsAsTouch?: boolean; clicks?: number } = {},
  ): Promise<void> {
    const at = new Date(sentAt);
    const run = await createRun(t.dataSource, campaign, at, `${key}-${sentAt}`);
    const status = extra.status ?? 'sent';
    d[key] = await createDelivery(t.dataSource, run, client.id, {
      channel,
      status,
      countsAsTouch: extra.countsAsTouch ?? true,
      scheduledAt: at,
      sentAt: at,
    });
    if (extra.clicks !== undefined)
      await t.dataSource.query(
        `INSERT INTO delivery_links (key, delivery_id, targets, clicks, first_clicked_at, last_clicked_at)
         VALUES ($1, $2, ARRAY['https://example.com/'], $3, $4, $4)`,
        [`k${key}`, d[key], extra.clicks, new Date(at.getTime() + 3_600_000)],
      );
  }

  const buy = (client: Client, amount: number, at: string) =>
    createPurchase(t.dataSource, client.id, amount, new Date(at));

  beforeAll(async () => {
    t = await createTestApp();
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
    const names = { alfa: 'Альфа', beta: 'Бета', vega: 'Вега', gamma: 'Гамма', delta: 'Дельта' };
    for (const [key, name] of Object.entries({ ...names, epsilon: 'Эпсилон', archived: 'Архив' }))
      c[key] = await createClient(t.dataSource, { name });
    await t.dataSource.query(`UPDATE clients SET archived_at = now() WHERE id = $1`, [c.archived.id]);

    camp.news = await createCampaign(t.dataSource, {
      name: 'Новости',
      channels: [Channel.Email, Channel.Sms],
    });
    camp.promo = await createCampaign(t.dataSource, { name: 'Акция', channels: [Channel.Sms] });
    camp.calls = await createCampaign(t.dataSource, {
      name: 'Звонки',
      kind: CampaignKind.Plan,
      channels: [Channel.Call],
    });
    camp.service = await createCampaign(t.dataSource, { name: 'Служебное', kind: CampaignKind.Service });
    camp.old = await createCampaign(t.dataSource, { name: 'Архив-рассылка' });

    await touch('alfaNews', camp.news, c.alfa, Channel.Email, '2026-10-01T09:00:00Z', { clicks: 2 });
    await touch('alfaPromo', camp.promo, c.alfa, Channel.Sms, '2026-10-10T09:00:00Z');
    await touch('betaCall', camp.calls, c.beta, Channel.Call, '2026-09-20T09:00:00Z');
    await touch('betaNews', camp.news, c.beta, Channel.Sms, '2026-10-22T09:00:00Z', { status: 'delivered' });
    await touch('vegaNews', camp.news, c.vega, Channel.Email, '2026-10-05T09:00:00Z', { clicks: 0 });
    await touch('gammaPromo', camp.promo, c.gamma, Channel.Sms, '2026-10-01T09:00:00Z', { clicks: 1 });
    await touch('gammaService', camp.service, c.gamma, Channel.Email, '2026-10-14T09:00:00Z', {
      countsAsTouch: false,
      clicks: 1,
    });
    await touch('deltaOld', camp.old, c.delta, Channel.Email, '2026-08-20T09:00:00Z');
    await touch('deltaCall', camp.calls, c.delta, Channel.Call, '2026-10-25T09:00:00Z');
    await touch('epsilonNews', camp.news, c.epsilon, Channel.Email, '2026-09-15T09:00:00Z', { clicks: 3 });
    await touch('epsilonPromo', camp.promo, c.epsilon, Channel.Sms, '2026-10-05T09:00:00Z', {
      status: 'failed',
    });
    await touch('archivedNews', camp.news, c.archived, Channel.Email, '2026-10-01T09:00:00Z', { clicks: 1 });

    await buy(c.alfa, 500, '2026-10-02T09:00:00Z');
    await buy(c.alfa, 1000, '2026-10-12T09:00:00Z');
    await buy(c.alfa, -200, '2026-10-20T09:00:00Z');
    await buy(c.beta, 300, '2026-10-19T09:00:00Z');
    await buy(c.beta, 700, '2026-10-20T09:00:00Z');
    await buy(c.beta, 250, '2026-10-23T09:00:00Z');
    await buy(c.vega, 200, '2026-10-03T09:00:00Z');
    await buy(c.vega, 400, '2026-10-05T09:00:00Z');
    await buy(c.gamma, 900, '2026-10-15T09:00:00Z');
    await buy(c.delta, 100, '2026-10-01T09:00:00Z');
    await buy(c.delta, 800, '2026-11-02T09:00:00Z');
    await buy(c.archived, 5000, '2026-10-02T09:00:00Z');
  });
  afterAll(() => t.close());

  const row = (campaign: string) => ({ campaignId: camp[campaign].id, campaignName: camp[campaign].name });

  it('credits each purchase of the period to the last touch within 30 days, per campaign', async () => {
    const res = await get('attribution?period=2026-10').expect(200);
    expect(res.body.period).toEqual({
      key: '2026-10',
      from: '2026-09-30T21:00:00.000Z',
      to: '2026-10-31T21:00:00.000Z',
    });
    expect(res.body.tables.byCampaign).toEqual([
      // Акция: touched Альфа and Гамма (Эпсилон's SMS failed: no touch); clicked Гамма; credited
      // Альфа 1000 and Гамма 900, and Альфа's return −200: 2 purchasers, 2 purchases, 1700;
      // 1700 / 2 touched = 850; 2 / 2 = 1.
      {
        ...row('promo'),
        touched: 2,
        clicked: 1,
        purchasers: 2,
        purchases: 2,
        revenue: 1700,
        revenuePerClient: 850,
        conversionRate: 1,
      },
      // Новости: touched Альфа, Бета, Вега, Эпсилон (15 Sep is inside [31 Aug 21:00, …)); clicked
      // Альфа and Эпсилон (Вега's link has no click); credited Альфа 500, Вега 400, Бета 250:
      // 3 purchasers, 1150; 1150 / 4 = 287.5; 3 / 4 = 0.75.
      {
        ...row('news'),
        touched: 4,
        clicked: 2,
        purchasers: 3,
        purchases: 3,
        revenue: 1150,
        revenuePerClient: 287.5,
        conversionRate: 0.75,
      },
      // Звонки: touched Бета (20 Sep) and Дельта (25 Oct); credited Бета 300 only (700 is at the edge);
      // 300 / 2 = 150; 1 / 2 = 0.5.
      {
        ...row('calls'),
        touched: 2,
        clicked: 0,
        purchasers: 1,
        purchases: 1,
        revenue: 300,
        revenuePerClient: 150,
        conversionRate: 0.5,
      },
    ]);
    // Neither the service campaign (not a touch) nor the August mailing (before the window) has a row.
  });

  it('gives the same purchases per channel, every channel listed', async () => {
    const res = await get('attribution?period=2026-10').expect(200);
    expect(res.body.tables.byChannel).toEqual([
      // email: Альфа, Вега, Эпсилон (Новости; the service email is no touch); clicked Альфа, Эпсилон;
      // credited Альфа 500, Вега 400: 900; 900 / 3 = 300; 2 / 3 = 0.6667.
      {
        channel: 'email',
        touched: 3,
        clicked: 2,
        purchasers: 2,
        purchases: 2,
        revenue: 900,
        revenuePerClient: 300,
        conversionRate: 0.6667,
      },
      // sms: Альфа, Гамма (Акция), Бета (Новости); clicked Гамма; credited Альфа 1000 − 200,
      // Гамма 900, Бета 250: 1950; 1950 / 3 = 650; 3 / 3 = 1.
      {
        channel: 'sms',
        touched: 3,
        clicked: 1,
        purchasers: 3,
        purchases: 3,
        revenue: 1950,
        revenuePerClient: 650,
        conversionRate: 1,
      },
      // call: Бета, Дельта; credited Бета 300.
      {
        channel: 'call',
        touched: 2,
        clicked: 0,
        purchasers: 1,
        purchases: 1,
        revenue: 300,
        revenuePerClient: 150,
        conversionRate: 0.5,
      },
      {
        channel: 'letter',
        touched: 0,
        clicked: 0,
        purchasers: 0,
        purchases: 0,
        revenue: 0,
        revenuePerClient: 0,
        conversionRate: 0,
      },
    ]);
  });

  it('totals the purchases of the period, attributed and not', async () => {
    const res = await get('attribution?period=2026-10').expect(200);
    expect(res.body.summary).toEqual({
      windowDays: 30,
      currency: 'RUB',
      // Альфа 500, 1000; Бета 300, 700, 250; Вега 200, 400; Гамма 900; Дельта 100 (the return is not a
      // purchase; 2 Nov and the archived client are outside).
      purchases: 9,
      purchasers: 5,
      // 500 + 1000 − 200 + 300 + 700 + 250 + 200 + 400 + 900 + 100
      revenue: 4150,
      // all but Бета 700 (window edge), Вега 200 (before any touch), Дельта 100 (touch 42 days before)
      attributedPurchases: 6,
      attributedPurchasers: 4,
      // 1700 + 1150 + 300, the campaigns' revenue
      attributedRevenue: 3150,
      unattributedPurchases: 3,
      unattributedRevenue: 1000,
      attributedShare: 0.6667,
    });
  });

  it('reads a wider window: the edge purchase and the August touch are credited', async () => {
    const res = await get('attribution?period=2026-10&windowDays=60').expect(200);
    expect(res.body.summary).toMatchObject({
      windowDays: 60,
      // Only Вега's 200 (before any touch) stays unattributed.
      attributedPurchases: 8,
      unattributedPurchases: 1,
      attributedRevenue: 3950,
      unattributedRevenue: 200,
    });
    const byName = Object.fromEntries(
      (res.body.tables.byCampaign as { campaignName: string }[]).map((r) => [r.campaignName, r]),
    );
    // Звонки: Бета 300 and 700 (the call of 20 Sep is now 30 days inside a 60-day window).
    expect(byName['Звонки']).toMatchObject({ touched: 2, purchasers: 1, purchases: 2, revenue: 1000 });
    // The August mailing: Дельта's 100 of 1 Oct (42 days after).
    expect(byName['Архив-рассылка']).toMatchObject({
      touched: 1,
      clicked: 0,
      purchasers: 1,
      purchases: 1,
      revenue: 100,
      revenuePerClient: 100,
      conversionRate: 1,
    });
  });

  it('a month with no purchases still lists the touches that could be credited', async () => {
    // September, window 30: touches from 1 Aug 21:00 to 30 Sep 21:00 — Бета's call, Эпсилон's news,
    // Дельта's August mailing; no purchases in September.
    const res = await get('attribution?period=2026-09').expect(200);
    expect(res.body.summary).toMatchObject({ purchases: 0, attributedPurchases: 0, revenue: 0 });
    expect(
      (res.body.tables.byCampaign as { campaignName: string; touched: number; revenue: number }[]).map(
        (r) => [r.campaignName, r.touched, r.revenue],
      ),
    ).toEqual([
      ['Архив-рассылка', 1, 0],
      ['Звонки', 1, 0],
      ['Новости', 1, 0],
    ]);
  });

  it('gives each grouping as CSV', async () => {
    const campaigns = await get('attribution?period=2026-10&format=csv').expect(200);
    expect(campaigns.headers['content-disposition']).toBe(
      'attachment; filename="attribution-2026-10-byCampaign.csv"',
    );
    expect(campaigns.text).toBe(
      '\ufeffcampaignId,campaignName,touched,clicked,purchasers,purchases,revenue,revenuePerClient,conversionRate\n' +
        `${camp.promo.id},Акция,2,1,2,2,1700,850,1\n` +
        `${camp.news.id},Новости,4,2,3,3,1150,287.5,0.75\n` +
        `${camp.calls.id},Звонки,2,0,1,1,300,150,0.5\n`,
    );
    const channels = await get('attribution?period=2026-10&format=csv&by=channel').expect(200);
    expect(channels.headers['content-disposition']).toBe(
      'attachment; filename="attribution-2026-10-byChannel.csv"',
    );
    expect(channels.text).toBe(
      '\ufeffchannel,touched,clicked,purchasers,purchases,revenue,revenuePerClient,conversionRate\n' +
        'email,3,2,2,2,900,300,0.6667\n' +
        'sms,3,1,3,3,1950,650,1\n' +
        'call,2,0,1,1,300,150,0.5\n' +
        'letter,0,0,0,0,0,0,0\n',
    );
    const same = await get('attribution?period=2026-10&table=byChannel')
      .set('Accept', 'text/csv')
      .expect(200);
    expect(same.text).toBe(channels.text);
  });

  it("shows which touch each of a client's purchases was attributed to", async () => {
    const alfa = await get(`attribution/clients/${c.alfa.id}`).expect(200);
    const promo = {
      deliveryId: d.alfaPromo,
      campaignId: camp.promo.id,
      campaignName: 'Акция',
      channel: 'sms',
      sentAt: '2026-10-10T09:00:00.000Z',
    };
    expect(alfa.body).toMatchObject({ clientId: c.alfa.id, windowDays: 30 });
    expect(
      alfa.body.items.map((p: { purchasedAt: string; amount: number; attributedTo: unknown }) => [
        p.purchasedAt,
        p.amount,
        p.attributedTo,
      ]),
    ).toEqual([
      ['2026-10-20T09:00:00.000Z', -200, promo],
      ['2026-10-12T09:00:00.000Z', 1000, promo],
      [
        '2026-10-02T09:00:00.000Z',
        500,
        {
          deliveryId: d.alfaNews,
          campaignId: camp.news.id,
          campaignName: 'Новости',
          channel: 'email',
          sentAt: '2026-10-01T09:00:00.000Z',
        },
      ],
    ]);
    const beta = await get(`attribution/clients/${c.beta.id}`).expect(200);
    expect(
      beta.body.items.map((p: { amount: number; attributedTo: { deliveryId: string } | null }) => [
        p.amount,
        p.attributedTo?.deliveryId ?? null,
      ]),
    ).toEqual([
      [250, d.betaNews],
      [700, null], // exactly 30 days after the call
      [300, d.betaCall],
    ]);
    const wider = await get(`attribution/clients/${c.beta.id}?windowDays=31`).expect(200);
    expect(wider.body.items[1].attributedTo.deliveryId).toBe(d.betaCall);
    const gamma = await get(`attribution/clients/${c.gamma.id}`).expect(200);
    // The service email of the day before is never credited.
    expect(gamma.body.items[0].attributedTo.deliveryId).toBe(d.gammaPromo);
  });

  it("the workspace's attribution window (engagement settings) is the reports' default; one asked for still wins", async () => {
    const admin = { Authorization: `Bearer ${TEST_ADMIN_KEY}` };
    const setWindow = (days: number) =>
      t
        .http()
        .put('/api/v1/settings/engagement')
        .set(admin)
        .send({ attributionWindowDays: days })
        .expect(200);
    try {
      expect((await setWindow(60)).body).toMatchObject({ attributionWindowDays: 60 });
      // The 60-day figures, without asking for them.
      const res = await get('attribution?period=2026-10').expect(200);
      expect(res.body.summary).toMatchObject({
        windowDays: 60,
        attributedPurchases: 8,
        unattributedPurchases: 1,
        attributedRevenue: 3950,
        unattributedRevenue: 200,
      });
      const calls = (res.body.tables.byCampaign as { campaignName: string }[]).find(
        (r) => r.campaignName === 'Звонки',
      );
      expect(calls).toMatchObject({ touched: 2, purchases: 2, revenue: 1000 });
      // A client's purchases by the same window: Бета's 700 goes to the call of 20 Sep.
      const beta = await get(`attribution/clients/${c.beta.id}`).expect(200);
      expect(beta.body.windowDays).toBe(60);
      const edge = (
        beta.body.items as { amount: number; attributedTo: { deliveryId: string } | null }[]
      ).find((p) => p.amount === 700);
      expect(edge?.attributedTo?.deliveryId).toBe(d.betaCall);
      // A window asked for wins over the workspace's.
      const asked = await get('attribution?period=2026-10&windowDays=30').expect(200);
      expect(asked.body.summary).toMatchObject({
        windowDays: 30,
        attributedPurchases: 6,
        attributedRevenue: 3150,
      });
      // Five days: only the purchases within five days of a touch.
      await setWindow(5);
      const narrow = await get('attribution?period=2026-10').expect(200);
      // Альфа 500 (1 day), 1000 (2 days), −200 (10 days: no); Бета 250 (1 day); Вега 400 (0); Гамма: 14 days, no.
      expect(narrow.body.summary).toMatchObject({
        windowDays: 5,
        attributedPurchases: 4,
        attributedRevenue: 2150,
      });
    } finally {
      await setWindow(30);
    }
  });

  describe('bad input', () => {
    it.each([
      ['attribution?windowDays=0', 'windowDays'],
      ['attribution?windowDays=400', 'windowDays'],
      ['attribution?windowDays=1.5', 'windowDays'],
      ['attribution?period=2026-13', 'period'],
      ['attribution?period=yesterday', 'period'],
      ['attribution?by=week', 'by'],
      ['attribution?by=campaign&table=byChannel', 'by'],
      ['attribution?table=byWeek&format=csv', 'table'],
      ['attribution?category=Z', 'category'],
      [`attribution/clients/${'00000000-0000-4000-8000-000000000000'}?windowDays=0`, 'windowDays'],
    ])('%s → 400 naming %s', async (path, field) => {
      const res = await get(path).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'validation_failed' });
      expect(res.body.details.map((x: { field: string }) => x.field)).toContain(field);
    });

    it('an unknown client is a 404, a client id that is not one a 400', async () => {
      await get('attribution/clients/00000000-0000-4000-8000-000000000000').expect(404);
      await get('attribution/clients/42').expect(400);
    });
  });
});
