import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Campaign, CampaignStatus, Edition } from '@touchbase/campaigns';
import { Channel } from '@touchbase/core';
import { buildDataSourceOptions } from '@touchbase/database';
import { Run, RunStatus } from '@touchbase/runs';
import { readTemplateFiles } from '@touchbase/templates';
import { createCampaign, createEdition } from '../factories/campaign.factory';
import { createDeliveries } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { SmtpSink } from '../support/smtp-sink';
import { REPO_ROOT, spawnEntryPoint, SpawnedProcess } from '../support/spawn-process';

/** Helpers of the dispatch reliability suites: real worker processes on one database, an SMTP sink. */

export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A compiled worker process dispatching email only to `sink`; resolves once it runs. */
export async function startEmailWorker(
  databaseUrl: string,
  sink: SmtpSink,
  id: string,
  env: Record<string, string> = {},
): Promise<SpawnedProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `touchbase-dispatch-${id}-`));
  const worker = spawnEntryPoint('worker', [], {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    WORKER_ID: id,
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    PUBLIC_URL: 'https://tb.example',
    COMPANY_NAME: 'Альфа',
    EMAIL_DRIVER: 'smtp',
    EMAIL_FROM: 'Альфа <news@alfa.example>',
    SMTP_URL: sink.url,
    DISPATCH_CHANNELS: 'email',
    ...env,
  });
  await worker.waitForLine(/Worker running/, 90_000);
  return worker;
}

export interface EmailRun {
  runId: string;
  campaignId: string;
  /** Delivery ids, in client order. */
  ids: string[];
}

/**
 * `n` clients with email addresses, a paused campaign with the built-in monthly broadcast, a run with
 * an edition, and one queued email per client, due only when `releaseRun` says so.
 */
export async function seedEmailRun(url: string, n: number, tag: string): Promise<EmailRun> {
  return withClient(url, async (c) => {
    const { files } = await readTemplateFiles(path.join(REPO_ROOT, 'templates'));
    for (const f of files.filter((f) => f.name === 'monthly-broadcast' && f.channel === Channel.Email)) {
      await c.query(
        `INSERT INTO templates (name, channel, locale, subject, body, description, builtin)
         VALUES ($1, $2, $3, $4, $5, '', true) ON CONFLICT (name, channel, locale) DO NOTHING`,
        [f.name, f.channel, f.locale, f.subject, f.body],
      );
    }
    await c.query(
      `INSERT INTO clients (external_ref, name, kind, email, locale, time_zone, stage)
       SELECT $2 || lpad(g::text, 4, '0'), 'ООО «Клиент ' || g || '»', 'company', $2 || g || '@client.example',
              CASE WHEN g % 4 = 0 THEN 'en' ELSE 'ru' END, 'Europe/Moscow', 'client'
         FROM generate_series(1, $1) g`,
      [n, tag],
    );
    const { rows: clients } = await c.query(
      `SELECT id FROM clients WHERE external_ref LIKE $1 || '%' ORDER BY external_ref`,
      [tag],
    );
    return withDataSource(url, async (ds) => {
      const campaign = await createCampaign(ds, {
        name: `Dispatch ${tag}`,
        status: CampaignStatus.Paused,
        templates: { email: 'monthly-broadcast' },
        schedule: { type: 'once', at: '2026-01-01T00:00:00Z' },
      });
      const run = await createRun(ds, campaign, new Date(), tag, RunStatus.Dispatching);
      await createEdition(ds, campaign, tag, {
        subjectRu: 'Новости ноября',
        subjectEn: 'November news',
        blocks: [{ type: 'paragraph', ru: 'Склад в Челябинске открыт.', en: 'A new warehouse.' }],
      });
      const ids = await createDeliveries(
        ds,
        run,
        clients.map((r: { id: string }) => r.id),
        { dueAt: 'infinity' },
      );
      return { runId: run.id, campaignId: campaign.id, ids };
    });
  });
}

/** A DataSource of the entities the factories write, on its own small pool, for `fn`. */
async function withDataSource<T>(url: string, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  const ds = await new DataSource({
    ...buildDataSourceOptions({ url, poolSize: 1 }),
    entities: [Campaign, Edition, Run],
  }).initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}

/** Makes the run's deliveries due now and wakes the dispatchers. */
export async function releaseRun(url: string, runId: string): Promise<void> {
  await withClient(url, async (c) => {
    await c.query(`UPDATE deliveries SET due_at = now() WHERE run_id = $1`, [runId]);
    await c.query(`SELECT pg_notify('touchbase_dispatch', 'email')`);
  });
}

export interface DeliveryState {
  id: string;
  status: string;
  attempts: number;
  claim_token: string | null;
  locked_until: Date | null;
}

export function runDeliveries(url: string, runId: string): Promise<DeliveryState[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(
      `SELECT id::text, status, attempts, claim_token, locked_until FROM deliveries WHERE run_id = $1 ORDER BY id`,
      [runId],
    );
    return rows as DeliveryState[];
  });
}

/**
 * Waits until no delivery of the run is queued or sending; a database that is away (restarting)
 * is waited for.
 */
export async function waitUntilDispatched(
  url: string,
  runId: string,
  timeoutMs = 90_000,
): Promise<DeliveryState[]> {
  const deadline = Date.now() + timeoutMs;
  let last: DeliveryState[] = [];
  for (;;) {
    try {
      last = await runDeliveries(url, runId);
      if (last.every((d) => d.status !== 'queued' && d.status !== 'sending')) return last;
    } catch {
      // the server is restarting
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Run ${runId} not dispatched in ${timeoutMs} ms: ${JSON.stringify(statusCounts(last))}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function statusCounts(rows: { status: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

/** Messages the sink accepted, per delivery id (from the Message-ID `<delivery-<id>.<campaign>@…>`). */
export function sinkCountsByDelivery(sink: SmtpSink): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of sink.messages) {
    const id = /^<delivery-(\d+)\./.exec(m.messageId)?.[1] ?? `unknown:${m.messageId}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
