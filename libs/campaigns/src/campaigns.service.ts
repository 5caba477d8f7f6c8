import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { AppConfig } from '@touchbase/config';
import { findByIdOrFail } from '@touchbase/database';
import {
  isUuid,
  Channel,
  CHANNELS,
  ConflictException,
  decodeCursor,
  encodeCursor,
  FieldError,
  Page,
  ValidationException,
} from '@touchbase/core';
import { CampaignStatus, Priority } from './campaign.enums';
import { CampaignArchiveHooks } from './campaign-archive.hooks';
import { CampaignChecksService, ReadinessOptions } from './campaign-checks.service';
import { applyKindDefaults, campaignShapeProblems, CampaignShape, TEMPLATE_NAME } from './campaign-rules';
import { CreateCampaignDto, ListCampaignsQueryDto, UpdateCampaignDto } from './dto/campaign.dto';
import { Campaign, CampaignTemplates } from './entities/campaign.entity';
import { checkSchedule } from './schedule';

const DEFAULT_PAGE = 50;

/** Campaign CRUD and lifecycle: draft → active ⇄ paused → archived. */
@Injectable()
export class CampaignsService {
  private readonly logger = new Logger('Campaigns');

  constructor(
    @InjectRepository(Campaign) private readonly campaigns: Repository<Campaign>,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly checks: CampaignChecksService,
    private readonly archiveHooks: CampaignArchiveHooks,
  ) {}

