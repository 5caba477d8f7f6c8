import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Page, Roles, StaffRole } from '@touchbase/core';
import { ApiErrors } from '@touchbase/http';
import { CurrentStaff, StaffMember } from '@touchbase/staff';
import { CallTasksService } from './call-tasks.service';
import {
  CallLoadDto,
  CallTaskDto,
  CallTaskListDto,
  CallTaskOwnerQueryDto,
  CallTaskRow,
  ListCallTasksQueryDto,
  RecordCallOutcomeDto,
  toCallTaskDto,
} from './dto/call-task.dto';

@ApiTags('call tasks')
@ApiBearerAuth('api-key')
@ApiErrors(400, 401, 403)
@Controller('api/v1/call-tasks')
export class CallTasksController {
  constructor(private readonly tasks: CallTasksService) {}

  @Get()
  @Roles(StaffRole.SalesOps)
  @ApiOkResponse({ type: CallTaskListDto })
  @ApiOperation({
    summary: 'Call tasks, soonest due first',
    description:
      'A sales-ops key sees its own tasks unless it asks for `owner=all` or another owner; admins see all.',
  })
  async list(
    @Query() query: ListCallTasksQueryDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<CallTaskListDto> {
    return this.page(await this.tasks.list(query, staff));
  }

  // Before ':id', which would otherwise take "overdue" for an id.
  @Get('overdue')
  @Roles(StaffRole.SalesOps)
  @ApiOperation({ summary: 'Open call tasks past due, oldest first (same owner rules as the list)' })
  @ApiOkResponse({ type: CallTaskListDto })
  async overdue(
    @Query() query: CallTaskOwnerQueryDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<CallTaskListDto> {
    return this.page(await this.tasks.overdue(query, staff));
  }

  @Get('load')
  @Roles(StaffRole.SalesOps)
  @ApiOperation({
    summary: "The team's load: each owner's open call tasks, due today and overdue",
    description: 'Every owner with open tasks, and the unowned queue (owner null); most overdue first.',
  })
  @ApiOkResponse({ type: CallLoadDto })
  async load(): Promise<CallLoadDto> {
    const rows = await this.tasks.loadByOwner();
    return {
      owners: rows.map((r) => ({
        owner: r.owner_id ? { id: r.owner_id, name: r.owner_name ?? '', email: r.owner_email ?? '' } : null,
        ownerActive: r.owner_id ? r.owner_active : null,
        open: r.open,
        today: r.today,
        overdue: r.overdue,
        nextDueAt: r.next_due_at.toISOString(),
      })),
    };
  }

  @Get(':id')
  @Roles(StaffRole.SalesOps)
  @ApiOperation({ summary: 'A call task with its client, campaign, script and history' })
  @ApiOkResponse({ type: CallTaskDto })
  @ApiErrors(404)
  async get(@Param('id', ParseUUIDPipe) id: string): Promise<CallTaskDto> {
    return toCallTaskDto(await this.tasks.get(id), this.tasks.maxAttempts);
  }

  @Post(':id/outcome')
  @HttpCode(200)
  @Roles(StaffRole.SalesOps)
  @ApiOperation({
    summary: 'Record what came of a call (the task owner or an admin)',
    description:
      'reached / declined: done, the delivery is sent (a touch). no-answer: tried again on the next business ' +
      'day at the same local time, until CALL_MAX_ATTEMPTS, then done and the delivery failed. ' +
      'callback-requested: due at `callbackAt`. wrong-number: done, the delivery failed and the phone flagged ' +
      'for verification. Notes are kept in the task history.',
  })
  @ApiOkResponse({
    type: CallTaskDto,
    description: 'The task after the outcome (dueAt: when it is due again)',
  })
  @ApiErrors(404, 409)
  async outcome(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RecordCallOutcomeDto,
    @CurrentStaff() staff: StaffMember,
  ): Promise<CallTaskDto> {
    return toCallTaskDto(await this.tasks.recordOutcome(id, dto, staff), this.tasks.maxAttempts);
  }

  private page(page: Page<CallTaskRow>): CallTaskListDto {
    const now = new Date();
    return {
      items: page.items.map((r) => toCallTaskDto(r, this.tasks.maxAttempts, now)),
      nextCursor: page.nextCursor,
    };
  }
}
