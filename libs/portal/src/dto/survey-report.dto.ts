import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsUUID, Max, Min } from 'class-validator';

export class SurveyReportQueryDto {
  @ApiPropertyOptional({
    example: '2026-03-01',
    description: 'Answers given at or after (ISO 8601 date or time)',
  })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ example: '2026-04-01', description: 'Answers given before (ISO 8601 date or time)' })
  @IsOptional()
  @IsISO8601()
  to?: string;

  @ApiPropertyOptional({ description: 'Only the answers to one survey run' })
  @IsOptional()
  @IsUUID()
  runId?: string;

  @ApiPropertyOptional({ description: 'Only the answers to the runs of one campaign' })
  @IsOptional()
  @IsUUID()
  campaignId?: string;

  @ApiPropertyOptional({
    enum: ['json', 'csv'],
    description: 'csv (or `Accept: text/csv`): every answer as CSV',
  })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 5000,
    default: 500,
    description: 'Answers listed in JSON, newest first',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

export class RatingCountDto {
  @ApiProperty({ minimum: 0, maximum: 10 }) rating!: number;
  @ApiProperty() count!: number;
}

export class SurveyRatingsDto {
  @ApiProperty({ description: 'Answers with a rating' }) rated!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Mean rating, 2 decimals' }) average!:
    number | null;
  @ApiProperty({
    type: [RatingCountDto],
    description: 'Answers per rating 0–10 (all eleven, zeros included)',
  })
  distribution!: RatingCountDto[];
  @ApiProperty({ description: 'Ratings 9–10' }) promoters!: number;
  @ApiProperty({ description: 'Ratings 7–8' }) passives!: number;
  @ApiProperty({ description: 'Ratings 0–6' }) detractors!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'NPS-style score: % promoters − % detractors among rated answers, rounded; null without ratings',
  })
  nps!: number | null;
}

export class SurveyAnswerRowDto {
  @ApiProperty() answeredAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty() clientId!: string;
  @ApiProperty({ nullable: true, type: String }) externalRef!: string | null;
  @ApiProperty() clientName!: string;
  @ApiProperty() runId!: string;
  @ApiProperty() campaignId!: string;
  @ApiProperty() campaignName!: string;
  @ApiProperty() periodKey!: string;
  @ApiProperty({ nullable: true, type: Number }) rating!: number | null;
  @ApiProperty({ description: 'What do you value in working with us?' }) valued!: string;
  @ApiProperty({ description: 'What should we improve?' }) improve!: string;
  @ApiProperty({ enum: ['ru', 'en'] }) locale!: string;
}

export class SurveyReportDto {
  @ApiProperty({ description: 'The filters applied' }) filters!: {
    from: string | null;
    to: string | null;
    runId: string | null;
    campaignId: string | null;
  };
  @ApiProperty() responses!: number;
  @ApiProperty({ type: SurveyRatingsDto }) ratings!: SurveyRatingsDto;
  @ApiProperty({ type: [SurveyAnswerRowDto], description: 'Newest first, up to `limit`' })
  answers!: SurveyAnswerRowDto[];
  @ApiProperty({ description: 'Whether more answers match than are listed (use CSV for all)' })
  truncated!: boolean;
}
