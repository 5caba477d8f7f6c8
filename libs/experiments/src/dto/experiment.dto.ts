import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Channel } from '@touchbase/core';
import { IsOmittable } from '@touchbase/http';
import { ExperimentRun, VariantFigures } from '../entities/experiment-run.entity';
import { Experiment } from '../entities/experiment.entity';
import {
  ExperimentMetric,
  ExperimentRunStatus,
  ExperimentVariant,
  MAX_VARIANTS,
  MIN_VARIANTS,
  NotSignificantChoice,
  VARIANT_KEYS,
  WinnerBasis,
} from '../experiment.enums';

const emptyToNull = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? null : value.trim()) : value;

const TEMPLATES_PROPERTY = {
  type: 'object',
  additionalProperties: { type: 'string' },
  example: { email: 'spring-sale-b' },
  description:
    "channel → template name instead of the campaign's; the template must exist for that channel (any locale) " +
    'and the campaign must use the channel',
} as const;

export class ExperimentVariantDto {
  @ApiProperty({ enum: VARIANT_KEYS, example: 'A', description: 'A, B, C… in order' })
  @IsIn(VARIANT_KEYS, { message: `key must be one of ${VARIANT_KEYS.join(', ')}` })
  key!: string;

  @ApiProperty({ example: 'Short subject', maxLength: 80 })
  @IsString()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(80)
  name!: string;

  @ApiProperty({ example: 0.5, description: "The variant's share of the test part; the shares add up to 1" })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(1)
  share!: number;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    maxLength: 300,
    description: "Email subject in Russian instead of the template's (handlebars, like a template's subject)",
  })
  @IsOptional()
  @Transform(emptyToNull)
  @IsString()
  @MaxLength(300)
  subjectRu?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 300, description: 'The same, in English' })
  @IsOptional()
  @Transform(emptyToNull)
  @IsString()
  @MaxLength(300)
  subjectEn?: string | null;

  @ApiPropertyOptional(TEMPLATES_PROPERTY)
  @IsOmittable()
  @IsObject()
  templates?: Partial<Record<Channel, string>>;
}

/** An A/B test's definition, for a campaign (each of its runs) or for one run not planned yet. */
export class ExperimentInputDto {
  @ApiProperty({ type: [ExperimentVariantDto], minItems: MIN_VARIANTS, maxItems: MAX_VARIANTS })
  @IsArray()
  @ArrayMinSize(MIN_VARIANTS, { message: `variants must have ${MIN_VARIANTS} to ${MAX_VARIANTS} items` })
  @ArrayMaxSize(MAX_VARIANTS, { message: `variants must have ${MIN_VARIANTS} to ${MAX_VARIANTS} items` })
  @ValidateNested({ each: true })
  @Type(() => ExperimentVariantDto)
  variants!: ExperimentVariantDto[];

  @ApiProperty({
    example: 0.2,
    description: 'The share of the audience in the test (0.01–1); 1 is a plain split with no winner stage',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(1)
  testShare!: number;

  @ApiProperty({
    enum: ExperimentMetric,
    description:
      'clicks: the share of reached deliveries clicked within the window; revenue: purchases per reached ' +
      'client after the touch, up to the window’s end',
  })
  @IsEnum(ExperimentMetric, {
    message: `metric must be one of ${Object.values(ExperimentMetric).join(', ')}`,
  })
  metric!: ExperimentMetric;

  @ApiProperty({
    example: 24,
    minimum: 1,
    maximum: 336,
    description: "Hours from planning to the decision; shorter than the campaign's deadline",
  })
  @IsInt()
  @Min(1)
  @Max(336)
  windowHours!: number;

  @ApiPropertyOptional({
    default: true,
    description: 'After the window the rest of the audience gets the winner',
  })
  @IsOptional()
  @IsBoolean()
  sendWinnerToRest?: boolean;

  @ApiPropertyOptional({
    enum: NotSignificantChoice,
    default: NotSignificantChoice.Best,
    description: 'When the best is not significantly better: still the best, or the first variant',
  })
  @IsOptional()
  @IsEnum(NotSignificantChoice, {
    message: `whenNotSignificant must be one of ${Object.values(NotSignificantChoice).join(', ')}`,
  })
  whenNotSignificant?: NotSignificantChoice;
}

export class ExperimentVariantOutDto implements ExperimentVariant {
  @ApiProperty({ enum: VARIANT_KEYS }) key!: string;
  @ApiProperty() name!: string;
  @ApiProperty() share!: number;
  @ApiProperty({ type: String, nullable: true }) subjectRu!: string | null;
  @ApiProperty({ type: String, nullable: true }) subjectEn!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  templates!: Partial<Record<Channel, string>>;
}

export class ExperimentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) campaignId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) runId!: string | null;
  @ApiProperty({ type: [ExperimentVariantOutDto] }) variants!: ExperimentVariantOutDto[];
  @ApiProperty() testShare!: number;
  @ApiProperty({ enum: ExperimentMetric }) metric!: ExperimentMetric;
  @ApiProperty() windowHours!: number;
  @ApiProperty() sendWinnerToRest!: boolean;
  @ApiProperty({ enum: NotSignificantChoice }) whenNotSignificant!: NotSignificantChoice;
  @ApiProperty() updatedAt!: Date;

  static from(e: Experiment): ExperimentDto {
    return {
      id: e.id,
      campaignId: e.campaignId,
      runId: e.runId,
      variants: e.variants,
      testShare: e.testShare,
      metric: e.metric,
      windowHours: e.windowHours,
      sendWinnerToRest: e.sendWinnerToRest,
      whenNotSignificant: e.whenNotSignificant,
      updatedAt: e.updatedAt,
    };
  }
}

