import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import {
  COMPLETE_COOLING_RUN_SQL,
  END_COOLING_EPISODES_SQL,
  ENSURE_COOLING_CAMPAIGN_SQL,
  ENSURE_COOLING_RUN_SQL,
  FIND_COOLING_CAMPAIGN_SQL,
  START_COOLING_EPISODES_SQL,
  VIP_COOLING_LOCK,
} from './vip-cooling.sql';

export interface VipCoolingPassResult {
  days: number;
  /** Episodes that ended (the client was touched or bought, or is no longer VIP or A). */
  ended: number;
  /** New episodes, each with one owner call task. */
  started: number;
  callTaskIds: string[];
}

/**
 * The VIP cooling pass: one owner call task per cooling episode, never one per day. An episode is a
 * client's idle stretch (no touch, no purchase) counted from its last activity; it ends when the client
 * is active again, and a later idle stretch is a new episode with a new task. Safe to run any number
 * of times and from any number of workers (advisory lock + unique open episode per client).
 */
@Injectable()
export class VipCoolingService {
  private readonly logger = new Logger('VipCooling');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async run(now = new Date(), days = this.config.reports.vipCoolingDays): Promise<VipCoolingPassResult> {
    const zone = this.config.workspace.timeZone;
    const day = DateTime.fromJSDate(now, { zone }).toISODate()!;
    const result = await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock($1)`, [VIP_COOLING_LOCK]);
      const [{ n: ended }]: { n: number }[] = await m.query(END_COOLING_EPISODES_SQL, [now]);
      await m.query(ENSURE_COOLING_CAMPAIGN_SQL, [zone]);
      const [campaign]: { id: string }[] = await m.query(FIND_COOLING_CAMPAIGN_SQL);
      if (!campaign) {
        throw new Error(
          "The VIP cooling campaign could not be created: a campaign named 'VIP cooling calls (automatic)' exists",
        );
      }
      const [run]: { id: string }[] = await m.query(ENSURE_COOLING_RUN_SQL, [campaign.id, day, now]);
      const started: { client_id: string; call_task_id: string }[] = await m.query(
        START_COOLING_EPISODES_SQL,
        [run.id, campaign.id, now, days],
      );
      await m.query(COMPLETE_COOLING_RUN_SQL, [run.id]);
      return { days, ended, started: started.length, callTaskIds: started.map((s) => s.call_task_id) };
    });
    if (result.started > 0 || result.ended > 0) {
      this.logger.log(`VIP cooling: ${result.started} new episodes (call tasks), ${result.ended} ended`);
    }
    return result;
  }
}
