import { DataSource } from 'typeorm';
import { Campaign, Edition } from '@touchbase/campaigns';
import {
  FrequencyPolicy,
  FREQUENCY_POLICY_KEY,
  DEFAULT_FREQUENCY_POLICY,
  PlannerService,
} from '@touchbase/planning';
import { createEdition } from '../factories/campaign.factory';
import { createRun } from '../factories/run.factory';
import { TestApp } from './test-app';

export interface PlannedRow {
  client_id: string;
  channel: string | null;
  status: string;
  reason: string | null;
  scheduled_at: Date;
}

/** Archives every client so far: campaigns go to the whole base, and a test wants only its own clients. */
export async function archiveAllClients(t: TestApp): Promise<void> {
  await t.dataSource.query(`UPDATE clients SET archived_at = now() WHERE archived_at IS NULL`);
}

/** The edition `planNow` gives a run when asked to: a subject and two blocks, in Russian and English. */
export const TEST_EDITION: Partial<Edition> = {
  subjectRu: 'Новости ноября: склад в Челябинске',
  subjectEn: 'November news',
  blocks: [
    { type: 'heading', ru: 'Новый склад в Челябинске', en: 'A new warehouse' },
    { type: 'paragraph', ru: 'Доставка по Уралу теперь за один день — «быстрее» некуда.', en: 'Next day.' },
  ],
};

export interface PlanNowOptions {
  /** Planning "now" (default: now): the deliveries fall due then. */
  now?: Date;
  /** An edition for the run's period: TEST_EDITION with these fields over it; none when left out. */
  edition?: Partial<Edition>;
}

/**
 * Plans a run of the campaign for a period of its own at `now` (default: now), so its deliveries
 * fall due then (a worker in the app is woken and may send at once); returns the run id.
 */
export async function planNow(t: TestApp, campaign: Campaign, options: PlanNowOptions = {}): Promise<string> {
  const now = options.now ?? new Date();
  const periodKey = `p-${now.toISOString()}-${Math.random().toString(36).slice(2, 8)}`;
  const run = await createRun(t.dataSource, campaign, now, periodKey);
  if (options.edition)
    await createEdition(t.dataSource, campaign, periodKey, { ...TEST_EDITION, ...options.edition });
  await t.app.get(PlannerService).plan(run.id, { now });
  return run.id;
}

/** Plans an occurrence of the campaign at `at` (planning "now" = at) and returns its deliveries by client. */
export async function planAt(
  t: TestApp,
  campaign: Campaign,
  at: Date,
  periodKey?: string,
): Promise<Map<string, PlannedRow>> {
  const run = await createRun(
    t.dataSource,
    campaign,
    at,
    periodKey ?? `${at.toISOString()}-${Math.random()}`,
  );
  await t.app.get(PlannerService).plan(run.id, { now: at });
  return deliveriesOf(t.dataSource, run.id);
}

export async function deliveriesOf(dataSource: DataSource, runId: string): Promise<Map<string, PlannedRow>> {
  const rows: PlannedRow[] = await dataSource.query(
    `SELECT client_id, channel, status, reason, scheduled_at FROM deliveries WHERE run_id = $1`,
    [runId],
  );
  return new Map(rows.map((r) => [r.client_id, r]));
}

export async function setPolicy(dataSource: DataSource, policy: Partial<FrequencyPolicy>): Promise<void> {
  const value = { ...DEFAULT_FREQUENCY_POLICY, ...policy };
  await dataSource.query(
    `INSERT INTO workspace_settings (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [FREQUENCY_POLICY_KEY, JSON.stringify(value)],
  );
}

export const hours = (n: number) => n * 3_600_000;
export const days = (n: number) => n * 86_400_000;