export class VariantResultDto implements VariantFigures {
  @ApiProperty({ enum: VARIANT_KEYS }) key!: string;
  @ApiProperty() name!: string;
  @ApiProperty() share!: number;
  @ApiProperty({ description: 'Deliveries of the variant in the test part' }) assigned!: number;
  @ApiProperty({ description: 'Of those, sent or delivered' }) reached!: number;
  @ApiProperty({ description: 'Reached deliveries clicked before the window’s end' }) clicked!: number;
  @ApiProperty({ type: Number, nullable: true }) clickRate!: number | null;
  @ApiProperty({ description: 'Reached clients who bought after their touch, before the window’s end' })
  buyers!: number;
  @ApiProperty() revenue!: number;
  @ApiProperty({ type: Number, nullable: true }) revenuePerClient!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Against the best variant (null for the best)' })
  pValue!: number | null;
}

/** One run's test: figures per variant (live while testing, as decided afterwards) and the decision. */
export class ExperimentResultsDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ enum: ExperimentRunStatus }) status!: ExperimentRunStatus;
  @ApiProperty({ enum: ExperimentMetric }) metric!: ExperimentMetric;
  @ApiProperty() testShare!: number;
  @ApiProperty() windowHours!: number;
  @ApiProperty() sendWinnerToRest!: boolean;
  @ApiProperty({ enum: NotSignificantChoice }) whenNotSignificant!: NotSignificantChoice;
  @ApiProperty() testStartedAt!: Date;
  @ApiProperty({
    description:
      'When the test window ends: the window’s hours after the last test delivery was sent (until then, planned from the planning)',
  })
  windowEndsAt!: Date;
  @ApiProperty({ type: Date, nullable: true }) decidedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true, enum: VARIANT_KEYS }) winner!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: WinnerBasis }) winnerBasis!: WinnerBasis | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The best variant against the runner-up' })
  pValue!: number | null;
  @ApiProperty({ description: 'The p-value is under the significance level' }) significant!: boolean;
  @ApiProperty() significanceLevel!: number;
  @ApiProperty({ description: 'Deliveries of the rest still waiting for the winner' }) held!: number;
  @ApiProperty({
    description:
      'Test deliveries not sent yet (queued or being sent): the window runs from the last one’s sending',
  })
  testUnsent!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The rest released with the winner, or cancelled',
  })
  restCount!: number | null;
  @ApiProperty({ example: 'RUB', description: 'ISO 4217: the currency of the revenue figures' })
  currency!: string;
  @ApiProperty({ type: [VariantResultDto] }) variants!: VariantResultDto[];

  static from(
    run: ExperimentRun,
    live: { figures: VariantFigures[]; pValue: number | null },
    held: number,
    testUnsent: number,
    significanceLevel: number,
    currency: string,
  ): ExperimentResultsDto {
    const d = run.definition;
    const figures = new Map((run.results ?? live.figures).map((f) => [f.key, f]));
    const pValue = run.decidedAt ? run.pValue : live.pValue;
    return {
      runId: run.runId,
      status: run.status,
      metric: d.metric,
      testShare: d.testShare,
      windowHours: d.windowHours,
      sendWinnerToRest: d.sendWinnerToRest,
      whenNotSignificant: d.whenNotSignificant,
      testStartedAt: run.testStartedAt,
      windowEndsAt: run.windowEndsAt,
      decidedAt: run.decidedAt,
      winner: run.winner,
      winnerBasis: run.winnerBasis,
      pValue,
      significant: pValue !== null && pValue < significanceLevel,
      significanceLevel,
      held,
      testUnsent,
      restCount: run.restCount,
      currency,
      variants: d.variants.map((v) => ({ ...figures.get(v.key)!, name: v.name, share: v.share })),
    };
  }
}
