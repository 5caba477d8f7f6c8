import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ClassificationSettings, KeyRule, VipRule } from '../classification-settings';

const MONEY = { maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false };

export class VipRuleDto {
  @ApiProperty({
    enum: ['top-n', 'min-revenue'],
    description:
      'top-n: the n clients with the most revenue in the window; min-revenue: window revenue ≥ amount',
  })
  @IsIn(['top-n', 'min-revenue'])
  type!: VipRule['type'];

  @ApiPropertyOptional({ example: 20, description: 'With top-n' })
  @ValidateIf((o: VipRuleDto) => o.type === 'top-n')
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  n?: number;

  @ApiPropertyOptional({ example: 5_000_000, description: 'With min-revenue, in the workspace currency' })
  @ValidateIf((o: VipRuleDto) => o.type === 'min-revenue')
  @IsNumber(MONEY)
  @Min(0.01)
  amount?: number;
}

export class KeyRuleDto {
  @ApiProperty({
    example: 450_000,
    description: 'Key client: at least this revenue a quarter, on average over the window',
  })
  @IsNumber(MONEY)
  @Min(0.01)
  minRevenuePerQuarter!: number;
}

/** A change of the classification settings: fields left out stay; null clears a rule. */
export class UpdateClassificationSettingsDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 120, description: 'Revenue window in months (default 12)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  windowMonths?: number;

  @ApiPropertyOptional({ example: 0.8, description: 'Share of revenue made by category A (default 0.8)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.01)
  @Max(0.99)
  aShare?: number;

  @ApiPropertyOptional({
    example: 0.15,
    description: 'Share of revenue made by category B (default 0.15); aShare + bShare < 1',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(0.98)
  bShare?: number;

  @ApiPropertyOptional({ type: VipRuleDto, nullable: true, description: 'null: VIP only by the manual flag' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => VipRuleDto)
  vipRule?: VipRuleDto | null;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3650,
    description: 'No purchase for this many days → lapsed (default 180)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  lapsedDays?: number;

  @ApiPropertyOptional({
    type: KeyRuleDto,
    nullable: true,
    description: 'null: key = VIP or category A; set: key = VIP or meets the rule',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => KeyRuleDto)
  keyRule?: KeyRuleDto | null;
}

export class ClassificationSettingsDto implements ClassificationSettings {
  @ApiProperty() windowMonths!: number;
  @ApiProperty() aShare!: number;
  @ApiProperty() bShare!: number;
  @ApiProperty({ type: VipRuleDto, nullable: true }) vipRule!: VipRule | null;
  @ApiProperty() lapsedDays!: number;
  @ApiProperty({ type: KeyRuleDto, nullable: true }) keyRule!: KeyRule | null;
}

export class RecomputeResultDto {
  @ApiProperty({ description: 'Clients looked at' }) clients!: number;
  @ApiProperty({ description: 'Client rows rewritten because something changed' }) updated!: number;
  @ApiProperty({ description: 'Clients whose category changed' }) categoryChanges!: number;
  @ApiProperty({ description: 'Clients whose stage changed (each recorded in the stage history)' })
  stageChanges!: number;
  @ApiProperty() durationMs!: number;
}