  async list(query: ListCampaignsQueryDto): Promise<Page<Campaign>> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const qb = this.campaigns.createQueryBuilder('c');
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    else qb.andWhere(`c.status <> 'archived'`);
    if (query.kind) qb.andWhere('c.kind = :kind', { kind: query.kind });
    if (query.cursor) {
      const [name, id] = decodeCursor(query.cursor, 2);
      if (typeof name !== 'string' || typeof id !== 'string' || !isUuid(id)) {
        throw new ValidationException('The cursor is invalid; use nextCursor from the previous page', [
          { field: 'cursor', messages: ['cursor is not a cursor this list returned'] },
        ]);
      }
      qb.andWhere('(lower(c.name), c.id) > (:name, :id)', { name, id });
    }
    const rows = await qb
      .orderBy('lower(c.name)', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .limit(limit + 1)
      .getMany();
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > limit && last ? encodeCursor([last.name.toLowerCase(), last.id]) : null,
    };
  }

  async get(id: string, manager?: EntityManager): Promise<Campaign> {
    return findByIdOrFail(manager ?? this.dataSource.manager, Campaign, 'Campaign', id);
  }

  async create(dto: CreateCampaignDto, actorId?: string): Promise<Campaign> {
    return this.dataSource.transaction(async (manager) => {
      const given = applyKindDefaults({ ...dto });
      const shape: CampaignShape = {
        kind: given.kind,
        topicKey: given.topicKey,
        channels: given.channels,
        channelRules: given.channelRules ?? [],
        templates: given.templates ?? {},
        priority: given.priority ?? Priority.Normal,
        schedule: given.schedule,
        timeZone: given.timeZone ?? this.config.workspace.timeZone,
        signerId: given.signerId ?? null,
        holdoutShare: given.holdoutShare ?? 0,
      };
      await this.assertValid(shape, given, manager);
      await this.assertNameFree(given.name, undefined, manager);
      const repo = manager.getRepository(Campaign);
      const saved = await repo.save(
        repo.create({
          ...shape,
          topicKey: shape.topicKey!, // checked above
          schedule: checkSchedule(shape.schedule).spec!,
          name: given.name,
          description: given.description ?? '',
          status: CampaignStatus.Draft,
          segmentId: given.segmentId ?? null,
          deadlineHours: given.deadlineHours ?? 72,
          graceHours: given.graceHours ?? 24,
          requiresEdition: given.requiresEdition ?? false,
          clickTracking: given.clickTracking ?? true,
          openTracking: given.openTracking ?? false,
          fromAddress: given.fromAddress ?? null,
          createdBy: actorId ?? null,
        }),
      );
      this.logger.log(`Created campaign '${saved.name}' (${saved.kind})`);
      return this.get(saved.id, manager);
    });
  }

  async update(id: string, dto: UpdateCampaignDto): Promise<Campaign> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.lock(id, manager);
      if (campaign.status === CampaignStatus.Archived) {
        throw new ConflictException('An archived campaign cannot be changed', { status: campaign.status });
      }
      const defined = Object.fromEntries(
        Object.entries(dto).filter(([, v]) => v !== undefined),
      ) as UpdateCampaignDto;
      // A new kind brings its fixed topic and priority unless they are given too.
      const given = dto.kind && dto.kind !== campaign.kind ? applyKindDefaults(defined) : defined;
      const merged: Campaign = Object.assign(Object.create(Campaign.prototype) as Campaign, campaign, given);
      await this.assertValid(merged, given, manager);
      if (given.name !== undefined && given.name !== campaign.name) {
        await this.assertNameFree(given.name, id, manager);
      }
      if (given.schedule !== undefined) merged.schedule = checkSchedule(given.schedule).spec!;
      // An active campaign must stay able to run; pause it to make it incomplete.
      if (campaign.status === CampaignStatus.Active)
        await this.assertCanRun(merged, manager, 'changed while active');
      const { id: _id, createdAt: _c, updatedAt: _u, ...changes } = merged;
      await manager.getRepository(Campaign).update({ id }, changes);
      return this.get(id, manager);
    });
  }

  /**
   * Starts the schedule: from now on its occurrences run. Occurrences before activation never run
   * and are never marked missed, so a resumed campaign does not send what fell due while paused.
   */
  async activate(
    id: string,
    now = new Date(),
    options: { confirmUnsigned?: boolean } = {},
  ): Promise<{ campaign: Campaign; warnings: string[] }> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.lock(id, manager);
      if (campaign.status === CampaignStatus.Archived) {
        throw new ConflictException('An archived campaign cannot be activated', { status: campaign.status });
      }
      const warnings = await this.warnings(campaign, manager);
      if (campaign.status === CampaignStatus.Active) return { campaign, warnings };
      await this.assertCanRun(campaign, manager, 'activated', {
        requireUpcoming: true,
        now,
        confirmUnsigned: options.confirmUnsigned ?? false,
      });
      await manager
        .getRepository(Campaign)
        .update({ id }, { status: CampaignStatus.Active, activatedAt: now });
      this.logger.log(
        `Activated campaign '${campaign.name}'${warnings.length ? ` (${warnings.join('; ')})` : ''}`,
      );
      return { campaign: await this.get(id, manager), warnings };
    });
  }

  /** What a marketer should know before the campaign runs, though it can run (letters unsigned). */
  async warnings(campaign: Campaign, manager: EntityManager): Promise<string[]> {
    const unsigned = await this.checks.unsignedLettersWarning(campaign, manager);
    return unsigned ? [unsigned] : [];
  }

  async pause(id: string): Promise<Campaign> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.lock(id, manager);
      if (campaign.status === CampaignStatus.Paused) return campaign;
      if (campaign.status !== CampaignStatus.Active) {
        throw new ConflictException(`Only an active campaign can be paused; this one is ${campaign.status}`, {
          status: campaign.status,
        });
      }
      await manager.getRepository(Campaign).update({ id }, { status: CampaignStatus.Paused });
      this.logger.log(`Paused campaign '${campaign.name}'`);
      return this.get(id, manager);
    });
  }

  /** Soft delete: archived campaigns never run; their runs not yet planned are cancelled. */
  async archive(id: string): Promise<Campaign> {
    return this.dataSource.transaction(async (manager) => {
      const campaign = await this.lock(id, manager);
      if (campaign.status === CampaignStatus.Archived) return campaign;
      await manager.getRepository(Campaign).update({ id }, { status: CampaignStatus.Archived });
      // Its runs not yet planned are cancelled by runs (a registered hook).
      const { runs: cancelled = 0 } = await this.archiveHooks.run(manager, id);
      this.logger.log(`Archived campaign '${campaign.name}' (${cancelled} pending runs cancelled)`);
      return this.get(id, manager);
    });
  }

  /** Hard delete, for a campaign that never ran (its editions go with it). */
  async remove(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const campaign = await this.lock(id, manager);
      const [{ n }]: { n: number }[] = await manager.query(
        `SELECT count(*)::int AS n FROM runs WHERE campaign_id = $1`,
        [id],
      );
      if (n > 0) {
        throw new ConflictException(`The campaign has ${n} runs and cannot be deleted; archive it instead`, {
          runs: n,
        });
      }
      if (campaign.playbookKey) {
        throw new ConflictException(
          'A playbook program would be proposed again at the next start if deleted; archive it instead',
          { playbookKey: campaign.playbookKey },
        );
      }
      await manager.getRepository(Campaign).delete({ id });
      this.logger.log(`Deleted campaign '${campaign.name}'`);
    });
  }

  /** 409 when the campaign cannot run as it stands (templates, signer, and for activation a future occurrence). */
  async assertCanRun(
    campaign: Campaign,
    manager: EntityManager,
    what = 'run',
    options: ReadinessOptions = {},
  ): Promise<void> {
    const problems = await this.checks.readinessProblems(campaign, manager, options);
    if (problems.length > 0) {
      throw new ConflictException(
        `The campaign cannot be ${what}: ${problems.map((p) => p.field).join(', ')}`,
        problems,
      );
    }
  }

  private async lock(id: string, manager: EntityManager): Promise<Campaign> {
    return findByIdOrFail(manager, Campaign, 'Campaign', id, { lock: true });
  }

  /** 400 with every problem at once: the rules of the merged campaign, and what the given fields name. */
  private async assertValid(
    shape: CampaignShape,
    given: {
      segmentId?: string | null;
      topicKey?: string;
      templates?: CampaignTemplates;
      signerId?: string | null;
    },
    manager: EntityManager,
  ): Promise<void> {
    const problems: FieldError[] = campaignShapeProblems(shape);
    const named = (field: string) =>
      problems.some((p) => p.field === field || p.field.startsWith(`${field}.`));
    const references = await this.checks.referenceProblems(
      {
        segmentId: given.segmentId,
        topicKey: named('topicKey') ? undefined : given.topicKey,
        // Only well-formed entries are looked up; the others already have a problem.
        templates: given.templates && wellFormedTemplates(given.templates),
        signerId: given.signerId,
      },
      manager,
    );
    problems.push(...references);
    if (problems.length > 0) {
      throw new ValidationException(
        `The campaign is invalid: ${problems.map((p) => p.field).join(', ')}`,
        problems,
      );
    }
  }

  private async assertNameFree(
    name: string,
    exceptId: string | undefined,
    manager: EntityManager,
  ): Promise<void> {
    const [other]: { id: string; name: string; status: string }[] = await manager.query(
      `SELECT id, name, status FROM campaigns WHERE lower(name) = lower($1)`,
      [name],
    );
    if (other && other.id !== exceptId) {
      const archived = other.status === CampaignStatus.Archived ? ' (archived)' : '';
      throw new ConflictException(`A campaign named "${other.name}" already exists${archived}`, {
        field: 'name',
        campaignId: other.id,
      });
    }
  }
}

function wellFormedTemplates(templates: CampaignTemplates): CampaignTemplates {
  return Object.fromEntries(
    Object.entries(templates).filter(
      ([channel, name]) =>
        CHANNELS.includes(channel as Channel) && typeof name === 'string' && TEMPLATE_NAME.test(name),
    ),
  );
}
