import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, StaffRole } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import { RunNowDto, RunNowResultDto } from './dto/run-now.dto';
import { RunNowService } from './run-now.service';

@ApiTags('campaigns')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/campaigns')
export class CampaignRunsController {
  constructor(private readonly runNow: RunNowService) {}

  @Post(':id/runs')
  @Roles(StaffRole.Marketer)
  @ApiOperation({
    summary: 'Run now: a manual run outside the schedule, planned at once',
    description:
      'The run is named manual-<ISO time>. When the campaign requires an edition, the edition of the current ' +
      'period of its schedule (or of periodKey) must exist, else 409 "edition missing". The campaign must be able ' +
      'to run (templates for every channel, a signer where needed), else 409.',
  })
  @ApiErrors(404, 409)
  @ApiCreatedResponse({ type: RunNowResultDto })
  async create(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RunNowDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<RunNowResultDto> {
    const { run, editionPeriodKey } = await this.runNow.runNow(id, dto, staff.email);
    return RunNowResultDto.from(run, editionPeriodKey);
  }
}
