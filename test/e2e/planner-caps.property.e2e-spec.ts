import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Priority } from '@touchbase/campaigns';
import { Channel, CHANNELS } from '@touchbase/core';
import { Cap, FrequencyPolicy, DEFAULT_FREQUENCY_POLICY, PlannerService } from '@touchbase/planning';
import { FREQUENCY_CAPS, Frequency } from '@touchbase/preferences';
import { createCampaign } from '../factories/campaign.factory';
import { createRun } from '../factories/run.factory';
import { createTouch } from '../factories/delivery.factory';
import { createClient } from '../factories/client.factory';
import { archiveAllClients, days, hours, setPolicy } from '../support/planning';
import { createTestApp, TestApp } from '../support/test-app';

const T = new Date('2026-12-01T09:00:00Z');
const FREQUENCIES = Object.values(Frequency);

interface Scenario {
  clients: {
    frequency: Frequency;
    crowded: boolean;
    touches: { daysAgo: number; channel: Channel; queued: boolean }[];
  }[];
  overall: Cap[];
  sms: Cap[];
  runs: { priority: Priority; channels: Channel[]; offsetHours: number; deadlineHours: number }[];
  /** How each run is cut and how many of its chunks plan at once. */
  chunkSize: number;
  concurrency: number;
}

const cap = fc.record({
  maxTouches: fc.integer({ min: 1, max: 3 }),
  windowDays: fc.integer({ min: 1, max: 30 }),
});
const scenario: fc.Arbitrary<Scenario> = fc.record({
  clients: fc.array(
    fc.record({
      frequency: fc.constantFrom(...FREQUENCIES),
      // Clients in one id slice share its lock; a crowded slice is cut into chunks of its own.
      crowded: fc.boolean(),
      touches: fc.array(
        fc.record({
          daysAgo: fc.integer({ min: -5, max: 40 }),
          channel: fc.constantFrom(Channel.Email, Channel.Sms),
          queued: fc.boolean(),
        }),
        { maxLength: 3 },
      ),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  overall: fc.array(cap, { minLength: 1, maxLength: 2 }),
  sms: fc.array(cap, { maxLength: 1 }),
  runs: fc.array(
    fc.record({
      priority: fc.constantFrom(Priority.Normal, Priority.High, Priority.MustSend),
      channels: fc.constantFrom([Channel.Email], [Channel.Sms, Channel.Email], [Channel.Email, Channel.Sms]),
      offsetHours: fc.integer({ min: 0, max: 48 }),
      deadlineHours: fc.integer({ min: 1, max: 120 }),
    }),
    { minLength: 2, maxLength: 3 },
  ),
  chunkSize: fc.integer({ min: 1, max: 3 }),
  concurrency: fc.integer({ min: 1, max: 3 }),
});

/**
 * Property: whatever the clients, their preferences and prior touches, the caps, and however runs of
 * any priority interleave when planned at the same time, no planned touch ever sits in a window that
 * holds more touches than a cap allows.
 */
describe('Frequency caps hold under concurrent planning (property)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ DATABASE_POOL_SIZE: '12' });
  });
  afterAll(() => t.close());

  it('no client ever exceeds any cap in the resulting rows', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        await archiveAllClients(t);
        const policy: FrequencyPolicy = {
          ...DEFAULT_FREQUENCY_POLICY,
          overall: s.overall,
          perChannel: { ...DEFAULT_FREQUENCY_POLICY.perChannel, sms: s.sms },
          sendingWindows: { email: null, sms: null, call: null, letter: null },
        };
        await setPolicy(t.dataSource, policy);
        const clients: { id: string; frequency: Frequency }[] = [];
        const priorIds = new Set<string>();
        for (const c of s.clients) {
          const client = await createClient(
            t.dataSource,
            c.crowded ? { id: `7a${randomUUID().slice(2)}` } : {},
          );
          await t.dataSource.query(`UPDATE client_preferences SET frequency = $2 WHERE client_id = $1`, [
            client.id,
            c.frequency,
          ]);
          for (const touch of c.touches) {
            const id = await createTouch(
              t.dataSource,
              client.id,
              new Date(T.getTime() - days(touch.daysAgo)),
              {
                channel: touch.channel,
                status: touch.queued ? 'queued' : 'sent',
              },
            );
            priorIds.add(id);
          }
          clients.push({ id: client.id, frequency: c.frequency });
        }
        const planner = t.app.get(PlannerService);
        const runs = await Promise.all(
          s.runs.map(async (r) => {
            const campaign = await createCampaign(t.dataSource, {
              priority: r.priority,
              channels: r.channels,
              deadlineHours: r.deadlineHours,
            });
            return createRun(t.dataSource, campaign, new Date(T.getTime() + hours(r.offsetHours)));
          }),
        );
        // Planned concurrently, each run in parallel chunks: the planner must serialise what needs serialising.
        await Promise.all(
          runs.map((run, i) =>
            planner.plan(run.id, {
              now: new Date(T.getTime() + hours(s.runs[i].offsetHours)),
              chunkSize: s.chunkSize,
              concurrency: s.concurrency,
            }),
          ),
        );

        const touches: { id: string; client_id: string; channel: string; at: Date }[] =
          await t.dataSource.query(
            `SELECT id::text, client_id, channel, scheduled_at AS at FROM deliveries
            WHERE client_id = ANY($1) AND counts_as_touch AND status IN ('queued', 'sending', 'sent', 'delivered')`,
            [clients.map((c) => c.id)],
          );
        for (const client of clients) {
          const mine = touches.filter((x) => x.client_id === client.id);
          const own = FREQUENCY_CAPS[client.frequency];
          const layers: { cap: Cap; channel?: string }[] = [
            ...policy.overall.map((c) => ({ cap: c })),
            ...CHANNELS.flatMap((ch) =>
              policy.perChannel[ch].map((c) => ({ cap: c, channel: ch as string })),
            ),
            ...(own ? [{ cap: own }] : []),
          ];
          for (const x of mine.filter((m) => !priorIds.has(m.id))) {
            for (const { cap: c, channel } of layers) {
              if (channel && x.channel !== channel) continue;
              const relevant = mine.filter((m) => !channel || m.channel === channel);
              const w = days(c.windowDays);
              // Every window [s, s + W) that contains the new touch, starting at a touch.
              for (const start of relevant.map((m) => m.at.getTime())) {
                if (start > x.at.getTime() || start <= x.at.getTime() - w) continue;
                const inWindow = relevant.filter(
                  (m) => m.at.getTime() >= start && m.at.getTime() < start + w,
                );
                if (inWindow.length > c.maxTouches) {
                  throw new Error(
                    `client ${client.id} has ${inWindow.length} touches in ${c.windowDays} days (cap ${c.maxTouches}${channel ? ` ${channel}` : ''}): ${inWindow.map((m) => m.at.toISOString()).join(', ')}`,
                  );
                }
              }
            }
          }
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 30), endOnFailure: true },
    );
  }, 300_000);
});
