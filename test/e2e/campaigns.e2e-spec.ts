import { Channel, StaffRole } from '@touchbase/core';
import { createCampaign } from '../factories/campaign.factory';
import { createRun } from '../factories/run.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createSegment } from '../factories/segment.factory';
import { signaturePng } from './letters-pdf';
import { createTestApp, TestApp } from '../support/test-app';
import { as, createSigner, createTemplates, fieldsOf, resetCampaigns } from './campaigns-support';

describe('Campaigns API', () => {
  let t: TestApp;
  let marketer: string;
  let salesOps: string;
  let signerId: string;

  const valid = (overrides: Record<string, unknown> = {}) => ({
    name: `News ${Math.random().toString(36).slice(2, 8)}`,
    kind: 'broadcast',
    topicKey: 'news',
    channels: ['email', 'sms'],
    templates: { email: 'test-news', sms: 'test-news' },
    schedule: { type: 'monthly', day: 1, time: '10:00' },
    timeZone: 'Europe/Moscow',
    ...overrides,
  });
  const create = (body: object, key = marketer) => t.http().post('/api/v1/campaigns').set(as(key)).send(body);
  const count = async () =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM campaigns`))[0].n as number;

  beforeAll(async () => {
    t = await createTestApp();
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
    await createTemplates(t.dataSource, 'test-news', [Channel.Email, Channel.Sms]);
    await createTemplates(t.dataSource, 'test-letter', [Channel.Letter, Channel.Email]);
    await createTemplates(t.dataSource, 'test-call', [Channel.Call]);
    signerId = await createSigner(t.dataSource);
  });
  afterAll(() => t.close());
  beforeEach(() => resetCampaigns(t.dataSource));

  describe('create, read, change', () => {
    it('creates a draft with defaults, and every role reads it', async () => {
      const res = await create(valid({ name: 'Ежемесячные новости' })).expect(201);
      expect(res.body).toMatchObject({
        name: 'Ежемесячные новости',
        description: '',
        kind: 'broadcast',
        status: 'draft',
        segmentId: null,
        topicKey: 'news',
        channels: ['email', 'sms'],
        channelRules: [],
        templates: { email: 'test-news', sms: 'test-news' },
        priority: 'normal',
        schedule: { type: 'monthly', day: 1, time: '10:00' },
        scheduleText: 'Monthly on day 1 at 10:00 Europe/Moscow',
        rrule: 'RRULE:FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=10;BYMINUTE=0;BYSECOND=0',
        timeZone: 'Europe/Moscow',
        deadlineHours: 72,
        graceHours: 24,
        requiresEdition: false,
        signerId: null,
        fromAddress: null,
        playbookKey: null,
        activatedAt: null,
      });
      expect(res.body.nextOccurrences).toHaveLength(3);
      expect(res.body.nextOccurrences[0].local).toMatch(/^\d{4}-\d{2}-01T10:00$/);
      expect(res.body.nextOccurrences[0].periodKey).toMatch(/^\d{4}-\d{2}$/);

      const got = await t.http().get(`/api/v1/campaigns/${res.body.id}`).set(as(salesOps)).expect(200);
      expect(got.body).toEqual(res.body);
      const list = await t.http().get('/api/v1/campaigns').set(as(salesOps)).expect(200);
      expect(list.body.items.map((c: { id: string }) => c.id)).toContain(res.body.id);
    });

    it('takes every field, and the workspace zone by default', async () => {
      const segmentId = await createSegment(t.dataSource, 'Только VIP', {
        field: 'category',
        op: 'eq',
        value: 'VIP',
      });
      const res = await create({
        name: 'VIP letters',
        description: 'Письма VIP',
        kind: 'plan',
        segmentId,
        topicKey: 'new-products',
        channels: ['email'],
        channelRules: [{ categories: ['VIP', 'A'], channels: ['letter', 'email'] }],
        templates: { email: 'test-letter', letter: 'test-letter' },
        priority: 'high',
        schedule: { type: 'rrule', rrule: 'FREQ=WEEKLY;BYDAY=MO', dtstart: '2026-11-02T09:00' },
        deadlineHours: 48,
        graceHours: 2,
        requiresEdition: true,
        signerId,
        fromAddress: 'vip@example.com',
      }).expect(201);
      expect(res.body).toMatchObject({
        kind: 'plan',
        segmentId,
        channelRules: [{ categories: ['VIP', 'A'], channels: ['letter', 'email'] }],
        priority: 'high',
        timeZone: t.env.DEFAULT_TIME_ZONE,
        deadlineHours: 48,
        graceHours: 2,
        requiresEdition: true,
        signerId,
        fromAddress: 'vip@example.com',
        scheduleText: expect.stringContaining('Every week on Monday at 09:00'),
      });
    });

    it('changes fields; null clears the nullable ones and is refused for the others', async () => {
      const { body } = await create(valid({ fromAddress: 'a@example.com', signerId })).expect(201);
      const res = await t
        .http()
        .patch(`/api/v1/campaigns/${body.id}`)
        .set(as(marketer))
        .send({
          name: 'Renamed',
          fromAddress: null,
          signerId: null,
          graceHours: 0,
          schedule: { type: 'quarterly', time: '09:00' },
        })
        .expect(200);
      expect(res.body).toMatchObject({
        name: 'Renamed',
        fromAddress: null,
        signerId: null,
        graceHours: 0,
        schedule: { type: 'quarterly', time: '09:00' },
      });
      for (const bad of [
        { name: null },
        { channels: null },
        { schedule: null },
        { kind: null },
        { graceHours: null },
      ]) {
        const r = await t
          .http()
          .patch(`/api/v1/campaigns/${body.id}`)
          .set(as(marketer))
          .send(bad)
          .expect(400);
        expect(Object.keys(fieldsOf(r.body))).toEqual(Object.keys(bad));
      }
      await t
        .http()
        .patch('/api/v1/campaigns/00000000-0000-4000-8000-000000000000')
        .set(as(marketer))
        .send({})
        .expect(404);
    });

    it('lists by name with cursor pagination and filters; archived only when asked', async () => {
      for (const name of ['b-camp', 'A-camp', 'c-camp']) await create(valid({ name })).expect(201);
      const page1 = await t
        .http()
        .get('/api/v1/campaigns?limit=2&kind=broadcast&status=draft')
        .set(as(marketer))
        .expect(200);
      expect(page1.body.items.map((c: { name: string }) => c.name)).toEqual(['A-camp', 'b-camp']);
      const page2 = await t
        .http()
        .get(`/api/v1/campaigns?limit=2&kind=broadcast&status=draft&cursor=${page1.body.nextCursor}`)
        .set(as(marketer))
        .expect(200);
      expect(page2.body.items.map((c: { name: string }) => c.name)).toContain('c-camp');
      await t.http().get('/api/v1/campaigns?cursor=garbage').set(as(marketer)).expect(400);
      await t.http().get('/api/v1/campaigns?status=nope').set(as(marketer)).expect(400);
    });

    it('only marketers and admins write; every staff role reads', async () => {
      await create(valid(), salesOps).expect(403);
      const { body } = await create(valid()).expect(201);
      await t.http().patch(`/api/v1/campaigns/${body.id}`).set(as(salesOps)).send({ name: 'x' }).expect(403);
      await t.http().post(`/api/v1/campaigns/${body.id}/activate`).set(as(salesOps)).expect(403);
      await t.http().delete(`/api/v1/campaigns/${body.id}`).set(as(salesOps)).expect(403);
      await t.http().get(`/api/v1/campaigns/${body.id}`).set(as(salesOps)).expect(200);
      await t.http().get('/api/v1/campaigns').expect(401);
    });
  });

  describe('validation', () => {
    const unknownId = '00000000-0000-4000-8000-000000000000';
    const cases: [string, string, Record<string, unknown>][] = [
      ['name empty', 'name', { name: '  ' }],
      ['kind unknown', 'kind', { kind: 'newsletter' }],
      ['segment not a uuid', 'segmentId', { segmentId: 'vip' }],
      ['segment unknown', 'segmentId', { segmentId: unknownId }],
      ['topic unknown', 'topicKey', { topicKey: 'weather' }],
      ['topic missing for a broadcast', 'topicKey', { topicKey: undefined }],
      ['no channels', 'channels', { channels: [] }],
      ['repeated channel', 'channels', { channels: ['email', 'email'] }],
      ['unknown channel', 'channels', { channels: ['fax'] }],
      ['channels not a list', 'channels', { channels: 'email' }],
      [
        'rule category unknown',
        'channelRules.0.categories',
        { channelRules: [{ categories: ['Z'], channels: ['email'] }] },
      ],
      [
        'rule without channels',
        'channelRules.0.channels',
        { channelRules: [{ categories: ['A'], channels: [] }] },
      ],
      [
        'rule channel unknown',
        'channelRules.0.channels',
        { channelRules: [{ categories: ['A'], channels: ['pigeon'] }] },
      ],
      [
        'category in two rules',
        'channelRules[1].categories',
        {
          channelRules: [
            { categories: ['A'], channels: ['email'] },
            { categories: ['A', 'B'], channels: ['sms'] },
          ],
        },
      ],
      [
        'template of an unknown channel',
        'templates.fax',
        { templates: { email: 'test-news', sms: 'test-news', fax: 'x' } },
      ],
      [
        'template of an unused channel',
        'templates.call',
        { templates: { email: 'test-news', call: 'test-call' } },
      ],
      ['template that does not exist', 'templates.email', { templates: { email: 'no-such-template' } }],
      ['template of another channel', 'templates.email', { templates: { email: 'test-call' } }],
      ['template name malformed', 'templates.email', { templates: { email: 'Bad Name' } }],
      ['templates not an object', 'templates', { templates: ['test-news'] }],
      ['priority unknown', 'priority', { priority: 'urgent' }],
      ['schedule missing', 'schedule', { schedule: undefined }],
      ['schedule type unknown', 'schedule.type', { schedule: { type: 'weekly' } }],
      ['schedule day 32', 'schedule.day', { schedule: { type: 'monthly', day: 32, time: '10:00' } }],
      ['schedule time 25:00', 'schedule.time', { schedule: { type: 'quarterly', time: '25:00' } }],
      [
        'schedule bad RRULE',
        'schedule.rrule',
        { schedule: { type: 'rrule', rrule: 'FREQ=DAILY;FOO=1', dtstart: '2026-11-01T10:00' } },
      ],
      [
        'schedule hourly',
        'schedule.rrule',
        { schedule: { type: 'rrule', rrule: 'FREQ=HOURLY', dtstart: '2026-11-01T10:00' } },
      ],
      [
        'schedule bad dtstart',
        'schedule.dtstart',
        { schedule: { type: 'rrule', rrule: 'FREQ=DAILY', dtstart: 'soon' } },
      ],
      ['schedule bad one-off', 'schedule.at', { schedule: { type: 'once', at: 'next week' } }],
      ['time zone unknown', 'timeZone', { timeZone: 'Mars/Olympus' }],
      ['deadline 0', 'deadlineHours', { deadlineHours: 0 }],
      ['deadline too long', 'deadlineHours', { deadlineHours: 3000 }],
      ['grace negative', 'graceHours', { graceHours: -1 }],
      ['grace fractional', 'graceHours', { graceHours: 1.5 }],
      ['requiresEdition not boolean', 'requiresEdition', { requiresEdition: 'yes' }],
      ['signer not a uuid', 'signerId', { signerId: 'ceo' }],
      ['signer unknown', 'signerId', { signerId: unknownId }],
      ['from address', 'fromAddress', { fromAddress: 'not-an-email' }],
      ['unknown field', 'colour', { colour: 'red' }],
    ];

    it.each(cases)('%s → 400 naming %s', async (_what, field, change) => {
      const before = await count();
      const res = await create(valid(change)).expect(400);
      expect(res.body).toMatchObject({
        statusCode: 400,
        error: 'validation_failed',
        message: expect.any(String),
      });
      expect(Object.keys(fieldsOf(res.body))).toContain(field);
      expect(await count()).toBe(before);
    });

    it('reports every problem at once', async () => {
      const res = await create(
        valid({ topicKey: 'weather', timeZone: 'Nowhere', templates: { email: 'nope' } }),
      ).expect(400);
      expect(Object.keys(fieldsOf(res.body)).sort()).toEqual(['templates.email', 'timeZone', 'topicKey']);
    });

    it('quotes the RRULE parser', async () => {
      const res = await create(
        valid({ schedule: { type: 'rrule', rrule: 'FREQ=DAILY;FOO=1', dtstart: '2026-11-01T10:00' } }),
      ).expect(400);
      expect(fieldsOf(res.body)['schedule.rrule']).toContain("Unknown RRULE property 'FOO'");
    });

    it('names are unique ignoring case: 409 on create and on rename', async () => {
      await create(valid({ name: 'Новости' })).expect(201);
      const dup = await create(valid({ name: 'НОВОСТИ' })).expect(409);
      expect(dup.body).toMatchObject({
        statusCode: 409,
        error: 'conflict',
        message: expect.stringContaining('Новости'),
      });
      const other = await create(valid({ name: 'Другое' })).expect(201);
      await t
        .http()
        .patch(`/api/v1/campaigns/${other.body.id}`)
        .set(as(marketer))
        .send({ name: 'новости' })
        .expect(409);
      await t
        .http()
        .patch(`/api/v1/campaigns/${other.body.id}`)
        .set(as(marketer))
        .send({ name: 'ДРУГОЕ' })
        .expect(200);
    });
  });

  describe('kind rules', () => {
    const letter = (overrides: Record<string, unknown> = {}) =>
      valid({
        kind: 'ceo-letter',
        topicKey: undefined,
        channels: ['email'],
        channelRules: [{ categories: ['VIP', 'A'], channels: ['letter', 'email'] }],
        templates: { email: 'test-letter', letter: 'test-letter' },
        schedule: { type: 'quarterly', time: '10:00' },
        ...overrides,
      });

    it('a ceo-letter is must-send about company-letters (filled in)', async () => {
      const res = await create(letter()).expect(201);
      expect(res.body).toMatchObject({
        kind: 'ceo-letter',
        priority: 'must-send',
        topicKey: 'company-letters',
      });
      await create(letter({ name: 'explicit', priority: 'must-send', topicKey: 'company-letters' })).expect(
        201,
      );
    });

    it('refuses contradictions with a clear 400', async () => {
      const priority = await create(letter({ priority: 'normal' })).expect(400);
      expect(fieldsOf(priority.body)).toEqual({
        priority: expect.stringContaining('a ceo-letter is always must-send'),
      });
      const topic = await create(letter({ topicKey: 'news' })).expect(400);
      expect(fieldsOf(topic.body)).toEqual({ topicKey: expect.stringContaining('company-letters') });
    });

    it('a ceo-letter needs a signer to be activated (not to be drafted)', async () => {
      const { body } = await create(letter()).expect(201);
      const res = await t.http().post(`/api/v1/campaigns/${body.id}/activate`).set(as(marketer)).expect(409);
      expect(fieldsOf(res.body)).toEqual({ signerId: expect.stringContaining('signer') });
      await t.http().patch(`/api/v1/campaigns/${body.id}`).set(as(marketer)).send({ signerId }).expect(200);
      await t
        .http()
        .post(`/api/v1/campaigns/${body.id}/activate`)
        .set(as(marketer))
        .send({ confirmUnsigned: true })
        .expect(200);
    });

    it('warns of letters without a signature image, and refuses a must-send run of them unless confirmed', async () => {
      const unsigned = await createSigner(t.dataSource, 'Пётр Неподписанный');
      const { body } = await create(letter({ name: 'Unsigned letter', signerId: unsigned })).expect(201);
      const activate = (send: object = {}) =>
        t.http().post(`/api/v1/campaigns/${body.id}/activate`).set(as(marketer)).send(send);
      const refused = await activate().expect(409);
      expect(fieldsOf(refused.body)).toEqual({
        confirmUnsigned: expect.stringContaining('without a signature'),
      });
      expect((await t.http().get(`/api/v1/campaigns/${body.id}`).set(as(marketer))).body.status).toBe(
        'draft',
      );
      const run = await t
        .http()
        .post(`/api/v1/campaigns/${body.id}/runs`)
        .set(as(marketer))
        .send({})
        .expect(409);
      expect(fieldsOf(run.body)).toEqual({ confirmUnsigned: expect.any(String) });
      expect(await t.dataSource.query(`SELECT 1 FROM runs WHERE campaign_id = $1`, [body.id])).toHaveLength(
        0,
      );

      const confirmed = await activate({ confirmUnsigned: true }).expect(200);
      expect(confirmed.body.status).toBe('active');
      expect(confirmed.body.warnings).toEqual([
        'Письма напечатаются без подписи: у подписанта Пётр Неподписанный нет изображения подписи / ' +
          'Letters will print without a signature: the signer Пётр Неподписанный has no signature image',
      ]);

      // With the image uploaded, nothing to warn of.
      await t
        .http()
        .put(`/api/v1/signers/${unsigned}/signature`)
        .set(as(marketer))
        .attach('file', signaturePng(), 'signature.png')
        .expect(200);
      const { body: other } = await create(letter({ name: 'Signed letter', signerId: unsigned })).expect(201);
      const signed = await t
        .http()
        .post(`/api/v1/campaigns/${other.id}/activate`)
        .set(as(marketer))
        .expect(200);
      expect(signed.body.warnings).toEqual([]);
    });

    it('a service campaign is never promotional: topic service, and only service campaigns use it', async () => {
      const service = valid({
        kind: 'service',
        topicKey: undefined,
        channels: ['call'],
        templates: { call: 'test-call' },
      });
      const res = await create(service).expect(201);
      expect(res.body.topicKey).toBe('service');
      const promo = await create({ ...service, name: 'promo', topicKey: 'promotions' }).expect(400);
      expect(fieldsOf(promo.body)).toEqual({ topicKey: expect.stringContaining('never promotional') });
      const misuse = await create(valid({ name: 'misuse', topicKey: 'service' })).expect(400);
      expect(fieldsOf(misuse.body)).toEqual({
        topicKey: expect.stringContaining('only for service campaigns'),
      });
    });

    it('changing the kind brings its defaults, unless contradicted', async () => {
      const { body } = await create(valid({ channels: ['email'], templates: { email: 'test-news' } })).expect(
        201,
      );
      const changed = await t
        .http()
        .patch(`/api/v1/campaigns/${body.id}`)
        .set(as(marketer))
        .send({ kind: 'ceo-letter' })
        .expect(200);
      expect(changed.body).toMatchObject({
        kind: 'ceo-letter',
        priority: 'must-send',
        topicKey: 'company-letters',
      });
      await t
        .http()
        .patch(`/api/v1/campaigns/${body.id}`)
        .set(as(marketer))
        .send({ priority: 'high' })
        .expect(400);
      await t
        .http()
        .patch(`/api/v1/campaigns/${body.id}`)
        .set(as(marketer))
        .send({ kind: 'service', topicKey: 'news' })
        .expect(400);
    });

    it('letters need a signer whatever the kind', async () => {
      const { body } = await create(
        valid({ channels: ['letter'], templates: { letter: 'test-letter' } }),
      ).expect(201);
      const res = await t.http().post(`/api/v1/campaigns/${body.id}/activate`).set(as(marketer)).expect(409);
      expect(Object.keys(fieldsOf(res.body))).toEqual(['signerId']);
    });
  });

  describe('activate, pause, archive', () => {
    it('activation checks it can run: a template for every channel (rules included)', async () => {
      const { body } = await create(
        valid({
          channels: ['email'],
          channelRules: [{ categories: ['VIP'], channels: ['sms'] }],
          templates: { email: 'test-news' },
        }),
      ).expect(201);
      const res = await t.http().post(`/api/v1/campaigns/${body.id}/activate`).set(as(marketer)).expect(409);
      expect(res.body).toMatchObject({
        statusCode: 409,
        error: 'conflict',
        message: expect.stringContaining('templates.sms'),
      });
      expect(fieldsOf(res.body)).toEqual({ 'templates.sms': 'no template is set for the sms channel' });
      expect((await t.http().get(`/api/v1/campaigns/${body.id}`).set(as(marketer))).body.status).toBe(
        'draft',
      );
    });

    it('activation refuses a template deleted since the campaign was made', async () => {
      await createTemplates(t.dataSource, 'short-lived', [Channel.Email]);
      const { body } = await create(
        valid({ channels: ['email'], templates: { email: 'short-lived' } }),
      ).expect(201);
      await t.dataSource.query(`DELETE FROM templates WHERE name = 'short-lived'`);
      const res = await t.http().post(`/api/v1/campaigns/${body.id}/activate`).set(as(marketer)).expect(409);
      expect(fieldsOf(res.body)).toEqual({ 'templates.email': expect.stringContaining('"short-lived"') });
    });

    it('activation refuses a schedule with nothing left to run', async () => {
      const { body } = await create(valid({ schedule: { type: 'once', at: '2020-01-01T10:00' } })).expect(
        201,
      );
      const res = await t.http().post(`/api/v1/campaigns/${body.id}/activate`).set(as(marketer)).expect(409);
      expect(fieldsOf(res.body)).toEqual({ schedule: expect.stringContaining('no occurrence after now') });
    });

    it('activate → active with activatedAt; pause → paused; activate again resumes from now', async () => {
      const { body } = await create(valid()).expect(201);
      await t.http().post(`/api/v1/campaigns/${body.id}/pause`).set(as(marketer)).expect(409);
      const before = Date.now();
      const active = await t
        .http()
        .post(`/api/v1/campaigns/${body.id}/activate`)
        .set(as(marketer))
        .expect(200);
      expect(active.body.status).toBe('active');
      expect(new Date(active.body.activatedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);
      // Idempotent: activating an active campaign keeps its activation time.
      const again = await t
        .http()
        .post(`/api/v1/campaigns/${body.id}/activate`)
        .set(as(marketer))
        .expect(200);
      expect(again.body.activatedAt).toBe(active.body.activatedAt);
      const paused = await t.http().post(`/api/v1/campaigns/${body.id}/pause`).set(as(marketer)).expect(200);
      expect(paused.body.status).toBe('paused');
      await t.http().post(`/api/v1/campaigns/${body.id}/pause`).set(as(marketer)).expect(200);
      const resumed = await t
        .http()
        .post(`/api/v1/campaigns/${body.id}/activate`)
        .set(as(marketer))
        .expect(200);
      expect(resumed.body.status).toBe('active');
      expect(new Date(resumed.body.activatedAt).getTime()).toBeGreaterThanOrEqual(
        new Date(active.body.activatedAt).getTime(),
      );
    });

    it('an active campaign must stay able to run', async () => {
      const { body } = await create(valid()).expect(201);
      await t.http().post(`/api/v1/campaigns/${body.id}/activate`).set(as(marketer)).expect(200);
      const res = await t
        .http()
        .patch(`/api/v1/campaigns/${body.id}`)
        .set(as(marketer))
        .send({ channels: ['email', 'sms', 'call'] })
        .expect(409);
      expect(fieldsOf(res.body)).toEqual({ 'templates.call': expect.any(String) });
      await t
        .http()
        .patch(`/api/v1/campaigns/${body.id}`)
        .set(as(marketer))
        .send({ graceHours: 6 })
        .expect(200);
    });

    it('DELETE archives: pending runs are cancelled, the campaign is read-only and listed only when asked', async () => {
      const { body } = await create(valid()).expect(201);
      const campaign = { id: body.id } as Parameters<typeof createRun>[1];
      const planned = await createRun(t.dataSource, campaign, new Date(), '2026-11');
      const archived = await t.http().delete(`/api/v1/campaigns/${body.id}`).set(as(marketer)).expect(200);
      expect(archived.body).toMatchObject({ status: 'archived', nextOccurrences: [] });
      const [run] = await t.dataSource.query(`SELECT status, message FROM runs WHERE id = $1`, [planned.id]);
      expect(run).toEqual({ status: 'cancelled', message: 'the campaign was archived' });
      await t
        .http()
        .patch(`/api/v1/campaigns/${body.id}`)
        .set(as(marketer))
        .send({ graceHours: 1 })
        .expect(409);
      await t.http().post(`/api/v1/campaigns/${body.id}/activate`).set(as(marketer)).expect(409);
      const list = await t.http().get('/api/v1/campaigns').set(as(marketer)).expect(200);
      expect(list.body.items.map((c: { id: string }) => c.id)).not.toContain(body.id);
      const archivedList = await t
        .http()
        .get('/api/v1/campaigns?status=archived')
        .set(as(marketer))
        .expect(200);
      expect(archivedList.body.items.map((c: { id: string }) => c.id)).toContain(body.id);
      // The name stays taken.
      await create(valid({ name: body.name })).expect(409);
    });

    it('a campaign with runs cannot be deleted for good; one that never ran can', async () => {
      const ran = await createCampaign(t.dataSource);
      await createRun(t.dataSource, ran, new Date());
      const res = await t
        .http()
        .delete(`/api/v1/campaigns/${ran.id}?permanent=true`)
        .set(as(marketer))
        .expect(409);
      expect(res.body.message).toContain('archive it instead');
      const { body } = await create(valid()).expect(201);
      await t.http().delete(`/api/v1/campaigns/${body.id}?permanent=true`).set(as(marketer)).expect(204);
      await t.http().get(`/api/v1/campaigns/${body.id}`).set(as(marketer)).expect(404);
      await t.http().delete(`/api/v1/campaigns/${body.id}`).set(as(marketer)).expect(404);
    });
  });

  describe('playbook programs', () => {
    it('are proposed once, as drafts, with what the playbook says', async () => {
      const rows: { playbook_key: string; status: string }[] = await t.dataSource.query(
        `SELECT playbook_key, status FROM campaigns WHERE playbook_key IS NOT NULL ORDER BY playbook_key`,
      );
      expect(rows).toEqual(
        [
          'ceo-quarterly-letter',
          'contact-verification',
          'monthly-broadcast',
          'satisfaction-survey',
          'vip-owner-call',
          'win-back',
        ].map((playbook_key) => ({ playbook_key, status: 'draft' })),
      );
      const list = await t
        .http()
        .get('/api/v1/campaigns?status=draft&limit=100')
        .set(as(marketer))
        .expect(200);
      const byKey = Object.fromEntries(
        (list.body.items as { playbookKey: string | null }[])
          .filter((c) => c.playbookKey)
          .map((c) => [c.playbookKey, c]),
      );
      expect(byKey['monthly-broadcast']).toMatchObject({
        kind: 'broadcast',
        segmentId: null,
        topicKey: 'news',
        channels: ['email', 'sms'],
        requiresEdition: true,
        templates: { email: 'monthly-broadcast', sms: 'monthly-broadcast' },
        schedule: { type: 'monthly', day: 1, time: '10:00' },
        timeZone: t.env.DEFAULT_TIME_ZONE,
      });
      expect(byKey['ceo-quarterly-letter']).toMatchObject({
        kind: 'ceo-letter',
        priority: 'must-send',
        topicKey: 'company-letters',
        channels: ['email'],
        channelRules: [{ categories: ['VIP', 'A'], channels: ['letter', 'email'] }],
        templates: { letter: 'ceo-letter', email: 'ceo-letter' },
        schedule: { type: 'quarterly', time: '10:00' },
        signerId: null,
      });
      expect(byKey['vip-owner-call']).toMatchObject({
        kind: 'plan',
        channels: ['call'],
        priority: 'high',
        templates: { call: 'vip-call' },
        schedule: { type: 'monthly', day: 5, time: '11:00' },
      });
      expect(byKey['contact-verification']).toMatchObject({
        kind: 'service',
        topicKey: 'service',
        channels: ['call'],
      });
      expect(byKey['win-back']).toMatchObject({
        kind: 'plan',
        channels: ['email', 'sms'],
        schedule: { day: 15 },
      });
      expect(byKey['satisfaction-survey']).toMatchObject({
        kind: 'broadcast',
        topicKey: 'surveys',
        schedule: {
          type: 'rrule',
          rrule: 'FREQ=YEARLY;BYMONTH=3,9;BYMONTHDAY=15',
          dtstart: expect.stringMatching(/T11:00$/),
        },
      });
      const segments: { name: string; rules: unknown }[] = await t.dataSource.query(
        `SELECT s.name, s.rules FROM campaigns c JOIN segments s ON s.id = c.segment_id
          WHERE c.playbook_key IS NOT NULL ORDER BY s.name`,
      );
      expect(segments).toEqual([
        {
          name: 'Contact data not verified for a year',
          rules: { field: 'contactVerified', op: 'olderThanDays', value: 365 },
        },
        { name: 'Lapsed clients', rules: { field: 'stage', op: 'eq', value: 'lapsed' } },
        { name: 'VIP clients', rules: { field: 'category', op: 'eq', value: 'VIP' } },
      ]);
    });

    it('the CEO letter asks for a signer when activated', async () => {
      const [{ id }] = await t.dataSource.query(
        `SELECT id FROM campaigns WHERE playbook_key = 'ceo-quarterly-letter'`,
      );
      const res = await t.http().post(`/api/v1/campaigns/${id}/activate`).set(as(marketer)).expect(409);
      expect(Object.keys(fieldsOf(res.body))).toContain('signerId');
    });

    it('a playbook program is archived, not deleted (it would come back)', async () => {
      const [{ id }] = await t.dataSource.query(`SELECT id FROM campaigns WHERE playbook_key = 'win-back'`);
      await t.http().delete(`/api/v1/campaigns/${id}?permanent=true`).set(as(marketer)).expect(409);
    });
  });
});
