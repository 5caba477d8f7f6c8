import { Campaign, CampaignStatus } from '@touchbase/campaigns';
import { Channel } from '@touchbase/core';
import { DispatcherService } from '@touchbase/dispatch';
import { createCampaign } from '../factories/campaign.factory';
import { archiveAllClients } from '../support/planning';
import { SmtpSink } from '../support/smtp-sink';
import { createTestApp, TestApp } from '../support/test-app';

export const PUBLIC_URL = 'https://tb.example';

/** The real app with the worker (dispatcher: email only) sending to the sink over SMTP. */
export function createEmailApp(sink: SmtpSink, overrides: Record<string, string> = {}): Promise<TestApp> {
  return createTestApp(
    {
      EMAIL_DRIVER: 'smtp',
      SMTP_URL: sink.url,
      SMTP_MAX_CONNECTIONS: '4',
      EMAIL_FROM: 'Альфа <noreply@alfa.example>',
      COMPANY_NAME: 'Альфа',
      PUBLIC_URL,
      DISPATCH_CHANNELS: 'email',
      DISPATCH_RETRY_BASE_MS: '20',
      DISPATCH_BATCH_SIZE: '20',
      ...overrides,
    },
    { withWorker: true },
  );
}

/**
 * One email app and SMTP sink for a describe block: started before it, closed after it; before each
 * test the sink is emptied and the base archived (campaigns go to the whole base: each test sees only
 * the clients it creates).
 */
export function emailAppPerSuite(overrides: Record<string, string> = {}): {
  readonly t: TestApp;
  readonly sink: SmtpSink;
} {
  const suite = {} as { t: TestApp; sink: SmtpSink };
  beforeAll(async () => {
    suite.sink = await SmtpSink.start();
    suite.t = await createEmailApp(suite.sink, overrides);
  });
  afterAll(async () => {
    await suite.t?.close();
    await suite.sink?.close();
  });
  beforeEach(async () => {
    suite.sink.reset();
    await archiveAllClients(suite.t);
  });
  return suite;
}

/** A paused email campaign (the scheduler leaves it alone; runs are made here). */
export function emailCampaign(t: TestApp, overrides: Partial<Campaign> = {}): Promise<Campaign> {
  return createCampaign(t.dataSource, {
    status: CampaignStatus.Paused,
    channels: [Channel.Email],
    templates: { email: 'monthly-broadcast' },
    ...overrides,
  });
}

export interface DeliveryRow {
  id: string;
  client_id: string;
  status: string;
  reason: string | null;
  error: string | null;
  attempts: number;
  provider_id: string | null;
  meta: Record<string, unknown>;
}

export function deliveries(t: TestApp, runId: string): Promise<DeliveryRow[]> {
  return t.dataSource.query(
    `SELECT id::text, client_id, status, reason, error, attempts, provider_id, meta
       FROM deliveries WHERE run_id = $1 ORDER BY id`,
    [runId],
  );
}

/**
 * Dispatches until nothing of the run is queued or sending (retries included: they fall due after
 * their backoff). The worker's own loop may take some batches meanwhile; that is fine.
 */
export async function drain(t: TestApp, runId: string, timeoutMs = 30_000): Promise<DeliveryRow[]> {
  const dispatcher = t.app.get(DispatcherService);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const claimed = await dispatcher.dispatchOnce(Channel.Email);
    const rows = await deliveries(t, runId);
    if (rows.every((r) => r.status !== 'queued' && r.status !== 'sending')) return rows;
    if (Date.now() > deadline) {
      throw new Error(`Run ${runId} still has work after ${timeoutMs} ms: ${JSON.stringify(countBy(rows))}`);
    }
    if (claimed === 0) await new Promise((r) => setTimeout(r, 25));
  }
}

export function countBy(rows: { status: string }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

/** The header block's lines, folding kept (a folded line starts with a space or tab). */
export function headerLine(rawHeaders: string, name: string): string | undefined {
  const lines = rawHeaders.split('\r\n');
  const i = lines.findIndex((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (i < 0) return undefined;
  let line = lines[i];
  for (let j = i + 1; j < lines.length && /^[ \t]/.test(lines[j]); j++) line += `\r\n${lines[j]}`;
  return line;
}
