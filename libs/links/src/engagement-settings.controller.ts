import { Body, Controller, Get, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { AnyStaff, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import {
  EngagementSettingsService,
  DEFAULT_ATTRIBUTION_WINDOW_DAYS,
  MAX_ATTRIBUTION_WINDOW_DAYS,
} from './engagement-settings.service';

const WINDOW_MESSAGE = `attributionWindowDays must be a whole number of days from 1 to ${MAX_ATTRIBUTION_WINDOW_DAYS}`;

export class EngagementSettingsDto {
  @ApiProperty({
    description:
      'Links in messages go through short links that count clicks. The outer switch: a campaign and a client ' +
      '(in the portal) can only turn tracking off. Default: CLICK_TRACKING (on)',
  })
  clickTracking!: boolean;

  @ApiProperty({
    description:
      'Emails of campaigns that ask for it carry an open pixel (only with click tracking on). Default: OPEN_TRACKING (off)',
  })
  openTracking!: boolean;

  @ApiProperty({
    minimum: 1,
    maximum: MAX_ATTRIBUTION_WINDOW_DAYS,
    default: DEFAULT_ATTRIBUTION_WINDOW_DAYS,
    description:
      'Days after a touch a purchase is credited to it: the attribution reports’ window unless one is asked for',
  })
  attributionWindowDays!: number;
}

export class UpdateEngagementSettingsDto {
  @ApiPropertyOptional({ description: 'Click tracking for the workspace' })
  @IsOptional()
  @IsBoolean({ message: 'clickTracking must be true or false' })
  clickTracking?: boolean;

  @ApiPropertyOptional({ description: 'Open tracking for the workspace' })
  @IsOptional()
  @IsBoolean({ message: 'openTracking must be true or false' })
  openTracking?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_ATTRIBUTION_WINDOW_DAYS, example: 30 })
  @IsOptional()
  @IsInt({ message: WINDOW_MESSAGE })
  @Min(1, { message: WINDOW_MESSAGE })
  @Max(MAX_ATTRIBUTION_WINDOW_DAYS, { message: WINDOW_MESSAGE })
  attributionWindowDays?: number;
}

@ApiTags('settings')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/settings/engagement')
export class EngagementSettingsController {
  constructor(private readonly settings: EngagementSettingsService) {}

  @Get()
  @AnyStaff()
  @ApiOperation({
    summary: 'The engagement settings: click and open tracking for the workspace, the attribution window',
  })
  @ApiOkResponse({ type: EngagementSettingsDto })
  get(): Promise<EngagementSettingsDto> {
    return this.settings.get();
  }

  @Put()
  @Roles(StaffRole.Admin)
  @ApiOperation({
    summary: 'Change the engagement settings (the fields sent; the others stay)',
    description: 'Applies to messages sent from now on, and to reports asked for from now on.',
  })
  @ApiOkResponse({ type: EngagementSettingsDto })
  set(
    @Body() dto: UpdateEngagementSettingsDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<EngagementSettingsDto> {
    return this.settings.set(dto, staff.id);
  }
}
