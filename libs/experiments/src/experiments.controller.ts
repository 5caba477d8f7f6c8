import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyStaff, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import { ExperimentDto, ExperimentInputDto, ExperimentResultsDto } from './dto/experiment.dto';
import { ExperimentsService } from './experiments.service';

@ApiTags('experiments')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1')
export class ExperimentsController {
  constructor(private readonly experiments: ExperimentsService) {}

  @Get('campaigns/:id/experiment')
  @AnyStaff()
  @ApiOperation({ summary: "The campaign's A/B test (each of its runs tests it)" })
  @ApiErrors(404)
  @ApiOkResponse({ type: ExperimentDto })
  async forCampaign(@Param('id', ParseUUIDPipe) id: string): Promise<ExperimentDto> {
    return ExperimentDto.from(await this.experiments.forCampaign(id));
  }

  @Put('campaigns/:id/experiment')
  @Roles(StaffRole.Marketer)
  @ApiOperation({
    summary: "Set the campaign's A/B test: variants of subject and content, shares, metric, window",
    description: 'Runs already planned keep the test they were planned with.',
  })
  @ApiErrors(404)
  @ApiOkResponse({ type: ExperimentDto })
  async defineForCampaign(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ExperimentInputDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<ExperimentDto> {
    return ExperimentDto.from(await this.experiments.defineForCampaign(id, dto, staff.id));
  }

  @Delete('campaigns/:id/experiment')
  @HttpCode(204)
  @Roles(StaffRole.Marketer)
  @ApiOperation({ summary: "Remove the campaign's A/B test (planned runs keep theirs)" })
  @ApiErrors(404)
  @ApiNoContentResponse()
  async removeForCampaign(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.experiments.removeForCampaign(id);
  }

  @Put('runs/:id/experiment')
  @Roles(StaffRole.Marketer)
  @ApiOperation({ summary: "Set an A/B test for one run not planned yet (over the campaign's)" })
  @ApiErrors(404, 409)
  @ApiOkResponse({ type: ExperimentDto })
  async defineForRun(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: ExperimentInputDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<ExperimentDto> {
    return ExperimentDto.from(await this.experiments.defineForRun(id, dto, staff.id));
  }

  @Get('runs/:id/experiment')
  @AnyStaff()
  @ApiOperation({
    summary: "A run's A/B test: per variant reached, clicks or revenue, p-value; the winner and the rest",
  })
  @ApiErrors(404)
  @ApiOkResponse({ type: ExperimentResultsDto })
  results(@Param('id', ParseUUIDPipe) id: string): Promise<ExperimentResultsDto> {
    return this.experiments.results(id);
  }
}
