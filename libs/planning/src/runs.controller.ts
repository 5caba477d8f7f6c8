import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyStaff, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import { FrequencyPolicyDto } from './dto/frequency-policy.dto';
import {
  DeliveryDto,
  DeliveryListDto,
  ExplanationDto,
  ListDeliveriesQueryDto,
  ListRunsQueryDto,
  RunDto,
  RunListDto,
} from './dto/run.dto';
import { ExplainService } from './explain.service';
import { FrequencyPolicy } from './frequency-policy';
import { FrequencyPolicyService } from './frequency-policy.service';
import { RunsService } from './runs.service';
import { SimulationRequestDto, SimulationResultDto } from './dto/simulation.dto';
import { SimulationService } from './simulation.service';

@ApiTags('runs')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly explainer: ExplainService,
  ) {}

  @Get()
  @AnyStaff()
  @ApiOperation({ summary: 'Runs (occurrences of campaigns), newest first' })
  @ApiOkResponse({ type: RunListDto })
  async list(@Query() query: ListRunsQueryDto): Promise<RunListDto> {
    const page = await this.runs.list(query);
    return { items: page.items.map((i) => RunDto.from(i.run, i.campaignName)), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @AnyStaff()
  @ApiOperation({ summary: 'A run with its counts by status, channel and suppression reason' })
  @ApiErrors(404)
  @ApiOkResponse({ type: RunDto })
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<RunDto> {
    const { run, campaignName } = await this.runs.get(id);
    return RunDto.from(run, campaignName);
  }

  @Get(':id/deliveries')
  @AnyStaff()
  @ApiOperation({ summary: 'The deliveries of a run, filtered by status, reason and channel' })
  @ApiErrors(404)
  @ApiOkResponse({ type: DeliveryListDto })
  async deliveries(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ListDeliveriesQueryDto,
  ): Promise<DeliveryListDto> {
    const page = await this.runs.deliveriesOf(id, query);
    return {
      items: page.items.map((i) => DeliveryDto.from(i.delivery, i.clientName)),
      nextCursor: page.nextCursor,
    };
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(StaffRole.Marketer)
  @ApiOperation({ summary: 'Cancel a run: queued deliveries are cancelled and free their cap slots' })
  @ApiErrors(404, 409)
  @ApiOkResponse({ type: RunDto })
  async cancel(@Param('id', ParseUUIDPipe) id: string): Promise<RunDto> {
    const run = await this.runs.cancel(id);
    return RunDto.from(run);
  }

  @Get(':id/explain/:clientId')
  @AnyStaff()
  @ApiOperation({ summary: 'Why a client got what it got in a run, or nothing — in words' })
  @ApiErrors(404)
  @ApiOkResponse({ type: ExplanationDto })
  async explain(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('clientId', ParseUUIDPipe) clientId: string,
  ): Promise<ExplanationDto> {
    const result = await this.explainer.explain(id, clientId);
    return {
      runId: id,
      clientId,
      delivery: result.delivery ? DeliveryDto.from(result.delivery) : null,
      explanation: result.explanation,
      details: result.details,
      clientName: result.clientName,
      campaignName: result.campaignName,
      periodKey: result.periodKey,
      caps: result.caps,
      displacedBy: result.displacedBy,
    };
  }
}

@ApiTags('frequency policy')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/frequency-policy')
export class FrequencyPolicyController {
  constructor(private readonly policies: FrequencyPolicyService) {}

  @Get()
  @AnyStaff()
  @ApiOperation({ summary: 'Caps over all channels and per channel, and sending windows' })
  @ApiOkResponse({ type: FrequencyPolicyDto })
  get(): Promise<FrequencyPolicy> {
    return this.policies.get();
  }

  @Put()
  @Roles(StaffRole.Admin)
  @ApiOperation({ summary: 'Replace the frequency policy; it applies to runs planned from now on' })
  @ApiOkResponse({ type: FrequencyPolicyDto })
  set(@Body() dto: FrequencyPolicyDto, @CurrentStaff() staff: StaffMember): Promise<FrequencyPolicy> {
    return this.policies.set(JSON.parse(JSON.stringify(dto)) as FrequencyPolicy, staff.id);
  }
}

@ApiTags('simulations')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403, 404)
@Controller('api/v1/simulations')
export class SimulationsController {
  constructor(private readonly simulations: SimulationService) {}

  @Post()
  @HttpCode(200)
  @Roles(StaffRole.Marketer)
  @ApiOperation({
    summary:
      'Plan every occurrence in a range as the scheduler would, without sending or keeping anything: audience, ' +
      'deliveries per channel, suppressions by reason and the clients who would hit a cap',
  })
  @ApiOkResponse({ type: SimulationResultDto })
  async simulate(@Body() dto: SimulationRequestDto): Promise<SimulationResultDto> {
    return {
      occurrences: await this.simulations.simulate(new Date(dto.from), new Date(dto.to), dto.campaignIds),
    };
  }
}
