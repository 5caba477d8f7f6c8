import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  ConflictException,
  decodeCursor,
  encodeCursor,
  FieldError,
  NotFoundException,
  Page,
  ValidationException,
} from '@touchbase/core';
import { CampaignStatus } from './campaign.enums';
import { CampaignsService } from './campaigns.service';
import { PutEditionDto } from './dto/edition.dto';
import { Campaign } from './entities/campaign.entity';
import { Edition, EditionBlock } from './entities/edition.entity';
import { currentPeriodKey, isPeriodKeyOf, nextOccurrences, periodKey } from './schedule';

const DEFAULT_PAGE = 50;
// Once its run has started planning, an edition is what clients get: it no longer changes.
const LOCKING_RUN_STATUSES = ['planning', 'dispatching', 'completed'];

/** The content of one occurrence of a campaign, keyed by its period key. */
@Injectable()
export class EditionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
  ) {}

  async list(campaignId: string, limit = DEFAULT_PAGE, cursor?: string): Promise<Page<Edition>> {
    await this.campaigns.get(campaignId);
    const qb = this.dataSource
      .getRepository(Edition)
      .createQueryBuilder('e')
      .where('e.campaign_id = :campaignId', { campaignId });
    if (cursor) {
      const [key] = decodeCursor(cursor, 1);
      qb.andWhere('e.period_key < :key', { key: String(key) });
    }
    const rows = await qb
      .orderBy('e.period_key', 'DESC')
      .limit(limit + 1)
      .getMany();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.periodKey]) : null };
  }

  async get(campaignId: string, key: string, manager?: EntityManager): Promise<Edition> {
    await this.campaigns.get(campaignId, manager);
    const edition = await (manager ?? this.dataSource.manager)
      .getRepository(Edition)
      .findOneBy({ campaignId, periodKey: key });
    if (!edition) throw new NotFoundException('Edition', `${key} of campaign ${campaignId}`);
    return edition;
  }

  /** Whether an edition exists for the period (the scheduler and run-now ask). */
  async exists(campaignId: string, key: string, manager?: EntityManager): Promise<boolean> {
    const [row] = await (manager ?? this.dataSource.manager).query(
      `SELECT 1 FROM editions WHERE campaign_id = $1 AND period_key = $2`,
      [campaignId, key],
    );
    return !!row;
  }

  /** Creates or replaces the edition of a period; `created` tells which. */
  async put(
    campaignId: string,
    key: string,
    dto: PutEditionDto,
    actorId?: string,
  ): Promise<{ edition: Edition; created: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.writable(campaignId, key, manager);
      const problems = contentProblems(dto);
      if (problems.length > 0) {
        throw new ValidationException(
          `The edition is invalid: ${problems.map((p) => p.field).join(', ')}`,
          problems,
        );
      }
      await this.assertRunAllows(campaign, key, 'changed', manager);
      const blocks: EditionBlock[] = dto.blocks.map((b) => ({
        type: b.type,
        ...(b.ru !== undefined && { ru: b.ru }),
        ...(b.en !== undefined && { en: b.en }),
        ...(b.url !== undefined && { url: b.url }),
      }));
      const [row]: { id: string; inserted: boolean }[] = await manager.query(
        `INSERT INTO editions (campaign_id, period_key, subject_ru, subject_en, blocks, created_by)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6)
         ON CONFLICT (campaign_id, period_key) DO UPDATE
            SET subject_ru = EXCLUDED.subject_ru, subject_en = EXCLUDED.subject_en,
                blocks = EXCLUDED.blocks, updated_at = now()
         RETURNING id, (xmax = 0) AS inserted`,
        [
          campaignId,
          key,
          dto.subjectRu ?? null,
          dto.subjectEn ?? null,
          JSON.stringify(blocks),
          actorId ?? null,
        ],
      );
      const edition = await manager.getRepository(Edition).findOneByOrFail({ id: row.id });
      return { edition, created: row.inserted };
    });
  }

  async remove(campaignId: string, key: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const campaign = await this.campaigns.get(campaignId, manager);
      await this.get(campaignId, key, manager);
      // A planned run would go out without its content.
      await this.assertRunAllows(campaign, key, 'deleted', manager, ['planned', ...LOCKING_RUN_STATUSES]);
      await manager.getRepository(Edition).delete({ campaignId, periodKey: key });
    });
  }

  /** The campaign, if an edition for `key` may be written: not archived, and a period of its schedule. */
  private async writable(campaignId: string, key: string, manager: EntityManager): Promise<Campaign> {
    const campaign = await this.campaigns.get(campaignId, manager);
    if (campaign.status === CampaignStatus.Archived) {
      throw new ConflictException('An archived campaign takes no editions', { status: campaign.status });
    }
    if (!isPeriodKeyOf(campaign.schedule, campaign.timeZone, key)) {
      throw new ValidationException(`"${key}" is not a period of this campaign's schedule`, [
        { field: 'periodKey', messages: [periodKeyHint(campaign, key)] },
      ]);
    }
    return campaign;
  }

  private async assertRunAllows(
    campaign: Campaign,
    key: string,
    what: string,
    manager: EntityManager,
    blocking = LOCKING_RUN_STATUSES,
  ): Promise<void> {
    const [run]: { id: string; status: string }[] = await manager.query(
      `SELECT id, status FROM runs WHERE campaign_id = $1 AND period_key = $2`,
      [campaign.id, key],
    );
    if (run && blocking.includes(run.status)) {
      throw new ConflictException(`The edition of ${key} cannot be ${what}: its run is ${run.status}`, {
        runId: run.id,
        runStatus: run.status,
      });
    }
  }
}

