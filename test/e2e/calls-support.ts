import { DateTime } from 'luxon';
import { Campaign, CampaignKind, DEFAULT_BUSINESS_CALENDAR } from '@touchbase/campaigns';
import { Channel } from '@touchbase/core';
import { DispatcherService } from '@touchbase/dispatch';
import { PlannerService } from '@touchbase/planning';
import { createCampaign } from '../factories/campaign.factory';
import { createRun } from '../factories/run.factory';
import { createSegment } from '../factories/segment.factory';
import { TestApp } from '../support/test-app';

/**
 * Dispatches a channel until nothing due is left unclaimed or held under a lease. The worker's own
 * loops run too (woken by the planner): they may take part of the work, which is fine.
 */
export async function dispatchAll(t: TestApp, channel: Channel, timeoutMs = 20_000): Promise<void> {
  const dispatcher = t.app.get(DispatcherService);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const claimed = await dispatcher.dispatchOnce(channel);
    if (claimed > 0) continue;
    const [{ busy }]: { busy: number }[] = await t.dataSource.query(
      `SELECT count(*)::int AS busy FROM deliveries
        WHERE channel = $1 AND ((status = 'queued' AND due_at <= now()) OR (status = 'sending' AND locked_until IS NOT NULL))`,
      [channel],
    );
    if (busy === 0) return;
    if (Date.now() > deadline) throw new Error(`${busy} ${channel} deliveries still in flight`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A past business day at `hour`:00 in `zone` (yesterday or before): planning then is due now. */
export function pastBusinessDayAt(zone: string, hour: number, daysBack = 1): Date {
  let d = DateTime.now()
    .setZone(zone)
    .minus({ days: daysBack })
    .set({ hour, minute: 0, second: 0, millisecond: 0 });
  while (!DEFAULT_BUSINESS_CALENDAR.isBusinessDay(d.toISODate()!)) d = d.minus({ days: 1 });
  return d.toJSDate();
}

/** A campaign whose audience is the clients with `tag` (tests share one database per suite). */
export async function createTaggedCampaign(
  t: TestApp,
  tag: string,
  overrides: Partial<Campaign> = {},
): Promise<Campaign> {
  const segmentId = await createSegment(t.dataSource, `tag ${tag}`, {
    field: 'tags',
    op: 'contains',
    value: tag,
  });
  return createCampaign(t.dataSource, { segmentId, ...overrides });
}

/**
 * Real call tasks for the clients tagged `tag`: a call campaign planned on a past business morning
 * and dispatched, as the worker would (the app must dispatch the call channel). The run's id.
 */
export async function planCallTasks(
  t: TestApp,
  tag: string,
  zone: string,
  overrides: Partial<Campaign> = {},
): Promise<{ campaign: Campaign; runId: string }> {
  const campaign = await createTaggedCampaign(t, tag, {
    name: `Звонки ${tag}`,
    kind: CampaignKind.Plan,
    channels: [Channel.Call],
    templates: { call: 'vip-call' },
    ...overrides,
  });
  const at = pastBusinessDayAt(zone, 10);
  const run = await createRun(t.dataSource, campaign, at, `calls-${tag}`);
  await t.app.get(PlannerService).plan(run.id, { now: at });
  await dispatchAll(t, Channel.Call);
  return { campaign, runId: run.id };
}
