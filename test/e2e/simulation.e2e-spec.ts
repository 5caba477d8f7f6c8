import { Channel, StaffRole } from '@touchbase/core';
import { createCampaign } from '../factories/campaign.factory';
import { createTouch } from '../factories/delivery.factory';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TestApp } from '../support/test-app';

async function countEveryTable(t: TestApp): Promise<Record<string, number>> {
  const tables: { table_name: string }[] = await t.dataSource.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) {
    const [row] = await t.dataSource.query(`SELECT count(*)::int AS n FROM "${table_name}"`);
    counts[table_name] = row.n;
  }
  return counts;
}

describe('Simulation', () => {
  let t: TestApp;
  let marketer: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    t = await createTestApp();
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
  });
  afterAll(() => t.close());

  it('plans every occurrence in order, reports audience, channels, suppressions and capped clients, and keeps nothing', async () => {
    const monthlyOnly = await createClient(t.dataSource, { name: 'Ежемесячный' });
    const busy = await createClient(t.dataSource, { name: 'Занятой' });
    const free = await createClient(t.dataSource, { name: 'Свободный', email: null });
    await t.dataSource.query(`UPDATE client_preferences SET frequency = 'monthly' WHERE client_id = $1`, [
      monthlyOnly.id,
    ]);
    await createTouch(t.dataSource, busy.id, new Date('2026-11-30T10:00:00Z'));
    await createTouch(t.dataSource, busy.id, new Date('2026-11-29T10:00:00Z'));
    const news = await createCampaign(t.dataSource, {
      name: 'Monthly news',
      channels: [Channel.Email, Channel.Sms],
      schedule: { type: 'monthly', day: 1, time: '10:00' },
      requiresEdition: true,
    });
    const promo = await createCampaign(t.dataSource, {
      name: 'Promo',
      channels: [Channel.Email],
      schedule: { type: 'monthly', day: 10, time: '12:00' },
    });
    const before = await countEveryTable(t);

    const res = await t
      .http()
      .post('/api/v1/simulations')
      .set(as(marketer))
      .send({ from: '2026-12-01T00:00:00Z', to: '2027-01-31T00:00:00Z', campaignIds: [news.id, promo.id] })
      .expect(200);
    const occ = res.body.occurrences as {
      campaignName: string;
      periodKey: string;
      audience: number;
      editionMissing: boolean;
      deliveries: Record<string, number>;
      suppressions: Record<string, number>;
      capped: {
        count: number;
        clients: {
          id: string;
          name: string;
          caps: {
            scope: string;
            frequency: string | null;
            maxTouches: number;
            windowDays: number;
            touches: { campaign: string; scheduledAt: string }[];
          }[];
        }[];
      };
    }[];
    expect(occ.map((o) => `${o.campaignName} ${o.periodKey}`)).toEqual([
      'Monthly news 2026-12',
      'Promo 2026-12',
      'Monthly news 2027-01',
      'Promo 2027-01',
    ]);
    const [dec, promoDec] = occ;
    expect(dec).toMatchObject({ audience: 3, editionMissing: true, deliveries: { email: 1, sms: 1 } });
    expect(dec.capped.clients.map((c) => c.name)).toEqual(['Занятой']);
    // The monthly client got December news: Promo ten days later would exceed its own preference.
    expect(promoDec.capped.clients.map((c) => c.name).sort()).toEqual(['Ежемесячный']);
    // Each capped client says which cap and which touches fill it: the simulated ones included.
    expect(promoDec.capped.clients[0].caps).toEqual([
      {
        scope: 'client',
        channel: null,
        frequency: 'monthly',
        engagedSince: null,
        maxTouches: 1,
        windowDays: 30,
        touches: [
          expect.objectContaining({ campaign: 'Monthly news', campaignId: news.id, channel: 'email' }),
        ],
      },
    ]);
    expect(dec.capped.clients[0].caps[0]).toMatchObject({
      scope: 'workspace',
      maxTouches: 2,
      windowDays: 7,
      touches: [{ scheduledAt: '2026-11-29T10:00:00.000Z' }, { scheduledAt: '2026-11-30T10:00:00.000Z' }],
    });
    expect(promoDec.suppressions['no-contact-data']).toBe(1);
    expect(free.id).toBeTruthy();

    expect(await countEveryTable(t)).toEqual(before);
  });

  it('validates the range and the campaigns', async () => {
    await t
      .http()
      .post('/api/v1/simulations')
      .set(as(marketer))
      .send({ from: '2027-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' })
      .expect(400);
    await t
      .http()
      .post('/api/v1/simulations')
      .set(as(marketer))
      .send({ from: '2026-01-01T00:00:00Z', to: '2028-01-01T00:00:00Z' })
      .expect(400);
    await t
      .http()
      .post('/api/v1/simulations')
      .set(as(marketer))
      .send({
        from: '2026-01-01T00:00:00Z',
        to: '2026-02-01T00:00:00Z',
        campaignIds: ['00000000-0000-4000-8000-000000000000'],
      })
      .expect(404);
  });
});
