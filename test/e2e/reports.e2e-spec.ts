import { Campaign, CampaignKind } from '@touchbase/campaigns';
import { Client } from '@touchbase/clients';
import { Channel, StaffRole } from '@touchbase/core';
import { StaffMember } from '@touchbase/staff';
import { createCampaign } from '../factories/campaign.factory';
import { createDelivery, DeliveryStatusValue } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { createClient, createPurchase, daysAgo } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createSegment } from '../factories/segment.factory';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * The reports on one hand-built base (workspace zone Europe/Moscow, October 2026 the main period):
 *
 * | client  | cat  | owner | October touches                 | CEO letter 2026-Q4        |
 * |---------|------|-------|---------------------------------|---------------------------|
 * | Альфа   | VIP  | Anna  | email sent                      | letter sent (reached)     |
 * | Бета    | A    | Anna  | SMS delivered; call wrong number| email bounced             |
 * | Вега    | B    | Boris | email failed; call reached      | suppressed, frequency-cap |
 * | Гамма   | C    | Boris | — (call still open)             | cancelled                 |
 * | Дельта  | C    | —     | service email (not a touch)     | none, opted out           |
 * | Эпсилон | B    | Anna  | letter mailed, then returned    | none                      |
 * | Зета    | none | Boris | email on 30 Sep (outside)       | failed                    |
 * | =Ипсилон| B    | Anna  | email bounced                   | none, outside the segment |
 * | Архив   | VIP  | Anna  | archived: never counted         |                           |
 */
