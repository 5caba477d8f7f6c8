import { StaffRole } from '@touchbase/core';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';

describe('Preferences, consent log and topics', () => {
  let t: TestApp;
  let salesOps: string;
  let salesOpsId: string;
  let marketer: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const logOf = (clientId: string) =>
    t.dataSource.query(
      `SELECT item, old_value, new_value, actor_type, actor_id, source, user_agent, wording_version
         FROM consent_log WHERE client_id = $1 ORDER BY id`,
      [clientId],
    );

  beforeAll(async () => {
    t = await createTestApp();
    const s = await createStaffWithKey(t.dataSource, StaffRole.SalesOps);
    salesOps = s.key;
    salesOpsId = s.staff.id;
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
  });
  afterAll(() => t.close());

  it('returns defaults for a new client: all channels, opt-out topics subscribed', async () => {
    const c = await createClient(t.dataSource);
    const res = await t.http().get(`/api/v1/clients/${c.id}/preferences`).set(as(marketer)).expect(200);
    expect(res.body).toMatchObject({
      optedOut: false,
      channels: { email: true, sms: true, call: true, letter: true },
      preferredChannel: null,
      frequency: 'unlimited',
      quietHours: null,
      locale: 'ru',
      timeZone: 'Asia/Yekaterinburg',
    });
    expect(res.body.topics).toHaveLength(8);
    expect(
      res.body.topics.every((x: { subscribed: boolean; explicit: boolean }) => x.subscribed && !x.explicit),
    ).toBe(true);
  });

  it('writes exactly one consent-log row per changed item, with who, source and wording', async () => {
    const c = await createClient(t.dataSource);
    const res = await t
      .http()
      .put(`/api/v1/clients/${c.id}/preferences`)
      .set(as(salesOps))
      .set('User-Agent', 'phone-call-notes')
      .send({
        frequency: 'monthly',
        channels: { sms: false, email: true },
        topics: { promotions: false, news: true },
        preferredChannel: 'email',
        quietHours: { start: '22:00', end: '08:00' },
        timeZone: 'Europe/Kaliningrad',
        wordingVersion: 'call-script-v2',
      })
      .expect(200);
    expect(res.body).toMatchObject({
      frequency: 'monthly',
      channels: { sms: false, email: true },
      preferredChannel: 'email',
      quietHours: { start: '22:00', end: '08:00' },
      timeZone: 'Europe/Kaliningrad',
    });
    expect(res.body.topics.find((x: { key: string }) => x.key === 'promotions')).toEqual({
      key: 'promotions',
      subscribed: false,
      explicit: true,
    });
    const log = await logOf(c.id);
    // email: true and news: true were already so: no rows for them.
    expect(log.map((r: { item: string }) => r.item).sort()).toEqual(
      ['channel.sms', 'frequency', 'preferredChannel', 'quietHours', 'timeZone', 'topic.promotions'].sort(),
    );
    const freq = log.find((r: { item: string }) => r.item === 'frequency');
    expect(freq).toEqual({
      item: 'frequency',
      old_value: 'unlimited',
      new_value: 'monthly',
      actor_type: 'staff',
      actor_id: salesOpsId,
      source: 'admin-api',
      user_agent: 'phone-call-notes',
      wording_version: 'call-script-v2',
    });
    // The same change again writes nothing.
    await t
      .http()
      .put(`/api/v1/clients/${c.id}/preferences`)
      .set(as(salesOps))
      .send({ frequency: 'monthly', channels: { sms: false } })
      .expect(200);
    expect(await logOf(c.id)).toHaveLength(6);
  });

  it('drops the preferred channel when that channel is switched off, and logs both', async () => {
    const c = await createClient(t.dataSource);
    await t
      .http()
      .put(`/api/v1/clients/${c.id}/preferences`)
      .set(as(salesOps))
      .send({ preferredChannel: 'sms' })
      .expect(200);
    const res = await t
      .http()
      .put(`/api/v1/clients/${c.id}/preferences`)
      .set(as(salesOps))
      .send({ channels: { sms: false } })
      .expect(200);
    expect(res.body.preferredChannel).toBeNull();
    expect((await logOf(c.id)).map((r: { item: string }) => r.item)).toEqual([
      'preferredChannel',
      'channel.sms',
      'preferredChannel',
    ]);
  });

  it('rejects invalid preferences with 400 and writes nothing', async () => {
    const c = await createClient(t.dataSource);
    const bad = await t
      .http()
      .put(`/api/v1/clients/${c.id}/preferences`)
      .set(as(salesOps))
      .send({ topics: { nonsense: false }, channels: { letter: false }, preferredChannel: 'letter' })
      .expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'preferredChannel',
      'topics',
    ]);
    expect(bad.body.details.find((d: { field: string }) => d.field === 'topics').messages[0]).toContain(
      'promotions',
    );
    await t
      .http()
      .put(`/api/v1/clients/${c.id}/preferences`)
      .set(as(salesOps))
      .send({ frequency: 'hourly' })
      .expect(400);
    await t
      .http()
      .put(`/api/v1/clients/${c.id}/preferences`)
      .set(as(salesOps))
      .send({ quietHours: { start: '25:00', end: '08:00' } })
      .expect(400);
    expect(await logOf(c.id)).toHaveLength(0);
    const prefs = await t.dataSource.query(
      `SELECT letter_allowed FROM client_preferences WHERE client_id = $1`,
      [c.id],
    );
    expect(prefs).toEqual([{ letter_allowed: true }]);
  });

  it('lets marketers read preferences but not change them', async () => {
    const c = await createClient(t.dataSource);
    await t
      .http()
      .put(`/api/v1/clients/${c.id}/preferences`)
      .set(as(marketer))
      .send({ optedOut: true })
      .expect(403);
  });

  it('serves the consent log newest first with pagination', async () => {
    const c = await createClient(t.dataSource);
    for (const frequency of ['weekly', 'monthly', 'quarterly']) {
      await t
        .http()
        .put(`/api/v1/clients/${c.id}/preferences`)
        .set(as(salesOps))
        .send({ frequency })
        .expect(200);
    }
    const first = await t
      .http()
      .get(`/api/v1/clients/${c.id}/consent-log?limit=2`)
      .set(as(marketer))
      .expect(200);
    expect(first.body.items.map((i: { newValue: string }) => i.newValue)).toEqual(['quarterly', 'monthly']);
    const second = await t
      .http()
      .get(`/api/v1/clients/${c.id}/consent-log?limit=2&cursor=${first.body.nextCursor}`)
      .set(as(marketer))
      .expect(200);
    expect(second.body.items.map((i: { newValue: string }) => i.newValue)).toEqual(['weekly']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('keeps the consent log append-only in the database itself', async () => {
    const c = await createClient(t.dataSource);
    await t
      .http()
      .put(`/api/v1/clients/${c.id}/preferences`)
      .set(as(salesOps))
      .send({ optedOut: true })
      .expect(200);
    await expect(
      t.dataSource.query(`UPDATE consent_log SET new_value = 'false' WHERE client_id = $1`, [c.id]),
    ).rejects.toThrow(/append-only/);
    await expect(t.dataSource.query(`DELETE FROM consent_log WHERE client_id = $1`, [c.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(t.dataSource.query(`TRUNCATE consent_log`)).rejects.toThrow(/append-only/);
    // Even with the erasure switch on, only personal columns may be blanked.
    await expect(
      t.dataSource.transaction(async (m) => {
        await m.query(`SET LOCAL touchbase.erasure = 'on'`);
        await m.query(
          `UPDATE consent_log SET item = 'forged', ip = NULL, user_agent = NULL WHERE client_id = $1`,
          [c.id],
        );
      }),
    ).rejects.toThrow(/append-only/);
    expect(await logOf(c.id)).toMatchObject([{ item: 'optedOut', new_value: true }]);
  });

  it('applies the configured defaults to clients created afterwards only', async () => {
    const before = await createClient(t.dataSource);
    await t
      .http()
      .put('/api/v1/preferences/defaults')
      .set(as(TEST_ADMIN_KEY))
      .send({
        emailAllowed: true,
        smsAllowed: false,
        callAllowed: true,
        letterAllowed: true,
        frequency: 'monthly',
      })
      .expect(200);
    const after = await createClient(t.dataSource);
    const rows = await t.dataSource.query(
      `SELECT client_id, sms_allowed, frequency FROM client_preferences WHERE client_id = ANY($1) ORDER BY sms_allowed`,
      [[before.id, after.id]],
    );
    expect(rows).toEqual([
      { client_id: after.id, sms_allowed: false, frequency: 'monthly' },
      { client_id: before.id, sms_allowed: true, frequency: 'unlimited' },
    ]);
    await t.http().put('/api/v1/preferences/defaults').set(as(salesOps)).send({}).expect(403);
    await t
      .http()
      .put('/api/v1/preferences/defaults')
      .set(as(TEST_ADMIN_KEY))
      .send({
        emailAllowed: true,
        smsAllowed: true,
        callAllowed: true,
        letterAllowed: true,
        frequency: 'unlimited',
      })
      .expect(200);
  });

  describe('topics', () => {
    it('ships the default topics in Russian and English', async () => {
      const res = await t.http().get('/api/v1/topics').set(as(marketer)).expect(200);
      const keys = res.body.items.map((x: { key: string }) => x.key).sort();
      expect(keys).toEqual(
        [
          'company-letters',
          'greetings',
          'new-products',
          'news',
          'price-changes',
          'promotions',
          'service',
          'surveys',
        ].sort(),
      );
      const letters = res.body.items.find((x: { key: string }) => x.key === 'company-letters');
      expect(letters).toMatchObject({
        nameRu: 'Письма руководителя',
        nameEn: 'Letters from our CEO',
        system: true,
      });
    });

    it('creates an opt-in topic that new and existing clients are not subscribed to', async () => {
      await t
        .http()
        .post('/api/v1/topics')
        .set(as(TEST_ADMIN_KEY))
        .send({ key: 'webinars', nameRu: 'Вебинары', nameEn: 'Webinars', defaultSubscribed: false })
        .expect(201);
      const c = await createClient(t.dataSource);
      const prefs = await t.http().get(`/api/v1/clients/${c.id}/preferences`).set(as(marketer)).expect(200);
      expect(prefs.body.topics.find((x: { key: string }) => x.key === 'webinars')).toEqual({
        key: 'webinars',
        subscribed: false,
        explicit: false,
      });
      await t
        .http()
        .post('/api/v1/topics')
        .set(as(TEST_ADMIN_KEY))
        .send({ key: 'webinars', nameRu: 'x', nameEn: 'x' })
        .expect(409);
      await t
        .http()
        .post('/api/v1/topics')
        .set(as(TEST_ADMIN_KEY))
        .send({ key: 'Bad Key', nameRu: 'x', nameEn: 'x' })
        .expect(400);
      await t
        .http()
        .post('/api/v1/topics')
        .set(as(marketer))
        .send({ key: 'x', nameRu: 'x', nameEn: 'x' })
        .expect(403);
    });

    it('renames a built-in topic but never deletes it; deletes a custom one', async () => {
      await t
        .http()
        .patch('/api/v1/topics/news')
        .set(as(TEST_ADMIN_KEY))
        .send({ nameEn: 'Our news' })
        .expect(200);
      const res = await t.http().delete('/api/v1/topics/news').set(as(TEST_ADMIN_KEY)).expect(409);
      expect(res.body.message).toContain('built in');
      await t
        .http()
        .post('/api/v1/topics')
        .set(as(TEST_ADMIN_KEY))
        .send({ key: 'temp', nameRu: 'Врем', nameEn: 'Temp' })
        .expect(201);
      await t.http().delete('/api/v1/topics/temp').set(as(TEST_ADMIN_KEY)).expect(204);
      await t.http().get('/api/v1/topics/temp').set(as(marketer)).expect(404);
    });
  });

  it('puts preference changes, stage changes and purchases on the timeline, newest first', async () => {
    const c = await createClient(t.dataSource);
    await t.dataSource.query(
      `INSERT INTO stage_history (client_id, from_stage, to_stage, cause, changed_at) VALUES ($1, NULL, 'potential', 'created', now() - interval '3 days')`,
      [c.id],
    );
    await t.dataSource.query(
      `INSERT INTO purchases (client_id, amount, currency, purchased_at, product) VALUES ($1, 500, 'RUB', now() - interval '2 days', 'Кирпич')`,
      [c.id],
    );
    await t
      .http()
      .put(`/api/v1/clients/${c.id}/preferences`)
      .set(as(salesOps))
      .send({ frequency: 'weekly' })
      .expect(200);
    const res = await t.http().get(`/api/v1/clients/${c.id}/timeline?limit=2`).set(as(marketer)).expect(200);
    expect(res.body.items.map((i: { type: string }) => i.type)).toEqual(['preference', 'purchase']);
    expect(res.body.items[1].data).toMatchObject({ product: 'Кирпич', currency: 'RUB' });
    const rest = await t
      .http()
      .get(`/api/v1/clients/${c.id}/timeline?limit=2&cursor=${res.body.nextCursor}`)
      .set(as(marketer))
      .expect(200);
    expect(rest.body.items).toEqual([
      expect.objectContaining({
        type: 'stage',
        data: expect.objectContaining({ to: 'potential', cause: 'created' }),
      }),
    ]);
    expect(rest.body.nextCursor).toBeNull();
  });
});
