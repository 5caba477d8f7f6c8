import { DataSource } from 'typeorm';
import { Campaign } from '@touchbase/campaigns';
import {
  FrequencyPolicy,
  FREQUENCY_POLICY_KEY,
  DEFAULT_FREQUENCY_POLICY,
  PlannerService,
} from '@touchbase/planning';
import { createRun } from '../factories/campaign.factory';
import { TestApp } from './test-app';

export interface PlannedRow {
  client_id: string;
  channel: string | null;
  status: string;
  reason: string | null;
  scheduled_at: Date;
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
