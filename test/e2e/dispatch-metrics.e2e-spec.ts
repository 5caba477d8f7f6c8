import { randomUUID } from 'node:crypto';
import { Channel } from '@touchbase/core';
import { DeliveryStatus, RunStatus } from '@touchbase/runs';
import { createEdition } from '../factories/campaign.factory';
import { createClient } from '../factories/client.factory';
import { createDeliveries, createDelivery } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { archiveAllClients, planNow } from '../support/planning';
import { SmtpSink } from '../support/smtp-sink';
import { TestApp } from '../support/test-app';
import { countBy, createEmailApp, drain, emailCampaign } from './email-support';

const WORKER = 'metrics-worker-1';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text → samples (comments skipped). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

/** The one sample of `name` whose labels include `labels`; 0 when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string>): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

/**
 * The dispatcher's metrics as /metrics shows them: outcomes per channel (sent, retried, bounced …),
 * claim latency, batch durations by stage, leases held and taken back — labelled with the worker's id
 * — and the queue depth (due now, unclaimed) per channel.
 */
describe('Dispatch metrics at /metrics', () => {
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createEmailApp(sink, { WORKER_ID: WORKER, DISPATCH_BATCH_SIZE: '5' });
    await archiveAllClients(t);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  async function scrape(): Promise<Sample[]> {
    const res = await t.http().get('/metrics');
    expect(res.status).toBe(200);
    return parseMetrics(res.text);
  }

  it('counts sent, retried and bounced emails, claims, batches and a lease taken back, per worker', async () => {
    const before = await scrape();
    const clients = await Promise.all(
      Array.from({ length: 12 }, (_, i) => createClient(t.dataSource, { name: `ООО «Метрика-${i}»` })),
    );
    const emails = clients.map((c) => c.email!);
    // Two recipients answer 451 once (retried, then sent); one answers 550 (bounced).
    sink.failFirst(emails.slice(0, 2), 1).alwaysFail(emails[2]);
    const campaign = await emailCampaign(t);
    // A dead worker's lease, expired (a run of its own, made before the worker can see it): taken
    // back and sent.
    const deadRun = await createRun(t.dataSource, campaign, new Date(), 'dead', RunStatus.Dispatching);
    await createEdition(t.dataSource, campaign, 'dead', { subjectRu: 'Новости', subjectEn: 'News' });
    const dead = await createDelivery(t.dataSource, deadRun, clients[11].id, {
      status: DeliveryStatus.Sending,
      attempts: 1,
      lease: { token: randomUUID(), until: new Date(Date.now() - 60_000) },
    });
    const runId = await planNow(t, campaign, { edition: {} });
    const rows = await drain(t, runId);
    expect(countBy(rows)).toEqual({ sent: 11, bounced: 1 });
    const [taken] = await t.dataSource.query(`SELECT status, attempts, error FROM deliveries WHERE id = $1`, [
      dead,
    ]);
    expect(taken).toEqual({ status: 'sent', attempts: 2, error: null });

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    const email = { channel: 'email', worker: WORKER };
    expect(delta('touchbase_dispatch_outcomes_total', { ...email, outcome: 'sent' })).toBe(12);
    expect(delta('touchbase_dispatch_outcomes_total', { ...email, outcome: 'retried' })).toBe(2);
    expect(delta('touchbase_dispatch_outcomes_total', { ...email, outcome: 'bounced' })).toBe(1);
    expect(delta('touchbase_dispatch_outcomes_total', { ...email, outcome: 'failed' })).toBe(0);
    expect(delta('touchbase_dispatch_reclaimed_total', email)).toBe(1);
    // Every claim of a delivery is timed: 12 first claims, 2 after a retry, 1 after the lease expired.
    expect(delta('touchbase_dispatch_claim_latency_seconds_count', email)).toBe(15);
    const batches = delta('touchbase_dispatch_batch_duration_seconds_count', { ...email, stage: 'total' });
    expect(batches).toBeGreaterThanOrEqual(3); // 12 deliveries in batches of 5, then the retries
    for (const stage of ['claim', 'prepare', 'send', 'finish']) {
      expect(delta('touchbase_dispatch_batch_duration_seconds_count', { ...email, stage })).toBe(batches);
    }
    expect(
      delta('touchbase_dispatch_batch_duration_seconds_sum', { ...email, stage: 'total' }),
    ).toBeGreaterThan(0);
    // Nothing held once done.
    expect(valueOf(after, 'touchbase_dispatch_in_flight', email)).toBe(0);
    // Every series this process wrote carries its worker id.
    for (const s of after.filter((x) =>
      /^touchbase_dispatch_(outcomes|claim|batch|in_flight|reclaimed)/.test(x.name),
    )) {
      expect(s.labels.worker).toBe(WORKER);
    }
  });

  it('shows the queue depth: deliveries due now and not claimed, per channel', async () => {
    const client = await createClient(t.dataSource, { phone: '+79120000001' });
    const campaign = await emailCampaign(t);
    const runId = await planNow(t, campaign, { edition: {}, now: new Date() });
    await drain(t, runId);
    // SMS is not dispatched by this worker: queued SMS stay in the queue; only those due now count.
    const smsRun = await createRun(t.dataSource, campaign, new Date(), 'depth', RunStatus.Dispatching);
    const others = await Promise.all(Array.from({ length: 3 }, () => createClient(t.dataSource)));
    const sms = { channel: Channel.Sms };
    await createDeliveries(
      t.dataSource,
      smsRun,
      others.map((o) => o.id),
      sms,
    );
    await createDelivery(t.dataSource, smsRun, client.id, {
      ...sms,
      dueAt: new Date(Date.now() + 86_400_000),
    });
    const samples = await scrape();
    expect(valueOf(samples, 'touchbase_dispatch_queue_depth', { channel: 'sms' })).toBe(3);
    expect(valueOf(samples, 'touchbase_dispatch_queue_depth', { channel: 'email' })).toBe(0);
    expect(valueOf(samples, 'touchbase_dispatch_queue_depth', { channel: 'letter' })).toBe(0);
    expect(samples.filter((s) => s.name === 'touchbase_dispatch_queue_depth')).toHaveLength(4);
  });
});
