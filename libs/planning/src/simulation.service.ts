import { Injectable, Logger } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { Campaign, CampaignStatus, HolidayCalendarService, occurrencesWithKeys } from '@touchbase/campaigns';
import { NotFoundException, ValidationException } from '@touchbase/core';
import { createSimulatedRun, DeliveryReason, sqlValue } from '@touchbase/runs';
import { CapHit, ExplainService } from './explain.service';
import { PlannerService } from './planner.service';

export const MAX_SIMULATION_DAYS = 400;
export const MAX_SIMULATED_OCCURRENCES = 200;
const CAPPED_SAMPLE = 50;

export interface SimulatedOccurrence {
  campaignId: string;
  campaignName: string;
  periodKey: string;
  occurrenceAt: string;
  editionMissing: boolean;
  audience: number;
  deliveries: Record<string, number>;
  suppressions: Record<string, number>;
  capped: { count: number; clients: { id: string; name: string; caps: CapHit[] }[] };
}

class Rollback extends Error {}

/**
 * Plans every occurrence in a range exactly as the scheduler would — same planner, same SQL, in time
 * order, each occurrence seeing the ones before it — inside one transaction that is rolled back.
 */
@Injectable()
export class SimulationService {
  private readonly logger = new Logger('Simulation');

  constructor(
    private readonly dataSource: DataSource,
    private readonly planner: PlannerService,
    private readonly holidays: HolidayCalendarService,
    private readonly explainer: ExplainService,
  ) {}

  async simulate(from: Date, to: Date, campaignIds?: string[]): Promise<SimulatedOccurrence[]> {
    if (to.getTime() <= from.getTime()) {
      throw new ValidationException('to must be after from', [
        { field: 'to', messages: ['to must be after from'] },
      ]);
    }
    if (to.getTime() - from.getTime() > MAX_SIMULATION_DAYS * 86_400_000) {
      throw new ValidationException(`A simulation covers at most ${MAX_SIMULATION_DAYS} days`, [
        { field: 'to', messages: [`at most ${MAX_SIMULATION_DAYS} days after from`] },
      ]);
    }
    const campaigns = await this.campaigns(campaignIds);
    const calendar = await this.holidays.get();
    const occurrences = campaigns
      .flatMap((campaign) =>
        occurrencesWithKeys(campaign.schedule, campaign.timeZone, from, to, calendar).map((o) => ({
          campaign,
          ...o,
        })),
      )
      .sort((a, b) => a.at.getTime() - b.at.getTime());
    if (occurrences.length > MAX_SIMULATED_OCCURRENCES) {
      throw new ValidationException(
        `The range holds ${occurrences.length} occurrences; a simulation plans at most ${MAX_SIMULATED_OCCURRENCES}`,
        [{ field: 'to', messages: ['narrow the range or choose campaigns'] }],
      );
    }
    const results: SimulatedOccurrence[] = [];
    const started = Date.now();
    try {
      await this.dataSource.transaction(async (manager) => {
        for (const o of occurrences) {
          const run = await createSimulatedRun(manager, {
            campaignId: o.campaign.id,
            // Never collides with a real run of the same period.
            periodKey: `simulation:${o.periodKey}:${o.at.getTime()}`,
            occurrenceAt: o.at,
          });
          const planned = await this.planner.plan(run.id, { manager, now: o.at, lock: false });
          const [edition] = await manager.query(
            `SELECT 1 FROM editions WHERE campaign_id = $1 AND period_key = $2`,
            [o.campaign.id, o.periodKey],
          );
          const capped: {
            id: string;
            name: string;
            total: number;
            delivery_id: string;
            channel: string | null;
            scheduled_at: Date;
          }[] = await manager.query(
            `SELECT c.id, c.name, count(*) OVER ()::int AS total, d.id::text AS delivery_id, d.channel, d.scheduled_at
               FROM deliveries d JOIN clients c ON c.id = d.client_id
              WHERE d.run_id = $1 AND d.reason = ${sqlValue(DeliveryReason.FrequencyCap)} ORDER BY c.name, c.id LIMIT $2`,
            [run.id, CAPPED_SAMPLE],
          );
          const hits = await this.explainer.capHits(
            manager,
            capped.map((c) => ({
              id: c.delivery_id,
              clientId: c.id,
              channel: c.channel,
              scheduledAt: new Date(c.scheduled_at),
              plannedAt: new Date(Math.max(o.at.getTime(), started)),
            })),
          );
          results.push({
            campaignId: o.campaign.id,
            campaignName: o.campaign.name,
            periodKey: o.periodKey,
            occurrenceAt: o.at.toISOString(),
            editionMissing: o.campaign.requiresEdition && !edition,
            audience: planned.audience,
            deliveries: Object.fromEntries(
              Object.entries(planned.stats.byChannel ?? {}).map(([channel, byStatus]) => [
                channel,
                byStatus.queued ?? 0,
              ]),
            ),
            suppressions: planned.stats.byReason ?? {},
            capped: {
              count: capped[0]?.total ?? 0,
              clients: capped.map((c) => ({ id: c.id, name: c.name, caps: hits.get(c.delivery_id) ?? [] })),
            },
          });
        }
        throw new Rollback();
      });
    } catch (e) {
      if (!(e instanceof Rollback)) throw e;
    }
    this.logger.log(
      `Simulated ${occurrences.length} occurrences in ${Date.now() - started} ms (rolled back)`,
    );
    return results;
  }

  private async campaigns(ids?: string[]): Promise<Campaign[]> {
    const repo = this.dataSource.getRepository(Campaign);
    if (!ids?.length) return repo.find({ where: { status: CampaignStatus.Active }, order: { name: 'ASC' } });
    const found = await repo.find({ where: { id: In(ids) } });
    const missing = ids.filter((id) => !found.some((c) => c.id === id));
    if (missing.length) throw new NotFoundException('Campaign', missing.join(', '));
    return found;
  }
}
