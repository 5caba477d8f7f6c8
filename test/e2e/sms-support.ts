import { Campaign, CampaignStatus } from '@touchbase/campaigns';
import { Channel } from '@touchbase/core';
import { DEFAULT_FREQUENCY_POLICY } from '@touchbase/planning';
import { createCampaign } from '../factories/campaign.factory';
import { setPolicy } from '../support/planning';
import { TestApp } from '../support/test-app';
import { TEST_TWILIO } from '../support/twilio-standin';

/** Helpers shared by the SMS and Twilio webhook suites. */

export const PUBLIC_URL = 'https://touchbase.example.com';

/** The environment of an app that sends SMS through Twilio (at `apiBaseUrl`, a stand-in). */
export function twilioEnv(apiBaseUrl = 'http://127.0.0.1:9'): Record<string, string> {
  return {
    SMS_DRIVER: 'twilio',
    TWILIO_ACCOUNT_SID: TEST_TWILIO.accountSid,
    TWILIO_AUTH_TOKEN: TEST_TWILIO.authToken,
    TWILIO_MESSAGING_SERVICE_SID: TEST_TWILIO.messagingServiceSid,
    TWILIO_API_BASE_URL: apiBaseUrl,
    PUBLIC_URL,
    SMS_SEGMENT_COST: '2.5',
    DISPATCH_CHANNELS: 'sms',
  };
}

export const SMS_TEMPLATE_BODY =
  'Здравствуйте, {{client.name}}! Новости месяца уже на сайте, настройки: {{portal.url}}';

/**
 * A paused (the scheduler leaves it alone) SMS-only campaign with a Russian template, and a policy
 * without caps or an SMS sending window, so each test can plan runs "now" as often as it likes.
 */
export async function smsCampaign(
  t: TestApp,
  name = `sms-${Math.random().toString(36).slice(2, 8)}`,
): Promise<Campaign> {
  await t.dataSource.query(
    `INSERT INTO templates (name, channel, locale, subject, body) VALUES ($1, 'sms', 'ru', NULL, $2)
     ON CONFLICT (name, channel, locale) DO NOTHING`,
    [name, SMS_TEMPLATE_BODY],
  );
  await setPolicy(t.dataSource, {
    overall: [],
    perChannel: { email: [], sms: [], call: [], letter: [] },
    sendingWindows: { ...DEFAULT_FREQUENCY_POLICY.sendingWindows, sms: null },
  });
  return createCampaign(t.dataSource, {
    channels: [Channel.Sms],
    templates: { sms: name },
    status: CampaignStatus.Paused,
  });
}

export interface SmsDeliveryRow {
  id: string;
  client_id: string;
  status: string;
  reason: string | null;
  error: string | null;
  provider_id: string | null;
  attempts: number;
  meta: { segments?: number; encoding?: string; costEstimate?: number };
  sent_at: Date | null;
  delivered_at: Date | null;
  updated_at: Date;
}

export async function deliveriesByClient(t: TestApp, runId: string): Promise<Map<string, SmsDeliveryRow>> {
  const rows: SmsDeliveryRow[] = await t.dataSource.query(
    `SELECT id::text, client_id, status, reason, error, provider_id, attempts, meta, sent_at, delivered_at, updated_at
       FROM deliveries WHERE run_id = $1`,
    [runId],
  );
  return new Map(rows.map((r) => [r.client_id, r]));
}

/** Waits until nothing of the run is queued or being sent. */
export async function waitForRunDispatched(t: TestApp, runId: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM deliveries WHERE run_id = $1 AND status IN ('queued', 'sending')`,
      [runId],
    );
    if (n === 0) return;
    if (Date.now() > until)
      throw new Error(`Run ${runId} still has ${n} deliveries to send after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for the run's status (the dispatcher completes a run after recording its last outcomes). */
export async function waitForRunStatus(
  t: TestApp,
  runId: string,
  status: string,
  timeoutMs = 10_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [run] = await t.dataSource.query(`SELECT status FROM runs WHERE id = $1`, [runId]);
    if (run.status === status) return;
    if (Date.now() > until)
      throw new Error(`Run ${runId} is ${run.status}, not ${status}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
