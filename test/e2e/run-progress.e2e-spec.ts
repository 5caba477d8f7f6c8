import { StaffRole } from '@touchbase/core';
import { Delivery, DeliveryStatus, Run, RunStatus } from '@touchbase/runs';
import { createClient } from '../factories/client.factory';
import { createCampaign } from '../factories/campaign.factory';
import { createDeliveries } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { createStaffWithKey } from '../factories/staff.factory';
import { createTestApp, TestApp } from '../support/test-app';

interface Progress {
  runId: string;
  status: RunStatus;
  byStatus: Record<string, number>;
  total: number;
  done: number;
  doneFraction: number;
  finished: boolean;
  at: string;
}

/** Reads a text/event-stream response to its end, calling `onEvent` for each event as it arrives. */
async function readEvents(
  res: Response,
  onEvent: (event: { type: string; id: string; data: string }, index: number) => Promise<void> | void,
): Promise<number> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let count = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return count;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const i = line.indexOf(':');
        if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1).trimStart();
      }
      if (fields.data === undefined) continue;
      await onEvent({ type: fields.event, id: fields.id, data: fields.data }, count++);
    }
  }
}

describe('Run progress', () => {
  let t: TestApp;
  let key: string;
  let url: string;
  const as = () => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    t = await createTestApp();
    ({ key } = await createStaffWithKey(t.dataSource, StaffRole.Marketer));
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
  });
  afterAll(() => t.close());

  async function dispatchingRun(): Promise<Run> {
    const campaign = await createCampaign(t.dataSource);
    const run = await createRun(t.dataSource, campaign, new Date(), undefined, RunStatus.Dispatching);
    const clients = await Promise.all(Array.from({ length: 6 }, () => createClient(t.dataSource)));
    const ids = clients.map((c) => c.id);
    await createDeliveries(t.dataSource, run, ids.slice(0, 3)); // queued
    await createDeliveries(t.dataSource, run, ids.slice(3, 5), {
      status: DeliveryStatus.Sent,
      sentAt: new Date(),
    });
    await createDeliveries(t.dataSource, run, ids.slice(5), {
      channel: null,
      status: DeliveryStatus.Suppressed,
      reason: 'opted-out',
    });
    return run;
  }

  it('counts the deliveries by status, with the total and the share done', async () => {
    const run = await dispatchingRun();
    const res = await t.http().get(`/api/v1/runs/${run.id}/progress`).set(as()).expect(200);
    expect(res.body).toMatchObject({
      runId: run.id,
      status: RunStatus.Dispatching,
      byStatus: {
        queued: 3,
        sending: 0,
        sent: 2,
        delivered: 0,
        failed: 0,
        bounced: 0,
        suppressed: 1,
        cancelled: 0,
      },
      total: 6,
      done: 3,
      doneFraction: 0.5,
      finished: false,
    });
    expect(Object.keys(res.body.byStatus).sort()).toEqual(Object.values(DeliveryStatus).sort());
  });

  it('a run without deliveries is 0 done; unknown and malformed ids are 404 and 400', async () => {
    const campaign = await createCampaign(t.dataSource);
    const run = await createRun(t.dataSource, campaign, new Date());
    const res = await t.http().get(`/api/v1/runs/${run.id}/progress`).set(as()).expect(200);
    expect(res.body).toMatchObject({ total: 0, done: 0, doneFraction: 0, finished: false });
    await t.http().get('/api/v1/runs/00000000-0000-4000-8000-000000000000/progress').set(as()).expect(404);
    await t.http().get('/api/v1/runs/nope/progress').set(as()).expect(400);
  });

  it('streams the progress every second over a real connection until the run completes, then closes', async () => {
    const run = await dispatchingRun();
    const res = await fetch(`${url}/api/v1/runs/${run.id}/events`, { headers: as() });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');

    const events: Progress[] = [];
    const count = await readEvents(res, async (event, index) => {
      expect(event.type).toBe('progress');
      expect(event.id).toBe(String(index + 1));
      const progress = JSON.parse(event.data) as Progress;
      events.push(progress);
      if (index === 0) {
        // The run moves on while the stream is open: two sent, then the last one and completion.
        await t.dataSource
          .getRepository(Delivery)
          .update({ runId: run.id, status: DeliveryStatus.Queued }, { status: DeliveryStatus.Sent });
      } else if (index === 1) {
        await t.dataSource.getRepository(Run).update(run.id, { status: RunStatus.Completed });
      }
    });
    expect(count).toBeGreaterThanOrEqual(3);
    expect(events[0]).toMatchObject({ status: RunStatus.Dispatching, done: 3, total: 6, finished: false });
    expect(events[1]).toMatchObject({ done: 6, doneFraction: 1, finished: false });
    expect(events.at(-1)).toMatchObject({
      status: RunStatus.Completed,
      finished: true,
      doneFraction: 1,
      byStatus: expect.objectContaining({ sent: 5, suppressed: 1, queued: 0 }),
    });
    expect(events.slice(0, -1).every((e) => !e.finished)).toBe(true);
  });

  it('a finished run sends one event and closes; an unknown run is a 404, not a stream', async () => {
    const campaign = await createCampaign(t.dataSource);
    const run = await createRun(t.dataSource, campaign, new Date(), undefined, RunStatus.Cancelled);
    const res = await fetch(`${url}/api/v1/runs/${run.id}/events`, { headers: as() });
    const events: Progress[] = [];
    await readEvents(res, (e) => void events.push(JSON.parse(e.data)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ status: RunStatus.Cancelled, finished: true });

    const missing = await fetch(`${url}/api/v1/runs/00000000-0000-4000-8000-000000000000/events`, {
      headers: as(),
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ statusCode: 404 });
    expect((await fetch(`${url}/api/v1/runs/nope/events`, { headers: as() })).status).toBe(400);
    const anonymous = await fetch(`${url}/api/v1/runs/${run.id}/events`);
    expect(anonymous.status).toBe(401);
  });
});
