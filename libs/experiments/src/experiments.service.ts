import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Campaign, CampaignChecksService, usedChannels } from '@touchbase/campaigns';
import { AppConfig } from '@touchbase/config';
import {
  Channel,
  ConflictException,
  FieldError,
  NotFoundException,
  ValidationException,
} from '@touchbase/core';
import {
  cancelHeldDeliveries,
  completeRunsIfDone,
  PENDING_RUN_STATUSES,
  releaseHeldDeliveries,
  Run,
  RunStatus,
} from '@touchbase/runs';
import { TemplateRenderer } from '@touchbase/templates';
import { ExperimentInputDto, ExperimentResultsDto } from './dto/experiment.dto';
import { ExperimentRun } from './entities/experiment-run.entity';
import { Experiment } from './entities/experiment.entity';
import { decide, VariantCounts } from './experiment-decision';
import {
  ExperimentDefinition,
  ExperimentRunStatus,
  ExperimentVariant,
  NotSignificantChoice,
  SIGNIFICANCE_LEVEL,
  VARIANT_KEYS,
} from './experiment.enums';
import { HELD_COUNT_SQL, NEXT_DUE_TEST_SQL, TEST_WINDOW_SQL, VARIANT_COUNTS_SQL } from './experiments.sql';

/** The shares of the variants may be off their sum of 1 by this much (thirds: 0.33 + 0.33 + 0.34). */
const SHARE_TOLERANCE = 0.001;

/** What the planner needs to put each client of a run in its variant, or in the held rest. */
export interface ExperimentPlan {
  runId: string;
  /** Hashed with the client id: a client's place is stable across re-planning of the run. */
  seed: string;
  testShare: number;
  keys: string[];
  /** The cumulative shares of the variants (the last one is 1). */
  bounds: number[];
  windowEndsAt: Date;
}

/** One decision made by the job. */
export interface DecidedRun {
  runId: string;
  winner: string;
  status: ExperimentRunStatus;
  restCount: number;
}

@Injectable()
export class ExperimentsService {
  private readonly logger = new Logger('Experiments');

  constructor(
    private readonly dataSource: DataSource,
    private readonly checks: CampaignChecksService,
    private readonly renderer: TemplateRenderer,
    private readonly config: AppConfig,
  ) {}

  async forCampaign(campaignId: string): Promise<Experiment> {
    await this.campaign(campaignId);
    const found = await this.dataSource.getRepository(Experiment).findOneBy({ campaignId });
    if (!found) throw new NotFoundException('Experiment of campaign', campaignId);
    return found;
  }

  /** Creates or replaces the campaign's A/B test; runs already planned keep the one they were planned with. */
  async defineForCampaign(
    campaignId: string,
    dto: ExperimentInputDto,
    staffId: string | null,
  ): Promise<Experiment> {
    const campaign = await this.campaign(campaignId);
    const definition = await this.validate(dto, campaign);
    return this.save({ campaignId }, definition, staffId);
  }

