import { Campaign, CampaignStatus } from '@touchbase/campaigns';
import { Channel } from '@touchbase/core';
import { LinksService } from '@touchbase/links';
import { DeliveryStatus } from '@touchbase/runs';
import { createCampaign } from '../factories/campaign.factory';
import { createDeliveries } from '../factories/delivery.factory';
import { createRun } from '../factories/run.factory';
import { SmtpSink } from '../support/smtp-sink';
import { createTestApp, TestApp } from '../support/test-app';

export const PORTAL_PUBLIC_URL = 'https://portal.example';

/** The API (no worker) sending email to the sink: link requests go out through the real SMTP driver. */
export function createPortalApp(sink: SmtpSink, overrides: Record<string, string> = {}): Promise<TestApp> {
  return createTestApp({
    EMAIL_DRIVER: 'smtp',
    SMTP_URL: sink.url,
    EMAIL_FROM: 'Альфа <noreply@alfa.example>',
    COMPANY_NAME: 'Альфа',
    PUBLIC_URL: PORTAL_PUBLIC_URL,
    PORTAL_LINK_TTL_DAYS: '30',
    THROTTLE_PUBLIC_PER_MINUTE: '100000',
    ...overrides,
  });
}

/** A valid portal token of the client (link version 0 unless given), issued `issuedAt` (default now). */
export function portalToken(t: TestApp, clientId: string, linkVersion = 0, issuedAt = Date.now()): string {
  return t.app.get(LinksService).portalToken(clientId, linkVersion, issuedAt);
}

/** A token issued 31 days ago: expired with a 30-day TTL. */
export function expiredToken(t: TestApp, clientId: string): string {
  return portalToken(t, clientId, 0, Date.now() - 31 * 86_400_000);
}

/** The same token with one character of its signature changed. */
/** The token with one character of its signature changed (in the middle: every bit of it counts). */
export function tamper(token: string): string {
  const at = token.indexOf('.') + 10;
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1);
}

export function consentLog(t: TestApp, clientId: string) {
  return t.dataSource.query(
    `SELECT actor_type, source, item, old_value, new_value, host(ip) AS ip, user_agent, wording_version
       FROM consent_log WHERE client_id = $1 ORDER BY id`,
    [clientId],
  );
}

export async function preferencesRow(t: TestApp, clientId: string) {
  const [row] = await t.dataSource.query(
    `SELECT opted_out, email_allowed, sms_allowed, call_allowed, letter_allowed, preferred_channel, frequency,
            quiet_hours_start, quiet_hours_end
       FROM client_preferences WHERE client_id = $1`,
    [clientId],
  );
  return row;
}

export async function explicitTopics(t: TestApp, clientId: string): Promise<Record<string, boolean>> {
  const rows: { topic_key: string; subscribed: boolean }[] = await t.dataSource.query(
    `SELECT topic_key, subscribed FROM client_topic_subscriptions WHERE client_id = $1 ORDER BY topic_key`,
    [clientId],
  );
  return Object.fromEntries(rows.map((r) => [r.topic_key, r.subscribed]));
}

/** A sent delivery of a survey campaign (topic `surveys`) to each client; returns the run id. */
export async function inviteToSurvey(t: TestApp, clientIds: string[], campaign?: Campaign): Promise<string> {
  const survey =
    campaign ??
    (await createCampaign(t.dataSource, {
      status: CampaignStatus.Paused,
      topicKey: 'surveys',
      channels: [Channel.Email],
      templates: { email: 'survey-invitation' },
    }));
  const run = await createRun(
    t.dataSource,
    survey,
    new Date(),
    `survey-${Math.random().toString(36).slice(2)}`,
  );
  const now = new Date();
  await createDeliveries(t.dataSource, run, clientIds, {
    status: DeliveryStatus.Sent,
    scheduledAt: now,
    sentAt: now,
  });
  return run.id;
}

/** Reads the CSRF cookie and form token a page hands out. */
export function formSecrets(res: { headers: Record<string, unknown>; text: string }): {
  cookie: string;
  csrf: string;
} {
  const setCookie = (res.headers['set-cookie'] as string[] | undefined) ?? [];
  const cookie = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('tb_portal_csrf='));
  const csrf = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  if (!cookie || !csrf) throw new Error('The page handed out no CSRF cookie or token');
  return { cookie, csrf };
}
