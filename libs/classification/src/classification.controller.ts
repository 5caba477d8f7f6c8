import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyStaff, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import { ClassificationService } from './classification.service';
import {
  ClassificationSettingsDto,
  RecomputeResultDto,
  UpdateClassificationSettingsDto,
} from './dto/classification.dto';

@ApiTags('classification')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/classification')
export class ClassificationController {
  constructor(private readonly classification: ClassificationService) {}

  @Get('settings')
  @AnyStaff()
  @ApiOperation({
    summary: 'Classification rules: revenue window, A/B shares, VIP rule, lapsed days, key rule',
  })
  settings(): Promise<ClassificationSettingsDto> {
    return this.classification.getSettings();
  }

  @Put('settings')
  @Roles()
  @ApiOperation({
    summary: 'Change the classification rules (fields left out stay; null clears a rule)',
    description: 'Takes effect at the next recompute: nightly, or POST /api/v1/classification/recompute.',
  })
  updateSettings(
    @Body() dto: UpdateClassificationSettingsDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<ClassificationSettingsDto> {
    return this.classification.updateSettings(dto, staff.id);
  }

  @Post('recompute')
  @HttpCode(200)
  @Roles(StaffRole.SalesOps)
  @ApiOperation({
    summary: 'Recompute purchase statistics, categories and stages of the whole base now (also runs nightly)',
  })
  recompute(): Promise<RecomputeResultDto> {
    return this.classification.recompute();
  }
}