  async removeForCampaign(campaignId: string): Promise<void> {
    await this.campaign(campaignId);
    const [, count]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM experiments WHERE campaign_id = $1 RETURNING id`,
      [campaignId],
    );
    if (count === 0) throw new NotFoundException('Experiment of campaign', campaignId);
  }

  /** An A/B test of one run (over the campaign's, if any): only before the run is planned. */
  async defineForRun(runId: string, dto: ExperimentInputDto, staffId: string | null): Promise<Experiment> {
    const run = await this.dataSource.getRepository(Run).findOneBy({ id: runId });
    if (!run) throw new NotFoundException('Run', runId);
    if (!(PENDING_RUN_STATUSES as readonly RunStatus[]).includes(run.status)) {
      throw new ConflictException(`Run ${runId} is ${run.status}: an A/B test is set before it is planned`, {
        status: run.status,
      });
    }
    const definition = await this.validate(dto, await this.campaign(run.campaignId));
    return this.save({ runId }, definition, staffId);
  }

  private async save(
    owner: { campaignId: string } | { runId: string },
    definition: ExperimentDefinition,
    staffId: string | null,
  ): Promise<Experiment> {
    const repo = this.dataSource.getRepository(Experiment);
    const existing = await repo.findOneBy(owner);
    return repo.save(
      repo.create({
        ...(existing ?? {}),
        ...owner,
        ...definition,
        createdBy: existing?.createdBy ?? staffId,
      }),
    );
  }

  /**
   * Every rule of a definition, each broken one named: 2–5 variants keyed A, B, C… in order, shares
   * adding up to 1, a window shorter than the campaign's deadline (the rest still goes out in time),
   * templates of the campaign's channels that exist for that channel, subjects that compile.
   */
  async validate(dto: ExperimentInputDto, campaign: Campaign): Promise<ExperimentDefinition> {
    const problems: FieldError[] = [];
    const channels = usedChannels(campaign);
    dto.variants.forEach((v, i) => {
      if (v.key !== VARIANT_KEYS[i]) {
        problems.push({
          field: `variants.${i}.key`,
          messages: [`variant ${i + 1} must be ${VARIANT_KEYS[i]}`],
        });
      }
    });
    const sum = dto.variants.reduce((a, v) => a + v.share, 0);
    if (Math.abs(sum - 1) > SHARE_TOLERANCE) {
      problems.push({
        field: 'variants',
        messages: [`the variants' shares must add up to 1 (they add up to ${Number(sum.toFixed(4))})`],
      });
    }
    if (dto.testShare < 1 && dto.windowHours >= campaign.deadlineHours) {
      problems.push({
        field: 'windowHours',
        messages: [
          `the test window must be shorter than the campaign's deadline (${campaign.deadlineHours} hours), ` +
            'so that the rest of the audience still gets the winner in time',
        ],
      });
    }
    for (const [i, v] of dto.variants.entries()) {
      const templates = v.templates ?? {};
      for (const [channel, name] of Object.entries(templates)) {
        const field = `variants.${i}.templates.${channel}`;
        if (!channels.includes(channel as Channel)) {
          problems.push({
            field,
            messages: [`the campaign does not send by ${channel} (it uses ${channels.join(', ')})`],
          });
        } else if (typeof name !== 'string' || !name.trim()) {
          problems.push({ field, messages: ['must be the name of a template'] });
        }
      }
      const named = Object.fromEntries(
        Object.entries(templates).filter(
          ([ch, name]) => channels.includes(ch as Channel) && typeof name === 'string',
        ),
      );
      for (const p of await this.checks.referenceProblems({ templates: named }, this.dataSource.manager)) {
        problems.push({ ...p, field: `variants.${i}.${p.field}` });
      }
      for (const part of ['subjectRu', 'subjectEn'] as const) {
        const subject = v[part];
        if (!subject) continue;
        if (!channels.includes(Channel.Email)) {
          problems.push({ field: `variants.${i}.${part}`, messages: ['the campaign sends no email'] });
          continue;
        }
        try {
          this.renderer.check({ channel: Channel.Email, subject, body: '<p></p>' });
        } catch (e) {
          problems.push({ field: `variants.${i}.${part}`, messages: [(e as Error).message] });
        }
      }
    }
    if (problems.length) throw new ValidationException('The A/B test is not valid', problems);
    return {
      variants: dto.variants.map((v): ExperimentVariant => ({
        key: v.key,
        name: v.name,
        share: v.share,
        subjectRu: v.subjectRu ?? null,
        subjectEn: v.subjectEn ?? null,
        templates: v.templates ?? {},
      })),
      testShare: dto.testShare,
      metric: dto.metric,
      windowHours: dto.windowHours,
      sendWinnerToRest: dto.sendWinnerToRest ?? true,
      whenNotSignificant: dto.whenNotSignificant ?? NotSignificantChoice.Best,
    };
  }

  /**
   * The run's test when it is planned: the run's own experiment, else its campaign's, copied with its
   * window (from `plannedAt`) the first time; a run planned again keeps what it had. Null: no test.
   */
  async startForRun(run: Run, plannedAt: Date, manager: EntityManager): Promise<ExperimentPlan | null> {
    let current = await manager.getRepository(ExperimentRun).findOneBy({ runId: run.id });
    if (!current) {
      const repo = manager.getRepository(Experiment);
      const experiment =
        (await repo.findOneBy({ runId: run.id })) ?? (await repo.findOneBy({ campaignId: run.campaignId }));
      if (!experiment) return null;
      const definition: ExperimentDefinition = {
        variants: experiment.variants,
        testShare: experiment.testShare,
        metric: experiment.metric,
        windowHours: experiment.windowHours,
        sendWinnerToRest: experiment.sendWinnerToRest,
        whenNotSignificant: experiment.whenNotSignificant,
      };
      await manager.query(
        `INSERT INTO experiment_runs (run_id, experiment_id, definition, status, test_started_at, window_ends_at)
         VALUES ($1, $2, $3, $4, $5, $5::timestamptz + make_interval(hours => $6))
         ON CONFLICT (run_id) DO NOTHING`,
        [
          run.id,
          experiment.id,
          JSON.stringify(definition),
          ExperimentRunStatus.Testing,
          plannedAt,
          definition.windowHours,
        ],
      );
      current = await manager.getRepository(ExperimentRun).findOneByOrFail({ runId: run.id });
    }
    const { variants, testShare } = current.definition;
    let upTo = 0;
    const bounds = variants.map((v, i) => (i === variants.length - 1 ? 1 : (upTo += v.share)));
    return {
      runId: run.id,
      seed: run.id,
      testShare,
      keys: variants.map((v) => v.key),
      bounds,
      windowEndsAt: current.windowEndsAt,
    };
  }

  /** A variant of a run's test as it was planned (what the dispatcher renders). */
  async variantOf(runId: string, key: string): Promise<ExperimentVariant | null> {
    const run = await this.dataSource.getRepository(ExperimentRun).findOneBy({ runId });
    return run?.definition.variants.find((v) => v.key === key) ?? null;
  }

  /** A run's test: the figures so far while testing, the recorded ones once decided. */
  async results(runId: string): Promise<ExperimentResultsDto> {
    const found = await this.dataSource.getRepository(ExperimentRun).findOneBy({ runId });
    if (!found) throw new NotFoundException('A/B test of run', runId);
    let run = found;
    let unsent = 0;
    if (!run.decidedAt) {
      // While testing, the window as it stands: from the latest sending of a test delivery.
      const [w]: { unsent: number; ends_at: Date }[] = await this.dataSource.query(TEST_WINDOW_SQL, [runId]);
      run = { ...run, windowEndsAt: w.ends_at };
      unsent = w.unsent;
    }
    const live = run.decidedAt
      ? { figures: [], pValue: null }
      : decide(run.definition, await this.counts(this.dataSource.manager, run));
    const [{ n }] = await this.dataSource.query(HELD_COUNT_SQL, [runId]);
    return ExperimentResultsDto.from(
      run,
      live,
      n,
      unsent,
      SIGNIFICANCE_LEVEL,
      this.config.workspace.currency,
    );
  }

  /**
   * Decides every test whose window ended by `now`, one run per transaction. The window is counted
   * from the sending, not the planning: it ends the window's hours after the latest test delivery was
   * sent, and no test is decided while one of its test deliveries is still queued or being sent (a
   * test sent late, or slowly, gets its whole window). The run's row is taken with SKIP LOCKED (two
   * workers decide different runs; a worker dying mid-way rolls back and the next tick decides again),
   * its window's end is recorded, the figures are recorded, and the held rest is released with the
   * winner or cancelled — in the same transaction, so no delivery stays held behind a decided test.
   */
  async decideDue(now: Date = new Date()): Promise<DecidedRun[]> {
    const decided: DecidedRun[] = [];
    for (;;) {
      const one = await this.dataSource.transaction(async (m) => {
        const [row]: { run_id: string; ends_at: Date }[] = await m.query(NEXT_DUE_TEST_SQL, [
          ExperimentRunStatus.Testing,
          now,
        ]);
        if (!row) return null;
        await m.getRepository(ExperimentRun).update({ runId: row.run_id }, { windowEndsAt: row.ends_at });
        return this.decideRun(m, row.run_id);
      });
      if (!one) return decided;
      decided.push(one);
    }
  }

  private async decideRun(m: EntityManager, runId: string): Promise<DecidedRun> {
    const run = await m.getRepository(ExperimentRun).findOneByOrFail({ runId });
    const d = decide(run.definition, await this.counts(m, run));
    let status = ExperimentRunStatus.Decided;
    let restCount = 0;
    if (run.definition.testShare < 1) {
      if (run.definition.sendWinnerToRest) {
        restCount = await releaseHeldDeliveries(m, runId, d.winner);
        status = ExperimentRunStatus.RestSent;
        await m.query(
          `SELECT pg_notify('touchbase_dispatch', ch)
             FROM (SELECT DISTINCT channel AS ch FROM deliveries WHERE run_id = $1 AND channel IS NOT NULL) x`,
          [runId],
        );
      } else {
        restCount = await cancelHeldDeliveries(m, runId);
        status = ExperimentRunStatus.RestCancelled;
        await completeRunsIfDone(m, [runId]);
      }
    }
    await m.getRepository(ExperimentRun).update(
      { runId },
      {
        status,
        winner: d.winner,
        winnerBasis: d.basis,
        pValue: d.pValue,
        results: d.figures,
        restCount,
        decidedAt: new Date(),
      },
    );
    this.logger.log(
      `A/B test of run ${runId}: ${d.winner} wins (${d.basis}, p = ${d.pValue ?? 'n/a'}); ` +
        `${restCount} of the rest ${status === ExperimentRunStatus.RestSent ? 'released' : 'cancelled'}`,
    );
    return { runId, winner: d.winner, status, restCount };
  }

  private async counts(m: EntityManager, run: ExperimentRun): Promise<VariantCounts[]> {
    const rows: (Omit<VariantCounts, 'revenueVariance'> & { revenue_variance: number | null })[] =
      await m.query(VARIANT_COUNTS_SQL, [run.runId, run.windowEndsAt]);
    return rows.map((r) => ({
      key: r.key,
      assigned: r.assigned,
      reached: r.reached,
      clicked: r.clicked,
      buyers: r.buyers,
      revenue: Number(r.revenue),
      revenueVariance: r.revenue_variance === null ? null : Number(r.revenue_variance),
    }));
  }

  private async campaign(id: string): Promise<Campaign> {
    const campaign = await this.dataSource.getRepository(Campaign).findOneBy({ id });
    if (!campaign) throw new NotFoundException('Campaign', id);
    return campaign;
  }
}