/** What a period key of the campaign looks like, with an example. */
function periodKeyHint(campaign: Campaign, key: string): string {
  const { schedule, timeZone } = campaign;
  const example = currentPeriodKey(schedule, timeZone, new Date());
  switch (schedule.type) {
    case 'monthly':
      return `periodKey of a monthly campaign is YYYY-MM, e.g. ${example}; got ${key}`;
    case 'quarterly':
      return `periodKey of a quarterly campaign is YYYY-Qn, e.g. ${example}; got ${key}`;
    case 'once':
      return `periodKey of this one-off campaign is ${example}; got ${key}`;
    case 'rrule': {
      const [next] = nextOccurrences(schedule, timeZone, new Date(), 1);
      const hint = next ? `, e.g. ${periodKey(schedule, next, timeZone)}` : '';
      return `periodKey is the local time of an occurrence, YYYY-MM-DDTHH:MM in ${timeZone}${hint}; ${key} is none`;
    }
  }
}

/** Each block has what its type needs; an edition has some content. */
function contentProblems(dto: PutEditionDto): FieldError[] {
  const problems: FieldError[] = [];
  dto.blocks.forEach((b, i) => {
    const text = [b.ru, b.en].some((t) => typeof t === 'string' && t.trim() !== '');
    if ((b.type === 'link' || b.type === 'image') && !b.url) {
      problems.push({ field: `blocks[${i}].url`, messages: [`a ${b.type} block needs a url`] });
    }
    if (b.type !== 'image' && !text) {
      problems.push({ field: `blocks[${i}]`, messages: [`a ${b.type} block needs text in ru or en`] });
    }
    if ((b.type === 'heading' || b.type === 'paragraph') && b.url !== undefined) {
      problems.push({
        field: `blocks[${i}].url`,
        messages: [`a ${b.type} block has no url; use a link block`],
      });
    }
  });
  if (dto.blocks.length === 0 && !dto.subjectRu && !dto.subjectEn) {
    problems.push({ field: 'blocks', messages: ['an edition needs a subject or at least one block'] });
  }
  return problems;
}
