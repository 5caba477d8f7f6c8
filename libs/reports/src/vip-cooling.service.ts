import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { CampaignKind, ensureSystemCampaign, Priority, SystemCampaign } from '@touchbase/campaigns';
import { AppConfig } from '@touchbase/config';
import { Channel } from '@touchbase/core';
import { PlanAudiences, PlannerService } from '@touchbase/planning';
import { createRunIfAbsent, failRun, RunTrigger } from '@touchbase/runs';
import {
  COOLING_SUPPRESSED_SQL,
  coolingAudienceSql,
  END_COOLING_EPISODES_SQL,
  START_COOLING_EPISODES_SQL,
  VIP_COOLING_CAMPAIGN_KEY,
  VIP_COOLING_LOCK,
} from './vip-cooling.sql';

/** The system campaign whose daily run the planner plans: owner calls with the vip-call script. */
export const VIP_COOLING_CAMPAIGN: SystemCampaign = {
  key: VIP_COOLING_CAMPAIGN_KEY,
  name: 'VIP cooling calls (automatic)',
  description:
    'Owner calls for VIP and A clients with no touch or purchase for a while (playbook 003), one per ' +
    'cooling episode. Planned daily by the VIP cooling job like any run: caps, business days and calling hours.',
  kind: CampaignKind.Plan,
  topicKey: 'news',
  channels: [Channel.Call],
  templates: { call: 'vip-call' },
  priority: Priority.High,
  // Long enough to reach the next business day's calling hours from a Friday evening or a holiday.
  deadlineHours: 7 * 24,
};

export interface VipCoolingPassResult {
  days: number;
  /** Episodes that ended (the client was touched or bought, or is no longer VIP or A). */
  ended: number;
  /** New episodes, each with one owner call planned (its call task appears when the call is due). */
  started: number;
  /** Cooling clients whose call could not be planned today (caps, sending windows): tried again later. */
  suppressed: number;
  /** The planned call deliveries of the new episodes. */
  deliveryIds: string[];
}

/**
 * The VIP cooling pass: one owner call per cooling episode, never one per day. An episode is a
 * client's idle stretch (no touch, no purchase) counted from its last activity; it ends when the client
 * is active again, and a later idle stretch is a new episode with a new call. Each day's calls are a
 * run of the cooling campaign that the planner plans, so they obey the caps, business days and calling
 * hours like any other. Safe to run any number of times and from any number of workers (advisory lock,
 * one run per day, unique open episode per client).
 */
@Injectable()
export class VipCoolingService implements OnModuleInit {
  private readonly logger = new Logger('VipCooling');
  /** The idle days a run being planned was asked for (the configured ones otherwise). */
  private readonly daysOfRun = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly planner: PlannerService,
    private readonly audiences: PlanAudiences,
  ) {}

  onModuleInit(): void {
    this.audiences.register(VIP_COOLING_CAMPAIGN_KEY, (run, p) =>
      coolingAudienceSql(
        p.add(run.occurrenceAt.toISOString(), '::timestamptz'),
        p.add(this.daysOfRun.get(run.id) ?? this.config.reports.vipCoolingDays, '::int'),
      ),
    );
  }

  async run(now = new Date(), days = this.config.reports.vipCoolingDays): Promise<VipCoolingPassResult> {
    const zone = this.config.workspace.timeZone;
    const day = DateTime.fromJSDate(now, { zone }).toISODate()!;
    const { ended, runId } = await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock($1)`, [VIP_COOLING_LOCK]);
      const [{ n }]: { n: number }[] = await m.query(END_COOLING_EPISODES_SQL, [now]);
      const campaignId = await ensureSystemCampaign(m, VIP_COOLING_CAMPAIGN, zone);
      if (!campaignId) {
        throw new Error(
          `The VIP cooling campaign could not be created: a campaign named '${VIP_COOLING_CAMPAIGN.name}' exists`,
        );
      }
      // One run a day: a second pass the same day finds it and plans nothing new.
      const id = await createRunIfAbsent(m, {
        campaignId,
        periodKey: day,
        occurrenceAt: now,
        trigger: RunTrigger.Schedule,
      });
      return { ended: n, runId: id };
    });
    const result: VipCoolingPassResult = { days, ended, started: 0, suppressed: 0, deliveryIds: [] };
    if (runId) {
      this.daysOfRun.set(runId, days);
      try {
        await this.planner.plan(runId, { now });
      } catch (e) {
        await this.dataSource.transaction((m) =>
          failRun(m, runId, `planning failed: ${(e as Error).message}`),
        );
        throw e;
      } finally {
        this.daysOfRun.delete(runId);
      }
      const started: { client_id: string; delivery_id: string }[] = await this.dataSource.query(
        START_COOLING_EPISODES_SQL,
        [runId, now],
      );
      const [{ n }]: { n: number }[] = await this.dataSource.query(COOLING_SUPPRESSED_SQL, [runId]);
      Object.assign(result, {
        started: started.length,
        suppressed: n,
        deliveryIds: started.map((s) => s.delivery_id),
      });
    }
    if (result.started > 0 || result.ended > 0 || result.suppressed > 0) {
      this.logger.log(
        `VIP cooling: ${result.started} new episodes (owner calls planned), ${result.suppressed} not plannable today, ` +
          `${result.ended} ended`,
      );
    }
    return result;
  }
}
