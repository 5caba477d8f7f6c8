import { DateTime } from 'luxon';
import { CallOutcome, CallTaskDto, CallTasksService } from '@touchbase/calls';
import { Campaign, CampaignKind, DEFAULT_BUSINESS_CALENDAR } from '@touchbase/campaigns';
import { Client } from '@touchbase/clients';
import { Channel, StaffRole } from '@touchbase/core';
import { PlannerService } from '@touchbase/planning';
import { StaffMember } from '@touchbase/staff';
import { createRun } from '../factories/run.factory';
import { createClient } from '../factories/client.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { cancelHalfway } from '../support/run-cancel';
import { createTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import { createTaggedCampaign, dispatchAll, pastBusinessDayAt, planCallTasks } from './calls-support';

const ZONE = 'Asia/Yekaterinburg';

interface Owner {
  staff: StaffMember;
  key: string;
}

interface Planned {
  campaign: Campaign;
  runId: string;
  clients: Client[];
  /** The call task of each client. */
  tasks: Map<string, CallTaskDto>;
}

describe('Call tasks', () => {
  let t: TestApp;
  let anna: Owner;
  let boris: Owner;
  let marketer: string;
  let seq = 0;
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    t = await createTestApp(
      { DISPATCH_CHANNELS: 'call,letter', DISPATCH_BATCH_SIZE: '2' },
      { withWorker: true },
    );
    anna = await createStaffWithKey(t.dataSource, StaffRole.SalesOps, { name: 'Анна Смирнова' });
    boris = await createStaffWithKey(t.dataSource, StaffRole.SalesOps, { name: 'Борис Орлов' });
    marketer = (await createStaffWithKey(t.dataSource, StaffRole.Marketer)).key;
  });
  afterAll(() => t.close());

  /** Plans a call campaign for one new client per owner given, and dispatches it into tasks. */
  async function planCalls(owners: Owner[], campaign: Partial<Campaign> = {}): Promise<Planned> {
    seq += 1;
    const tag = `calls-${seq}`;
    const clients: Client[] = [];
    for (const [i, owner] of owners.entries()) {
      clients.push(
        await createClient(t.dataSource, {
          name: `ООО «Ромашка-${seq}-${i + 1}»`,
          ownerId: owner.staff.id,
          tags: [tag],
          timeZone: ZONE,
        }),
      );
    }
    const { campaign: created, runId } = await planCallTasks(t, tag, ZONE, {
      name: `Звонки VIP ${seq}`,
      ...campaign,
    });
    const res = await t
      .http()
      .get('/api/v1/call-tasks')
      .query({ owner: 'all', limit: 500 })
      .set(as(TEST_ADMIN_KEY));
    expect(res.status).toBe(200);
    const mine = (res.body.items as CallTaskDto[]).filter((task) => task.campaign.id === created.id);
    return {
      campaign: created,
      runId,
      clients,
      tasks: new Map(mine.map((task) => [task.client.id, task])),
    };
  }

  const outcome = (taskId: string, key: string, body: Record<string, unknown>) =>
    t.http().post(`/api/v1/call-tasks/${taskId}/outcome`).set(as(key)).send(body);

  async function deliveryOf(taskId: string) {
    const [row] = await t.dataSource.query(
      `SELECT d.* FROM deliveries d JOIN call_tasks ct ON ct.delivery_id = d.id WHERE ct.id = $1`,
      [taskId],
    );
    return row;
  }

  it("makes a task per call delivery for the client's owner, due at the planned time, with the script in Russian", async () => {
    const planned = await planCalls([anna, boris]);
    expect(planned.tasks.size).toBe(2);
    for (const client of planned.clients) {
      const task = planned.tasks.get(client.id)!;
      const owner = client.ownerId === anna.staff.id ? anna : boris;
      const delivery = await deliveryOf(task.id);
      expect(task).toMatchObject({
        status: 'open',
        outcome: null,
        attempts: 0,
        maxAttempts: 3,
        overdue: true,
        notes: [],
        owner: { id: owner.staff.id, name: owner.staff.name },
        client: {
          id: client.id,
          name: client.name,
          phone: client.phone,
          email: client.email,
          stage: 'potential',
        },
        campaign: { id: planned.campaign.id, name: planned.campaign.name },
        deliveryStatus: 'sending',
        deliveryId: String(delivery.id),
      });
      expect(task.client.owner).toMatchObject({ id: owner.staff.id, name: owner.staff.name });
      expect(new Date(task.dueAt).getTime()).toBe(new Date(delivery.scheduled_at).getTime());
      expect(DateTime.fromISO(task.dueAt, { zone: ZONE }).hour).toBe(10);
      // Rendered, Cyrillic as typed, with the owner's name in the greeting.
      expect(task.script).toContain(`Звонок VIP-клиенту: ${client.name}`);
      expect(task.script).toContain(`Это ${owner.staff.name}, ваш менеджер`);
      expect(task.script).not.toMatch(/\{\{|&quot;|&laquo;/);
      // Handed over: a person has it now, no lease, nothing sent yet.
      expect(delivery).toMatchObject({
        status: 'sending',
        locked_until: null,
        claim_token: null,
        sent_at: null,
      });
      expect(delivery.meta).toEqual({ callTaskId: task.id });
    }
    const one = await t
      .http()
      .get(`/api/v1/call-tasks/${planned.tasks.get(planned.clients[0].id)!.id}`)
      .set(as(anna.key))
      .expect(200);
    expect(one.body).toEqual(planned.tasks.get(planned.clients[0].id));
  });

  it('shows a sales-ops member their own tasks unless they ask for all or another owner; admins see all', async () => {
    const planned = await planCalls([anna, anna, boris]);
    const annas = planned.clients.filter((c) => c.ownerId === anna.staff.id).map((c) => c.id);
    const boriss = planned.clients.filter((c) => c.ownerId === boris.staff.id).map((c) => c.id);
    const ofCampaign = (items: CallTaskDto[]) =>
      items.filter((i) => i.campaign.id === planned.campaign.id).map((i) => i.client.id);

    const own = await t.http().get('/api/v1/call-tasks').query({ limit: 500 }).set(as(anna.key)).expect(200);
    expect((own.body.items as CallTaskDto[]).every((i) => i.owner?.id === anna.staff.id)).toBe(true);
    expect(ofCampaign(own.body.items).sort()).toEqual(annas.sort());

    const all = await t
      .http()
      .get('/api/v1/call-tasks')
      .query({ owner: 'all', limit: 500 })
      .set(as(anna.key));
    expect(ofCampaign(all.body.items).sort()).toEqual([...annas, ...boriss].sort());
    const his = await t
      .http()
      .get('/api/v1/call-tasks')
      .query({ owner: boris.staff.id, limit: 500 })
      .set(as(anna.key))
      .expect(200);
    expect((his.body.items as CallTaskDto[]).every((i) => i.owner?.id === boris.staff.id)).toBe(true);
    expect(ofCampaign(his.body.items)).toEqual(boriss);
    const admin = await t.http().get('/api/v1/call-tasks').query({ limit: 500 }).set(as(TEST_ADMIN_KEY));
    expect(ofCampaign(admin.body.items).sort()).toEqual([...annas, ...boriss].sort());

    // Cursor pages, soonest due first, no task twice.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t
        .http()
        .get('/api/v1/call-tasks')
        .query({ owner: 'all', limit: 2, ...(cursor && { cursor }) })
        .set(as(anna.key))
        .expect(200);
      seen.push(...(page.body.items as CallTaskDto[]).map((i) => i.id));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe((all.body.items as unknown[]).length);

    await t.http().get('/api/v1/call-tasks').set(as(marketer)).expect(403);
    await t.http().get('/api/v1/call-tasks').query({ owner: 'someone' }).set(as(anna.key)).expect(400);
    await t.http().get('/api/v1/call-tasks').query({ status: 'finished' }).set(as(anna.key)).expect(400);
    await t.http().get('/api/v1/call-tasks').query({ cursor: 'nonsense' }).set(as(anna.key)).expect(400);
  });

  it('reached and declined close the task and send the delivery (a touch); the run completes', async () => {
    const planned = await planCalls([anna, anna]);
    // The planner may mark a run completed when the dispatchers took its deliveries before it counted
    // them (a planning race, reported); the run is where a correct planner leaves it.
    await t.dataSource.query(`UPDATE runs SET status = 'dispatching', completed_at = NULL WHERE id = $1`, [
      planned.runId,
    ]);
    const [reachedClient, declinedClient] = planned.clients;
    const reached = planned.tasks.get(reachedClient.id)!;
    const declined = planned.tasks.get(declinedClient.id)!;

    const r1 = await outcome(reached.id, anna.key, {
      outcome: 'reached',
      notes: 'Договорились о встрече в четверг',
    });
    expect(r1.status).toBe(200);
    expect(r1.body).toMatchObject({
      status: 'done',
      outcome: 'reached',
      completedBy: anna.staff.id,
      deliveryStatus: 'sent',
      notes: [{ by: anna.staff.id, outcome: 'reached', text: 'Договорились о встрече в четверг' }],
    });
    const d1 = await deliveryOf(reached.id);
    expect(d1.status).toBe('sent');
    expect(d1.sent_at).not.toBeNull();
    expect(d1.meta.call).toMatchObject({ taskId: reached.id, outcome: 'reached', by: anna.staff.id });
    const [c1] = await t.dataSource.query(`SELECT last_touch_at FROM clients WHERE id = $1`, [
      reachedClient.id,
    ]);
    expect(c1.last_touch_at).not.toBeNull();
    const [run1] = await t.dataSource.query(`SELECT status FROM runs WHERE id = $1`, [planned.runId]);
    expect(run1.status).toBe('dispatching'); // the other call is still open

    const r2 = await outcome(declined.id, anna.key, { outcome: 'declined', notes: 'Сейчас не интересно' });
    expect(r2.body).toMatchObject({ status: 'done', outcome: 'declined', deliveryStatus: 'sent' });
    const d2 = await deliveryOf(declined.id);
    expect(d2).toMatchObject({ status: 'sent', reason: null });
    expect(d2.meta.call).toMatchObject({ outcome: 'declined', note: 'Сейчас не интересно' });
    const [run2] = await t.dataSource.query(`SELECT status FROM runs WHERE id = $1`, [planned.runId]);
    expect(run2.status).toBe('completed');
  });

  it('reaching a client on a contact-verification call verifies its contact data', async () => {
    const planned = await planCalls([anna], {
      kind: CampaignKind.Service,
      templates: { call: 'contact-verification-call' },
    });
    const client = planned.clients[0];
    const task = planned.tasks.get(client.id)!;
    expect(task.script).toContain(`Сверка контактных данных: ${client.name}`);
    await outcome(task.id, anna.key, { outcome: 'reached' }).expect(200);
    const [row] = await t.dataSource.query(`SELECT contact_verified_at FROM clients WHERE id = $1`, [
      client.id,
    ]);
    expect(row.contact_verified_at).not.toBeNull();
  });

  it('no-answer moves the task to the next business day at the same local time, until the attempts run out', async () => {
    const planned = await planCalls([anna]);
    const task = planned.tasks.get(planned.clients[0].id)!;
    let next = DateTime.now().setZone(ZONE).startOf('day').plus({ days: 1 });
    while (!DEFAULT_BUSINESS_CALENDAR.isBusinessDay(next.toISODate()!)) next = next.plus({ days: 1 });
    const expected = next.set({ hour: 10 }).toUTC().toISO();

    for (const attempt of [1, 2]) {
      const res = await outcome(task.id, anna.key, { outcome: 'no-answer', notes: `Попытка ${attempt}` });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'open',
        outcome: 'no-answer',
        attempts: attempt,
        overdue: false,
      });
      expect(new Date(res.body.dueAt).toISOString()).toBe(new Date(expected!).toISOString());
      expect((await deliveryOf(task.id)).status).toBe('sending');
    }
    const last = await outcome(task.id, anna.key, { outcome: 'no-answer' });
    expect(last.body).toMatchObject({
      status: 'done',
      outcome: 'no-answer',
      attempts: 3,
      deliveryStatus: 'failed',
    });
    expect(last.body.notes.map((n: { outcome: string }) => n.outcome)).toEqual([
      'no-answer',
      'no-answer',
      'no-answer',
    ]);
    const delivery = await deliveryOf(task.id);
    expect(delivery).toMatchObject({ status: 'failed', reason: 'no-answer', sent_at: null });
  });

  it('no-answer on a Friday tries again on Monday, inside the calling window', async () => {
    const planned = await planCalls([anna]);
    const task = planned.tasks.get(planned.clients[0].id)!;
    let friday = DateTime.fromISO('2030-02-01T18:30', { zone: ZONE }); // away from the New Year holidays
    while (friday.weekday !== 5) friday = friday.plus({ days: 1 });
    const row = await t.app
      .get(CallTasksService)
      .recordOutcome(task.id, { outcome: CallOutcome.NoAnswer }, anna.staff, friday.toJSDate());
    const due = DateTime.fromJSDate(row.due_at, { zone: ZONE });
    expect(due.weekday).toBe(1);
    expect(due.toISODate()).toBe(friday.plus({ days: 3 }).toISODate());
    expect(due.toFormat('HH:mm')).toBe('10:00');
  });

  it('no-answer before the New Year holidays tries again on the first business day after them', async () => {
    const planned = await planCalls([anna]);
    const task = planned.tasks.get(planned.clients[0].id)!;
    // Wednesday 30 December 2026, 18:30: 31 December and 1–8 January are days off, 9–10 January a weekend.
    const evening = DateTime.fromISO('2026-12-30T18:30', { zone: ZONE });
    const row = await t.app
      .get(CallTasksService)
      .recordOutcome(task.id, { outcome: CallOutcome.NoAnswer }, anna.staff, evening.toJSDate());
    const due = DateTime.fromJSDate(row.due_at, { zone: ZONE });
    expect(due.toFormat("yyyy-MM-dd'T'HH:mm")).toBe('2027-01-11T10:00');
  });

  it('wrong-number fails the delivery and flags the phone, so the next plan makes no call to it', async () => {
    const planned = await planCalls([boris]);
    const client = planned.clients[0];
    const task = planned.tasks.get(client.id)!;
    const res = await outcome(task.id, boris.key, {
      outcome: 'wrong-number',
      notes: 'Номер принадлежит другой компании',
    });
    expect(res.body).toMatchObject({ status: 'done', outcome: 'wrong-number', deliveryStatus: 'failed' });
    expect(res.body.client.contactFlags).toEqual(['phone-wrong']);
    expect(await deliveryOf(task.id)).toMatchObject({ status: 'failed', reason: 'wrong-number' });
    const shown = await t.http().get(`/api/v1/clients/${client.id}`).set(as(boris.key)).expect(200);
    expect(shown.body.contactFlags).toContain('phone-wrong');

    const again = await createRun(
      t.dataSource,
      planned.campaign,
      pastBusinessDayAt(ZONE, 11),
      `again-${seq}`,
    );
    await t.app.get(PlannerService).plan(again.id, { now: pastBusinessDayAt(ZONE, 11) });
    const [d] = await t.dataSource.query(`SELECT status, reason FROM deliveries WHERE run_id = $1`, [
      again.id,
    ]);
    expect(d).toEqual({ status: 'suppressed', reason: 'no-contact-data' });
  });

  it('callback-requested needs a future callbackAt with an offset, and moves the task there', async () => {
    const planned = await planCalls([anna]);
    const task = planned.tasks.get(planned.clients[0].id)!;
    const bad = async (body: Record<string, unknown>, message: RegExp) => {
      const res = await outcome(task.id, anna.key, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
      expect(JSON.stringify(res.body.details)).toMatch(message);
    };
    await bad({ outcome: 'callback-requested' }, /callbackAt is required/);
    await bad({ outcome: 'callback-requested', callbackAt: 'tomorrow' }, /callbackAt must be an ISO 8601/);
    await bad({ outcome: 'callback-requested', callbackAt: '2031-01-10T10:00:00' }, /time zone offset/);
    await bad({ outcome: 'callback-requested', callbackAt: '2020-01-10T10:00:00+05:00' }, /in the future/);
    await bad({ outcome: 'callback-requested', callbackAt: '2099-01-10T10:00:00+05:00' }, /within 365 days/);
    await bad(
      { outcome: 'reached', callbackAt: '2031-01-10T10:00:00+05:00' },
      /only for the outcome callback-requested/,
    );
    await bad({ outcome: 'busy' }, /outcome must be one of/);
    await bad({ outcome: 'reached', notes: 'x'.repeat(4001) }, /notes/);
    await bad({ outcome: 'reached', extra: 1 }, /extra/);
    expect((await t.http().get(`/api/v1/call-tasks/${task.id}`).set(as(anna.key))).body).toMatchObject({
      status: 'open',
      notes: [],
    });

    const at = DateTime.now()
      .setZone(ZONE)
      .plus({ days: 2 })
      .set({ hour: 15, minute: 30, second: 0, millisecond: 0 });
    const res = await outcome(task.id, anna.key, {
      outcome: 'callback-requested',
      callbackAt: at.toISO(),
      notes: 'Перезвонить после обеда',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'open',
      outcome: 'callback-requested',
      attempts: 0,
      overdue: false,
    });
    expect(new Date(res.body.dueAt).getTime()).toBe(at.toMillis());
    const overdue = await t
      .http()
      .get('/api/v1/call-tasks/overdue')
      .query({ limit: 500 })
      .set(as(anna.key))
      .expect(200);
    expect((overdue.body.items as CallTaskDto[]).map((i) => i.id)).not.toContain(task.id);
    const upcoming = await t
      .http()
      .get('/api/v1/call-tasks')
      .query({ due: 'upcoming', limit: 500 })
      .set(as(anna.key));
    expect((upcoming.body.items as CallTaskDto[]).map((i) => i.id)).toContain(task.id);
  });

  it("lists overdue tasks; refuses outcomes on done tasks (409), on someone else's task (403)", async () => {
    const planned = await planCalls([anna, boris]);
    const annas = planned.tasks.get(planned.clients[0].id)!;
    const boriss = planned.tasks.get(planned.clients[1].id)!;

    const overdue = await t
      .http()
      .get('/api/v1/call-tasks/overdue')
      .query({ limit: 500 })
      .set(as(anna.key))
      .expect(200);
    const ids = (overdue.body.items as CallTaskDto[]).map((i) => i.id);
    expect(ids).toContain(annas.id);
    expect(ids).not.toContain(boriss.id);
    expect((overdue.body.items as CallTaskDto[]).every((i) => i.overdue && i.status === 'open')).toBe(true);
    const filtered = await t
      .http()
      .get('/api/v1/call-tasks')
      .query({ due: 'overdue', owner: 'all', limit: 500 })
      .set(as(anna.key));
    expect((filtered.body.items as CallTaskDto[]).map((i) => i.id)).toEqual(
      expect.arrayContaining([annas.id, boriss.id]),
    );

    const foreign = await outcome(boriss.id, anna.key, { outcome: 'reached' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error).toBe('forbidden');
    await outcome(boriss.id, marketer, { outcome: 'reached' }).expect(403);
    // An admin may record for anyone.
    await outcome(boriss.id, TEST_ADMIN_KEY, { outcome: 'reached' }).expect(200);
    const done = await outcome(boriss.id, TEST_ADMIN_KEY, { outcome: 'no-answer' });
    expect(done.status).toBe(409);
    expect(done.body).toMatchObject({ error: 'conflict', details: { status: 'done' } });

    await outcome(annas.id, anna.key, { outcome: 'reached' }).expect(200);
    await outcome(annas.id, anna.key, { outcome: 'declined' }).expect(409);
    const after = await t.http().get('/api/v1/call-tasks/overdue').query({ limit: 500 }).set(as(anna.key));
    expect((after.body.items as CallTaskDto[]).map((i) => i.id)).not.toContain(annas.id);

    await outcome('00000000-0000-4000-8000-000000000000', anna.key, { outcome: 'reached' }).expect(404);
    await outcome('not-a-task', anna.key, { outcome: 'reached' }).expect(400);
    await t
      .http()
      .get('/api/v1/call-tasks/00000000-0000-4000-8000-000000000000')
      .set(as(anna.key))
      .expect(404);
  });

  it('an outcome recorded while the run is being cancelled waits for the cancel, then answers 409', async () => {
    const planned = await planCalls([anna]);
    const task = planned.tasks.get(planned.clients[0].id)!;
    // The cancel, as RunsService.cancel takes its locks: the run, its deliveries, then its tasks.
    const cancel = await cancelHalfway(t.db.url, planned.runId);
    const recording = outcome(task.id, anna.key, { outcome: 'reached' }).then((r) => r);
    await new Promise((r) => setTimeout(r, 300));
    // An outcome that had locked the task first would deadlock here (one side aborted after 1 s).
    await cancel.finish(
      `UPDATE call_tasks SET status = 'cancelled' WHERE delivery_id IN (SELECT id FROM deliveries WHERE run_id = $1)`,
    );
    const res = await recording;
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/cancelled/);
    expect((await deliveryOf(task.id)).status).toBe('cancelled');
  });

  it('a call whose client lost its owner after planning is not handed over: calls need a phone and an owner', async () => {
    seq += 1;
    const tag = `calls-${seq}`;
    const client = await createClient(t.dataSource, { ownerId: anna.staff.id, tags: [tag], timeZone: ZONE });
    const campaign = await createTaggedCampaign(t, tag, {
      kind: CampaignKind.Plan,
      channels: [Channel.Call],
      templates: { call: 'vip-call' },
    });
    // Planned for a business morning a week ahead: nothing is due yet, so no worker takes it meanwhile.
    let at = DateTime.now()
      .setZone(ZONE)
      .plus({ days: 7 })
      .set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    while (!DEFAULT_BUSINESS_CALENDAR.isBusinessDay(at.toISODate()!)) at = at.plus({ days: 1 });
    const run = await createRun(t.dataSource, campaign, at.toJSDate(), `calls-${seq}`);
    await t.app.get(PlannerService).plan(run.id, { now: at.toJSDate() });
    const [planned]: { status: string }[] = await t.dataSource.query(
      `SELECT status FROM deliveries WHERE run_id = $1`,
      [run.id],
    );
    expect(planned.status).toBe('queued');

    // The owner leaves the client; the call falls due.
    await t.dataSource.query(`UPDATE clients SET owner_id = NULL WHERE id = $1`, [client.id]);
    await t.dataSource.query(`UPDATE deliveries SET due_at = now() WHERE run_id = $1`, [run.id]);
    await dispatchAll(t, Channel.Call);

    const [sent]: { status: string; reason: string }[] = await t.dataSource.query(
      `SELECT status, reason FROM deliveries WHERE run_id = $1`,
      [run.id],
    );
    expect(sent).toEqual({ status: 'cancelled', reason: 'no-contact-data' });
    const tasks: unknown[] = await t.dataSource.query(`SELECT id FROM call_tasks WHERE client_id = $1`, [
      client.id,
    ]);
    expect(tasks).toEqual([]);
  });
  it("the team's load: per owner (and the unowned queue) the open, today's and overdue tasks the lists give", async () => {
    await planCalls([anna, boris, boris]);
    const res = await t.http().get('/api/v1/call-tasks/load').set(as(anna.key)).expect(200);
    const owners = res.body.owners as {
      owner: { id: string; name: string } | null;
      open: number;
      today: number;
      overdue: number;
      nextDueAt: string;
    }[];
    expect(owners.length).toBeGreaterThanOrEqual(2);
    const count = async (owner: string, query: Record<string, string>) => {
      const list = await t
        .http()
        .get('/api/v1/call-tasks')
        .query({ owner, status: 'open', limit: 500, ...query })
        .set(as(TEST_ADMIN_KEY))
        .expect(200);
      return (list.body.items as unknown[]).length;
    };
    for (const row of owners) {
      const owner = row.owner?.id ?? 'unassigned';
      expect({ owner, open: row.open, today: row.today, overdue: row.overdue }).toEqual({
        owner,
        open: await count(owner, {}),
        today: await count(owner, { due: 'today' }),
        overdue: await count(owner, { due: 'overdue' }),
      });
    }
    expect(owners.find((o) => o.owner?.id === boris.staff.id)?.owner?.name).toBe('Борис Орлов');
    // Most overdue first.
    expect(owners.map((o) => o.overdue)).toEqual([...owners.map((o) => o.overdue)].sort((a, b) => b - a));
    await t.http().get('/api/v1/call-tasks/load').set(as(marketer)).expect(403);
  });

  describe('moving clients to another owner', () => {
    const ownersOf = async (clientIds: string[]) => {
      const rows: { id: string; owner_id: string | null }[] = await t.dataSource.query(
        `SELECT id, owner_id FROM clients WHERE id = ANY($1::uuid[])`,
        [clientIds],
      );
      return new Map(rows.map((r) => [r.id, r.owner_id]));
    };
    const taskOwner = async (taskId: string) =>
      (
        (await t.dataSource.query(`SELECT owner_id FROM call_tasks WHERE id = $1`, [taskId])) as {
          owner_id: string;
        }[]
      )[0].owner_id;
    const reassign = (key: string, body: Record<string, unknown>) =>
      t.http().post('/api/v1/clients/reassign-owner').set(as(key)).send(body);

    it('everything one owner has (archived clients too) moves, with the open call tasks; a done task stays', async () => {
      const leaving = await createStaffWithKey(t.dataSource, StaffRole.SalesOps, { name: 'Галина Уходящая' });
      const staying = await createStaffWithKey(t.dataSource, StaffRole.SalesOps, {
        name: 'Дмитрий Остающийся',
      });
      const planned = await planCalls([leaving, leaving, boris]);
      const [first, second, other] = planned.clients;
      await outcome(planned.tasks.get(first.id)!.id, leaving.key, { outcome: 'reached' }).expect(200);
      const archived = await createClient(t.dataSource, {
        ownerId: leaving.staff.id,
        archivedAt: new Date(),
      });

      const res = await reassign(anna.key, {
        fromOwnerId: leaving.staff.id,
        toOwnerId: staying.staff.id,
      }).expect(200);
      expect(res.body).toEqual({ clients: 3 });
      const owners = await ownersOf([first.id, second.id, other.id, archived.id]);
      expect(owners.get(first.id)).toBe(staying.staff.id);
      expect(owners.get(second.id)).toBe(staying.staff.id);
      expect(owners.get(archived.id)).toBe(staying.staff.id);
      expect(owners.get(other.id)).toBe(boris.staff.id);
      // The open task follows its client into the new owner's queue; the one already called stays.
      await expect(taskOwner(planned.tasks.get(second.id)!.id)).resolves.toBe(staying.staff.id);
      await expect(taskOwner(planned.tasks.get(first.id)!.id)).resolves.toBe(leaving.staff.id);
      await expect(taskOwner(planned.tasks.get(other.id)!.id)).resolves.toBe(boris.staff.id);
      const queue = await t.http().get('/api/v1/call-tasks').set(as(staying.key)).expect(200);
      expect((queue.body.items as CallTaskDto[]).map((task) => task.client.id)).toEqual([second.id]);
    });

    it('a selection, and one client changed through PATCH, take their open tasks along', async () => {
      const planned = await planCalls([anna, anna, anna]);
      const [a, b, c] = planned.clients;
      await reassign(anna.key, { clientIds: [a.id, b.id], toOwnerId: boris.staff.id }).expect(200, {
        clients: 2,
      });
      await t.http().patch(`/api/v1/clients/${c.id}`).set(as(anna.key)).send({ ownerId: null }).expect(200);
      await expect(taskOwner(planned.tasks.get(a.id)!.id)).resolves.toBe(boris.staff.id);
      await expect(taskOwner(planned.tasks.get(b.id)!.id)).resolves.toBe(boris.staff.id);
      await expect(taskOwner(planned.tasks.get(c.id)!.id)).resolves.toBeNull();
      // Already theirs: nothing to move.
      await reassign(anna.key, { clientIds: [a.id], toOwnerId: boris.staff.id }).expect(200, { clients: 0 });
    });

    it('refuses unclear or impossible moves with 400 and the field, and a marketer with 403; nothing moves', async () => {
      const client = await createClient(t.dataSource, { ownerId: anna.staff.id });
      const inactive = await createStaffWithKey(t.dataSource, StaffRole.SalesOps, { active: false });
      const cases: [Record<string, unknown>, string][] = [
        [{ toOwnerId: boris.staff.id }, 'clientIds'],
        [{ clientIds: [client.id], fromOwnerId: anna.staff.id, toOwnerId: boris.staff.id }, 'clientIds'],
        [{ clientIds: [client.id], toOwnerId: inactive.staff.id }, 'toOwnerId'],
        [
          { clientIds: [client.id, '00000000-0000-4000-8000-000000000000'], toOwnerId: boris.staff.id },
          'clientIds',
        ],
        [{ clientIds: ['nope'], toOwnerId: boris.staff.id }, 'clientIds'],
        [{ clientIds: [client.id] }, 'toOwnerId'],
      ];
      for (const [body, field] of cases) {
        const res = await reassign(anna.key, body).expect(400);
        expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      }
      await reassign(marketer, { clientIds: [client.id], toOwnerId: boris.staff.id }).expect(403);
      await expect(ownersOf([client.id])).resolves.toEqual(new Map([[client.id, anna.staff.id]]));
    });
  });
});