describe('Reports', () => {
  let t: TestApp;
  let marketer: string;
  let salesOps: string;
  let anna: StaffMember;
  let boris: StaffMember;
  const c: Record<string, Client> = {};
  let ceoSegmentId: string;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const runs = new Map<string, string>();

  const get = (path: string, key = marketer) => t.http().get(`/api/v1/reports/${path}`).set(as(key));

  async function run(campaign: Campaign, key: string): Promise<string> {
    const id = `${campaign.id}/${key}`;
    if (!runs.has(id))
      runs.set(id, (await createRun(t.dataSource, campaign, new Date('2026-10-01T07:00:00Z'), key)).id);
    return runs.get(id)!;
  }

  async function deliver(
    campaign: Campaign,
    runKey: string,
    client: Client,
    channel: Channel,
    status: DeliveryStatusValue,
    scheduledAt: string,
    extra: { reason?: string; countsAsTouch?: boolean; meta?: object; sent?: boolean } = {},
  ): Promise<string> {
    const sent = extra.sent ?? ['sent', 'delivered'].includes(status);
    const at = new Date(scheduledAt);
    return createDelivery(
      t.dataSource,
      { id: await run(campaign, runKey), campaignId: campaign.id },
      client.id,
      {
        channel,
        status,
        reason: extra.reason ?? null,
        countsAsTouch: extra.countsAsTouch ?? true,
        scheduledAt: at,
        sentAt: sent ? at : null,
        meta: extra.meta,
      },
    );
  }

  async function callTask(
    deliveryId: string,
    client: Client,
    campaign: Campaign,
    status: string,
    outcome: string | null,
    createdAt: string,
  ): Promise<void> {
    await t.dataSource.query(
      `INSERT INTO call_tasks (delivery_id, client_id, owner_id, campaign_id, due_at, status, outcome, script, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'Позвонить', $5)`,
      [deliveryId, client.id, client.ownerId, campaign.id, createdAt, status, outcome],
    );
  }

  async function history(client: Client, from: string | null, to: string, at: string): Promise<void> {
    await t.dataSource.query(
      `INSERT INTO stage_history (client_id, from_stage, to_stage, cause, changed_at) VALUES ($1, $2, $3, 'test', $4)`,
      [client.id, from, to, at],
    );
  }

  async function smsConsent(
    client: Client,
    actor: 'client' | 'system',
    value: boolean,
    at: string,
  ): Promise<void> {
    await t.dataSource.query(
      `INSERT INTO consent_log (client_id, changed_at, actor_type, source, item, old_value, new_value)
       VALUES ($1, $2, $3, 'sms', 'channel.sms', $4::jsonb, $5::jsonb)`,
      [client.id, at, actor, JSON.stringify(!value), JSON.stringify(value)],
    );
  }

  /** A client created on 1 Jan 2026, in `stage` since `stageSince`. */
  async function client(
    key: string,
    name: string,
    owner: StaffMember | null,
    fields: {
      category?: string | null;
      vip?: boolean;
      stage?: string;
      stageSince?: string;
      createdAt?: string;
    },
    tags: string[] = ['ceo'],
  ): Promise<void> {
    const created = await createClient(t.dataSource, {
      name,
      ownerId: owner?.id ?? null,
      tags,
      vipFlag: fields.vip ?? false,
      computedCategory: (fields.category ?? null) as Client['computedCategory'],
    });
    await t.dataSource.query(
      `UPDATE clients SET created_at = $2, stage = $3, stage_changed_at = $4 WHERE id = $1`,
      [
        created.id,
        fields.createdAt ?? '2026-01-01T00:00:00Z',
        fields.stage ?? 'potential',
        fields.stageSince ?? fields.createdAt ?? '2026-01-01T00:00:00Z',
      ],
    );
    c[key] = created;
  }

  beforeAll(async () => {
    t = await createTestApp();
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
    salesOps = (await createStaffWithKey(t.dataSource, StaffRole.SalesOps)).key;
    anna = await createStaffWithKey(t.dataSource, StaffRole.SalesOps, { name: 'Анна' }).then((s) => s.staff);
    boris = await createStaffWithKey(t.dataSource, StaffRole.SalesOps, { name: 'Борис' }).then(
      (s) => s.staff,
    );

    await client('alfa', 'Альфа', anna, { vip: true, stage: 'client', stageSince: '2026-10-20T09:00:00Z' });
    await client('beta', 'Бета', anna, { category: 'A', stage: 'key', stageSince: '2026-10-05T09:00:00Z' });
    await client('vega', 'Вега', boris, {
      category: 'B',
      stage: 'prospect',
      stageSince: '2026-03-01T09:00:00Z',
    });
    await client('gamma', 'Гамма', boris, {
      category: 'C',
      stage: 'lapsed',
      stageSince: '2026-10-15T09:00:00Z',
    });
    await client('delta', 'Дельта', null, { category: 'C' }, []);
    await client('epsilon', 'Эпсилон', anna, {
      category: 'B',
      stage: 'client',
      stageSince: '2026-10-25T09:00:00Z',
    });
    await client('zeta', 'Зета', boris, { stage: 'probable', stageSince: '2026-11-05T09:00:00Z' });
    await client('ipsilon', '=Ипсилон', anna, { category: 'B', createdAt: '2026-10-15T09:00:00Z' }, []);
    await client('archived', 'Архив', anna, { vip: true });
    await t.dataSource.query(`UPDATE clients SET archived_at = now() WHERE id = $1`, [c.archived.id]);
    await t.dataSource.query(`UPDATE client_preferences SET opted_out = true WHERE client_id = $1`, [
      c.delta.id,
    ]);

    // October: touches and the rest.
    const news = await createCampaign(t.dataSource, { name: 'Новости' });
    const vipCalls = await createCampaign(t.dataSource, { name: 'Звонки', kind: CampaignKind.Plan });
    const promo = await createCampaign(t.dataSource, { name: 'Акция' });
    const service = await createCampaign(t.dataSource, { name: 'Служебное', kind: CampaignKind.Service });
    const catalogue = await createCampaign(t.dataSource, { name: 'Каталог' });
    await deliver(news, '2026-10', c.alfa, Channel.Email, 'sent', '2026-10-05T09:00:00Z');
    await deliver(news, '2026-10', c.beta, Channel.Sms, 'delivered', '2026-10-12T09:00:00Z');
    await deliver(news, '2026-10', c.vega, Channel.Email, 'failed', '2026-10-03T09:00:00Z');
    await deliver(news, '2026-10', c.gamma, Channel.Email, 'suppressed', '2026-10-01T09:00:00Z', {
      reason: 'frequency-cap',
    });
    await deliver(news, '2026-10', c.ipsilon, Channel.Email, 'suppressed', '2026-10-01T09:00:00Z', {
      reason: 'topic-unsubscribed',
    });
    await deliver(news, '2026-10', c.archived, Channel.Email, 'sent', '2026-10-05T09:00:00Z');
    await deliver(news, '2026-09', c.zeta, Channel.Email, 'sent', '2026-09-30T12:00:00Z');
    await deliver(news, '2026-09', c.archived, Channel.Email, 'suppressed', '2026-10-02T09:00:00Z', {
      reason: 'frequency-cap',
    });
    await callTask(
      await deliver(vipCalls, '2026-10', c.vega, Channel.Call, 'sent', '2026-10-20T09:00:00Z'),
      c.vega,
      vipCalls,
      'done',
      'reached',
      '2026-10-20T09:00:00Z',
    );
    await callTask(
      await deliver(vipCalls, '2026-10', c.beta, Channel.Call, 'failed', '2026-10-22T09:00:00Z', {
        reason: 'wrong-number',
      }),
      c.beta,
      vipCalls,
      'done',
      'wrong-number',
      '2026-10-22T09:00:00Z',
    );
    await callTask(
      await deliver(vipCalls, '2026-10', c.gamma, Channel.Call, 'sending', '2026-10-28T09:00:00Z'),
      c.gamma,
      vipCalls,
      'open',
      null,
      '2026-10-28T09:00:00Z',
    );
    await deliver(promo, '2026-10-15', c.gamma, Channel.Email, 'suppressed', '2026-10-15T09:00:00Z', {
      reason: 'frequency-cap',
    });
    await deliver(promo, '2026-10-15', c.beta, Channel.Sms, 'suppressed', '2026-10-15T09:00:00Z', {
      reason: 'frequency-cap',
    });
    await deliver(promo, '2026-10-15', c.ipsilon, Channel.Email, 'bounced', '2026-10-15T09:00:00Z', {
      sent: true,
    });
    await deliver(promo, '2026-10-25', c.gamma, Channel.Email, 'suppressed', '2026-10-25T09:00:00Z', {
      reason: 'frequency-cap',
    });
    await deliver(service, '2026-10', c.delta, Channel.Email, 'sent', '2026-10-08T09:00:00Z', {
      countsAsTouch: false,
    });
    await deliver(catalogue, '2026-10', c.epsilon, Channel.Letter, 'sent', '2026-10-07T09:00:00Z', {
      meta: { returned: { at: '2026-10-20T09:00:00Z', by: anna.id, note: null } },
    });
    await smsConsent(c.beta, 'client', false, '2026-10-13T09:00:00Z');
    await smsConsent(c.zeta, 'system', false, '2026-10-14T09:00:00Z');
    await smsConsent(c.zeta, 'client', true, '2026-10-30T09:00:00Z');

    // The CEO letter of 2026-Q4, for the clients tagged "ceo", sent in November.
    ceoSegmentId = await createSegment(t.dataSource, 'CEO audience', {
      field: 'tags',
      op: 'contains',
      value: 'ceo',
    });
    const ceo = await createCampaign(t.dataSource, {
      name: 'Письмо директора',
      kind: CampaignKind.CeoLetter,
      segmentId: ceoSegmentId,
      topicKey: 'company-letters',
    });
    await deliver(ceo, '2026-Q4', c.alfa, Channel.Letter, 'sent', '2026-11-02T09:00:00Z');
    await deliver(ceo, '2026-Q4', c.beta, Channel.Email, 'bounced', '2026-11-02T09:00:00Z', { sent: true });
    await deliver(ceo, '2026-Q4', c.vega, Channel.Email, 'suppressed', '2026-11-02T09:00:00Z', {
      reason: 'frequency-cap',
    });
    await deliver(ceo, '2026-Q4', c.gamma, Channel.Email, 'cancelled', '2026-11-02T09:00:00Z', {
      reason: 'opted-out',
    });
    await deliver(ceo, '2026-Q4', c.zeta, Channel.Email, 'failed', '2026-11-02T09:00:00Z', {
      reason: 'smtp-rejected',
    });

    // Stages.
    await history(c.alfa, 'potential', 'probable', '2026-08-01T09:00:00Z');
    await history(c.alfa, 'probable', 'prospect', '2026-10-10T09:00:00Z');
    await history(c.alfa, 'prospect', 'client', '2026-10-20T09:00:00Z');
    await history(c.beta, 'client', 'key', '2026-10-05T09:00:00Z');
    await history(c.gamma, 'client', 'lapsed', '2026-10-15T09:00:00Z');
    await history(c.epsilon, 'lapsed', 'client', '2026-10-25T09:00:00Z');
    await history(c.zeta, 'potential', 'probable', '2026-11-05T09:00:00Z');
    await history(c.ipsilon, null, 'potential', '2026-10-15T09:00:00Z');
    await history(c.archived, 'client', 'key', '2026-10-15T09:00:00Z');

    // September: win-back touches and purchases; verification calls.
    const [{ id: winBackId }]: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM campaigns WHERE playbook_key = 'win-back'`,
    );
    const winBack = { id: winBackId } as Campaign;
    const winBackSms = await createCampaign(t.dataSource, {
      name: 'Возврат SMS',
      kind: CampaignKind.Plan,
      templates: { sms: 'win-back' },
    });
    await deliver(winBack, '2026-09', c.gamma, Channel.Email, 'sent', '2026-09-10T09:00:00Z');
    await deliver(winBack, '2026-09', c.delta, Channel.Email, 'sent', '2026-09-12T09:00:00Z');
    await deliver(winBack, '2026-09', c.zeta, Channel.Email, 'delivered', '2026-09-14T09:00:00Z');
    await deliver(winBack, '2026-09', c.epsilon, Channel.Email, 'suppressed', '2026-09-14T09:00:00Z', {
      reason: 'frequency-cap',
    });
    await deliver(winBackSms, '2026-09', c.gamma, Channel.Sms, 'sent', '2026-09-11T09:00:00Z');
    await deliver(winBackSms, '2026-09', c.ipsilon, Channel.Sms, 'sent', '2026-09-20T09:00:00Z');
    await createPurchase(t.dataSource, c.gamma.id, 1000, new Date('2026-09-25T09:00:00Z'));
    await createPurchase(t.dataSource, c.zeta.id, 500, new Date('2026-09-05T09:00:00Z'));
    await createPurchase(t.dataSource, c.ipsilon.id, 700, new Date('2026-11-10T09:00:00Z'));
    await createPurchase(t.dataSource, c.epsilon.id, 900, new Date('2026-09-20T09:00:00Z'));

    const [{ id: verificationId }]: { id: string }[] = await t.dataSource.query(
      `SELECT id FROM campaigns WHERE playbook_key = 'contact-verification'`,
    );
    const verification = { id: verificationId } as Campaign;
    for (const [who, status, outcome] of [
      ['delta', 'done', 'reached'],
      ['zeta', 'done', 'wrong-number'],
      ['gamma', 'open', null],
    ] as const) {
      const deliveryStatus = status === 'open' ? 'sending' : outcome === 'reached' ? 'sent' : 'failed';
      const id = await deliver(
        verification,
        '2026-09',
        c[who],
        Channel.Call,
        deliveryStatus,
        '2026-09-15T09:00:00Z',
      );
      await callTask(id, c[who], verification, status, outcome, '2026-09-15T09:00:00Z');
    }

    // Contact data.
    const contact = (who: string, flags: string[], verifiedDaysAgo: number | null, bounces = 0) =>
      t.dataSource.query(
        `UPDATE clients SET contact_flags = $2, contact_verified_at = $3, email_hard_bounces = $4 WHERE id = $1`,
        [c[who].id, flags, verifiedDaysAgo === null ? null : daysAgo(verifiedDaysAgo), bounces],
      );
    await contact('alfa', [], 30);
    await contact('beta', ['sms-blocked'], 10);
    await contact('vega', [], 100, 1);
    await contact('gamma', ['email-invalid'], null, 3);
    await contact('delta', ['address-returned'], 400);
    await contact('epsilon', ['phone-wrong'], 5);
    await contact('zeta', [], null);
    await contact('ipsilon', [], 200);
    await contact('archived', ['phone-wrong'], null);
  });
  afterAll(() => t.close());

  describe('coverage', () => {
    it('counts the share of the base touched in the period, by category and channel', async () => {
      const res = await get('coverage?period=2026-10').expect(200);
      expect(res.body.period).toEqual({
        key: '2026-10',
        from: '2026-09-30T21:00:00.000Z',
        to: '2026-10-31T21:00:00.000Z',
      });
      expect(res.body.summary).toEqual({ base: 8, touched: 4, share: 0.5 });
      expect(res.body.tables.byCategory).toEqual([
        { category: 'VIP', base: 1, touched: 1, share: 1 },
        { category: 'A', base: 1, touched: 1, share: 1 },
        { category: 'B', base: 3, touched: 2, share: 0.6667 },
        { category: 'C', base: 2, touched: 0, share: 0 },
        { category: 'none', base: 1, touched: 0, share: 0 },
      ]);
      expect(res.body.tables.byChannel).toEqual([
        { channel: 'email', touched: 1, share: 0.125 },
        { channel: 'sms', touched: 1, share: 0.125 },
        { channel: 'call', touched: 1, share: 0.125 },
        { channel: 'letter', touched: 1, share: 0.125 },
      ]);
    });

    it('lists who the CEO letter of the quarter did not reach, and why', async () => {
      const res = await get('coverage?period=2026-10').expect(200);
      expect(res.body.tables.ceoLetter).toEqual([
        {
          quarter: '2026-Q4',
          campaigns: 'Письмо директора',
          base: 8,
          reached: 1,
          share: 0.125,
          missed: 7,
          suppressed: 1,
          cancelled: 1,
          failed: 1,
          bounced: 1,
          pending: 0,
          optedOut: 1,
          notInSegment: 1,
          noDelivery: 1,
        },
      ]);
      const missed = (res.body.tables.ceoLetterMissed as Record<string, unknown>[]).map((m) => [
        m.clientName,
        m.reason,
        m.detail,
      ]);
      expect(missed).toEqual([
        ['Бета', 'bounced', null],
        ['Гамма', 'cancelled', 'opted-out'],
        ['Зета', 'failed', 'smtp-rejected'],
        ['Эпсилон', 'no-delivery', null],
        ['=Ипсилон', 'not-in-segment', null],
        ['Дельта', 'opted-out', null],
        ['Вега', 'suppressed', 'frequency-cap'],
      ]);
      expect(res.body.tables.ceoLetterMissed[0]).toMatchObject({
        quarter: '2026-Q4',
        clientId: c.beta.id,
        category: 'A',
        ownerId: anna.id,
        ownerName: 'Анна',
        channel: 'email',
      });
    });

    it('reads every quarter a year overlaps, and filters by category, owner and segment', async () => {
      const year = await get('coverage?period=2026').expect(200);
      expect(
        year.body.tables.ceoLetter.map((q: { quarter: string; reached: number }) => [q.quarter, q.reached]),
      ).toEqual([
        ['2026-Q1', 0],
        ['2026-Q2', 0],
        ['2026-Q3', 0],
        ['2026-Q4', 1],
      ]);
      expect(year.body.tables.ceoLetter[0]).toMatchObject({
        campaigns: '',
        base: 8,
        optedOut: 1,
        noDelivery: 7,
      });

      const b = await get('coverage?period=2026-10&category=B').expect(200);
      expect(b.body.summary).toEqual({ base: 3, touched: 2, share: 0.6667 });
      const mine = await get(`coverage?period=2026-10&owner=${anna.id}`).expect(200);
      expect(mine.body.summary).toEqual({ base: 4, touched: 3, share: 0.75 });
      expect(mine.body.filters).toEqual({ category: null, owner: anna.id, segment: null });
      const unassigned = await get('coverage?period=2026-10&owner=unassigned').expect(200);
      expect(unassigned.body.summary).toEqual({ base: 1, touched: 0, share: 0 });
      const segment = await get(`coverage?period=2026-Q4&segment=${ceoSegmentId}`).expect(200);
      expect(segment.body.summary).toEqual({ base: 6, touched: 4, share: 0.6667 });
      expect(segment.body.tables.ceoLetter[0]).toMatchObject({ base: 6, reached: 1, notInSegment: 0 });
    });
  });

  it('suppressions: by reason and campaign, and the clients capped most', async () => {
    const res = await get('suppressions?period=2026-10', salesOps).expect(200);
    expect(res.body.summary).toEqual({ suppressed: 5, capped: 4 });
    expect(res.body.tables.byReason).toEqual([
      { reason: 'frequency-cap', deliveries: 4, clients: 2 },
      { reason: 'topic-unsubscribed', deliveries: 1, clients: 1 },
    ]);
    expect(
      res.body.tables.byCampaign.map((r: Record<string, unknown>) => [
        r.campaignName,
        r.reason,
        r.deliveries,
        r.clients,
      ]),
    ).toEqual([
      ['Акция', 'frequency-cap', 3, 2],
      ['Новости', 'frequency-cap', 1, 1],
      ['Новости', 'topic-unsubscribed', 1, 1],
    ]);
    expect(res.body.tables.mostCapped).toEqual([
      {
        clientId: c.gamma.id,
        clientName: 'Гамма',
        category: 'C',
        ownerId: boris.id,
        ownerName: 'Борис',
        capped: 3,
        campaigns: 2,
        lastCappedAt: '2026-10-25T09:00:00.000Z',
      },
      expect.objectContaining({ clientName: 'Бета', capped: 1, campaigns: 1 }),
    ]);
  });

  it('deliverability: outcomes per channel, STOPs, returned letters, call outcomes, ISO weeks', async () => {
    const res = await get('deliverability?period=2026-10').expect(200);
    expect(res.body.summary).toEqual({ stops: 2, stopKeyword: 1, stopCarrierBlock: 1 });
    const zero = {
      planned: 0,
      sent: 0,
      delivered: 0,
      failed: 0,
      bounced: 0,
      cancelled: 0,
      pending: 0,
      returned: 0,
      stops: 0,
    };
    expect(res.body.tables.byChannel).toEqual([
      { ...zero, channel: 'email', planned: 4, sent: 2, failed: 1, bounced: 1, deliveryRate: 0.5 },
      { ...zero, channel: 'sms', planned: 1, sent: 1, delivered: 1, stops: 2, deliveryRate: 1 },
      { ...zero, channel: 'call', planned: 3, sent: 1, failed: 1, pending: 1, deliveryRate: 0.5 },
      { ...zero, channel: 'letter', planned: 1, sent: 1, returned: 1, deliveryRate: 1 },
    ]);
    expect(res.body.tables.callOutcomes).toEqual([
      { outcome: 'reached', tasks: 1 },
      { outcome: 'declined', tasks: 0 },
      { outcome: 'no-answer', tasks: 0 },
      { outcome: 'wrong-number', tasks: 1 },
      { outcome: 'callback-requested', tasks: 0 },
      { outcome: 'open', tasks: 1 },
      { outcome: 'cancelled', tasks: 0 },
    ]);
    const w = { planned: 0, sent: 0, delivered: 0, failed: 0, bounced: 0, returned: 0, stops: 0 };
    expect(res.body.tables.weekly).toEqual([
      { ...w, week: '2026-W40', channel: 'email', planned: 1, failed: 1 },
      { ...w, week: '2026-W41', channel: 'email', planned: 2, sent: 2 },
      { ...w, week: '2026-W41', channel: 'letter', planned: 1, sent: 1, returned: 1 },
      { ...w, week: '2026-W42', channel: 'email', planned: 1, bounced: 1 },
      { ...w, week: '2026-W42', channel: 'sms', planned: 1, sent: 1, delivered: 1, stops: 2 },
      { ...w, week: '2026-W43', channel: 'call', planned: 2, sent: 1, failed: 1 },
      { ...w, week: '2026-W44', channel: 'call', planned: 1 },
    ]);
  });

  it('funnel: stages at the start and end, conversions up the pyramid, stage changes', async () => {
    const res = await get('funnel?period=2026-10').expect(200);
    expect(res.body.tables.stages).toEqual([
      { stage: 'potential', atStart: 2, atEnd: 3, entered: 1, left: 0 },
      { stage: 'probable', atStart: 1, atEnd: 0, entered: 0, left: 1 },
      { stage: 'prospect', atStart: 1, atEnd: 1, entered: 1, left: 1 },
      { stage: 'client', atStart: 2, atEnd: 2, entered: 2, left: 2 },
      { stage: 'key', atStart: 0, atEnd: 1, entered: 1, left: 0 },
      { stage: 'lapsed', atStart: 1, atEnd: 1, entered: 1, left: 1 },
    ]);
    expect(res.body.tables.conversions).toEqual([
      { fromStage: 'potential', toStage: 'probable', clients: 2, converted: 0, rate: 0 },
      { fromStage: 'probable', toStage: 'prospect', clients: 1, converted: 1, rate: 1 },
      { fromStage: 'prospect', toStage: 'client', clients: 1, converted: 0, rate: 0 },
      { fromStage: 'client', toStage: 'key', clients: 2, converted: 1, rate: 0.5 },
      { fromStage: 'lapsed', toStage: 'client', clients: 1, converted: 1, rate: 1 },
    ]);
    expect(res.body.tables.transitions).toEqual([
      { fromStage: null, toStage: 'potential', clients: 1, changes: 1 },
      { fromStage: 'probable', toStage: 'prospect', clients: 1, changes: 1 },
      { fromStage: 'prospect', toStage: 'client', clients: 1, changes: 1 },
      { fromStage: 'client', toStage: 'key', clients: 1, changes: 1 },
      { fromStage: 'client', toStage: 'lapsed', clients: 1, changes: 1 },
      { fromStage: 'lapsed', toStage: 'client', clients: 1, changes: 1 },
    ]);
    expect(res.body.summary).toEqual({ changes: 6 });
  });

  describe('lapsed and win-back', () => {
    it('counts, per win-back campaign, the clients who bought after a win-back touch', async () => {
      const res = await get('win-back?period=2026-09').expect(200);
      expect(
        res.body.tables.winBack.map((r: Record<string, unknown>) => [
          r.campaignName,
          r.touched,
          r.cameBack,
          r.rate,
          r.purchases,
        ]),
      ).toEqual([
        ['Win-back of lapsed clients', 3, 1, 0.3333, 1],
        ['Возврат SMS', 2, 2, 1, 2],
      ]);
      expect(res.body.summary).toMatchObject({
        lapsedNow: 1,
        windowDays: 90,
        winBackTouched: 5,
        cameBack: 3,
      });
      expect(res.body.tables.lapsed).toEqual([
        {
          clientId: c.gamma.id,
          clientName: 'Гамма',
          category: 'C',
          ownerId: boris.id,
          ownerName: 'Борис',
          lastPurchaseAt: null,
          lapsedSince: '2026-10-15T09:00:00.000Z',
          lastWinBackAt: '2026-09-11T09:00:00.000Z',
        },
      ]);

      const short = await get('win-back?period=2026-09&windowDays=30').expect(200);
      expect(short.body.tables.winBack.map((r: Record<string, unknown>) => r.cameBack)).toEqual([1, 1]);
    });

    it('counts who lapsed and who came back in the period', async () => {
      const res = await get('win-back?period=2026-10').expect(200);
      expect(res.body.summary).toMatchObject({ lapsedNow: 1, becameLapsed: 1, cameBackFromLapsed: 1 });
      expect(res.body.tables.winBack.map((r: Record<string, unknown>) => r.touched)).toEqual([0, 0]);
    });
  });

  it('verification backlog: flagged and stale contact data, and what verification calls achieved', async () => {
    const res = await get('verification?period=2026-09').expect(200);
    expect(res.body.summary).toEqual({ clients: 6, verificationTasks: 3, verified: 1 });
    expect(res.body.tables.byProblem).toEqual([
      { problem: 'email-invalid', clients: 1 },
      { problem: 'email-bounced', clients: 1 },
      { problem: 'sms-blocked', clients: 1 },
      { problem: 'address-returned', clients: 1 },
      { problem: 'phone-wrong', clients: 1 },
      { problem: 'not-verified', clients: 3 },
    ]);
    expect(res.body.tables.backlog.map((r: Record<string, unknown>) => [r.clientName, r.problems])).toEqual([
      ['Бета', 'sms-blocked'],
      ['Вега', 'email-bounced'],
      ['Эпсилон', 'phone-wrong'],
      ['Гамма', 'email-invalid;not-verified'],
      ['Дельта', 'address-returned;not-verified'],
      ['Зета', 'not-verified'],
    ]);
    expect(res.body.tables.backlog[3]).toMatchObject({ emailHardBounces: 3, contactVerifiedAt: null });
    expect(res.body.tables.verificationCalls.filter((r: { tasks: number }) => r.tasks > 0)).toEqual([
      { result: 'reached', tasks: 1, clients: 1 },
      { result: 'wrong-number', tasks: 1, clients: 1 },
      { result: 'open', tasks: 1, clients: 1 },
    ]);
    const limited = await get('verification?period=2026-09&limit=2').expect(200);
    expect(limited.body.tables.backlog).toHaveLength(2);
    expect(limited.body.summary.clients).toBe(6);
  });

  describe('CSV', () => {
    it('gives one table as CSV with ?format=csv', async () => {
      const res = await get('coverage?period=2026-10&format=csv&table=byCategory').expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="coverage-2026-10-byCategory.csv"',
      );
      expect(res.text).toBe(
        '\ufeffcategory,base,touched,share\nVIP,1,1,1\nA,1,1,1\nB,3,2,0.6667\nC,2,0,0\nnone,1,0,0\n',
      );
    });

    it('answers Accept: text/csv, quotes what needs it and defuses spreadsheet formulas', async () => {
      const res = await get('coverage?period=2026-10&table=ceoLetterMissed')
        .set('Accept', 'text/csv')
        .expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      const lines = res.text
        .replace(/^\ufeff/, '')
        .trimEnd()
        .split('\n');
      expect(lines[0]).toBe('quarter,clientId,clientName,category,ownerId,ownerName,reason,detail,channel');
      expect(lines).toHaveLength(8);
      expect(lines[5]).toBe(`2026-Q4,${c.ipsilon.id},'=Ипсилон,B,${anna.id},Анна,not-in-segment,,`);
      expect(lines[6]).toBe(`2026-Q4,${c.delta.id},Дельта,C,,,opted-out,,`);
    });

    it('defaults to the first table, and dates are ISO 8601', async () => {
      const res = await get('suppressions?period=2026-10&format=csv&table=mostCapped').expect(200);
      expect(res.text.split('\n')[1]).toBe(
        `${c.gamma.id},Гамма,C,${boris.id},Борис,3,2,2026-10-25T09:00:00.000Z`,
      );
      const first = await get('funnel?period=2026-10&format=csv').expect(200);
      expect(first.text.split('\n')[0]).toBe('\ufeffstage,atStart,atEnd,entered,left');
    });
  });

  describe('bad input', () => {
    it.each([
      ['coverage?period=2026-13', 'period'],
      ['coverage?period=Q4', 'period'],
      ['funnel?period=2026-Q5', 'period'],
      ['coverage?category=D', 'category'],
      ['coverage?owner=bob', 'owner'],
      ['coverage?segment=42', 'segment'],
      ['coverage?format=xml', 'format'],
      ['coverage?table=nothing', 'table'],
      ['coverage?limit=0', 'limit'],
      ['vip-cooling?period=2026-10', 'period'],
      ['vip-cooling?days=0', 'days'],
      ['win-back?windowDays=x', 'windowDays'],
    ])('%s → 400 naming %s', async (path, field) => {
      const res = await get(path).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'validation_failed' });
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });

    it('an unknown segment is a 404, a missing key a 401', async () => {
      await get('coverage?segment=00000000-0000-4000-8000-000000000000').expect(404);
      await t.http().get('/api/v1/reports/coverage').expect(401);
    });
  });
});
