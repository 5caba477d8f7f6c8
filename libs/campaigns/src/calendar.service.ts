import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { FieldError, ValidationException } from '@touchbase/core';
import { CampaignStatus } from './campaign.enums';
import { CalendarDto, CalendarItemDto, CalendarQueryDto } from './dto/calendar.dto';
import { Campaign } from './entities/campaign.entity';
import { HolidayCalendarService } from './holiday-calendar.service';
import { Occurrence, occurrencesWithKeys } from './schedule';

export const MAX_CALENDAR_DAYS = 400;
export const MAX_CALENDAR_ITEMS = 10_000;
const DEFAULT_DAYS = 31;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Every occurrence of the active and paused campaigns in a range, with its edition and run. */
@Injectable()
export class CalendarService {
  private readonly logger = new Logger('Calendar');

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly holidays: HolidayCalendarService,
  ) {}

  async list(query: CalendarQueryDto, now = new Date()): Promise<CalendarDto> {
    const { from, to } = this.range(query, now);
    const qb = this.dataSource
      .getRepository(Campaign)
      .createQueryBuilder('c')
      .leftJoin('segments', 's', 's.id = c.segment_id')
      .addSelect('s.name', 'segment_name')
      .where('c.status IN (:...statuses)', { statuses: [CampaignStatus.Active, CampaignStatus.Paused] });
    if (query.campaignId) qb.andWhere('c.id = :id', { id: query.campaignId });
    const { entities, raw } = await qb.getRawAndEntities<{ segment_name: string | null }>();

    const calendar = await this.holidays.get();
    const items: CalendarItemDto[] = [];
    entities.forEach((c, i) => {
      let found: Occurrence[] = [];
      try {
        found = occurrencesWithKeys(c.schedule, c.timeZone, from, to, calendar);
      } catch (e) {
        // One broken schedule must not hide the others.
        this.logger.error(
          `Campaign '${c.name}' (${c.id}) has a schedule that cannot be evaluated: ${(e as Error).message}`,
        );
      }
      for (const o of found) {
        items.push({
          campaignId: c.id,
          campaignName: c.name,
          campaignKind: c.kind,
          campaignStatus: c.status,
          segmentId: c.segmentId,
          segmentName: raw[i].segment_name,
          periodKey: o.periodKey,
          occurrenceAt: o.at.toISOString(),
          localTime: o.local,
          timeZone: c.timeZone,
          editionStatus: c.requiresEdition ? 'missing' : 'not-required',
          runId: null,
          runStatus: null,
        });
      }
      if (items.length > MAX_CALENDAR_ITEMS) {
        throw new ValidationException(
          `The range holds more than ${MAX_CALENDAR_ITEMS} occurrences; narrow it`,
          [{ field: 'to', messages: [`the range holds more than ${MAX_CALENDAR_ITEMS} occurrences`] }],
        );
      }
    });
    await this.attachEditionsAndRuns(items);
    items.sort(
      (a, b) => a.occurrenceAt.localeCompare(b.occurrenceAt) || a.campaignName.localeCompare(b.campaignName),
    );
    return { from: from.toISOString(), to: to.toISOString(), items };
  }

  private async attachEditionsAndRuns(items: CalendarItemDto[]): Promise<void> {
    if (items.length === 0) return;
    const params = [items.map((i) => i.campaignId), items.map((i) => i.periodKey)];
    const keyOf = (campaignId: string, periodKey: string) => `${campaignId}|${periodKey}`;
    const [editions, runs]: [
      { campaign_id: string; period_key: string }[],
      { campaign_id: string; period_key: string; id: string; status: string }[],
    ] = await Promise.all([
      this.dataSource.query(
        `SELECT e.campaign_id, e.period_key
           FROM editions e JOIN unnest($1::uuid[], $2::text[]) k(campaign_id, period_key) USING (campaign_id, period_key)`,
        params,
      ),
      this.dataSource.query(
        `SELECT r.campaign_id, r.period_key, r.id, r.status
           FROM runs r JOIN unnest($1::uuid[], $2::text[]) k(campaign_id, period_key) USING (campaign_id, period_key)`,
        params,
      ),
    ]);
    const withEdition = new Set(editions.map((e) => keyOf(e.campaign_id, e.period_key)));
    const runOf = new Map(runs.map((r) => [keyOf(r.campaign_id, r.period_key), r]));
    for (const item of items) {
      const key = keyOf(item.campaignId, item.periodKey);
      if (withEdition.has(key)) item.editionStatus = 'ready';
      const run = runOf.get(key);
      if (run) {
        item.runId = run.id;
        item.runStatus = run.status;
      }
    }
  }

  /** [from, to]: dates are whole days in the workspace zone; at most MAX_CALENDAR_DAYS long. */
  private range(query: CalendarQueryDto, now: Date): { from: Date; to: Date } {
    const zone = this.config.workspace.timeZone;
    const problems: FieldError[] = [];
    const parse = (field: 'from' | 'to', value: string, endOfDay: boolean): DateTime | null => {
      const dt = DateTime.fromISO(value, { zone });
      if (!dt.isValid) {
        problems.push({ field, messages: [`${field} must be an ISO date (2026-11-01) or date-time`] });
        return null;
      }
      return endOfDay && DATE_ONLY.test(value) ? dt.endOf('day') : dt;
    };
    const from = query.from
      ? parse('from', query.from, false)
      : DateTime.fromJSDate(now, { zone }).startOf('day');
    const to = query.to ? parse('to', query.to, true) : from?.plus({ days: DEFAULT_DAYS });
    if (from && to) {
      if (to < from) problems.push({ field: 'to', messages: ['to must not be before from'] });
      else if (to.diff(from, 'days').days > MAX_CALENDAR_DAYS) {
        problems.push({ field: 'to', messages: [`the range may span at most ${MAX_CALENDAR_DAYS} days`] });
      }
    }
    if (problems.length > 0 || !from || !to) {
      throw new ValidationException(
        `The range is invalid: ${problems.map((p) => p.field).join(', ')}`,
        problems,
      );
    }
    return { from: from.toJSDate(), to: to.toJSDate() };
  }
}
