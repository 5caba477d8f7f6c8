import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDefined,
  IsEnum,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { PageQueryDto } from '@touchbase/http';
import { CallNote, CallOutcome, CallTaskStatus } from '../entities/call-task.entity';

export enum CallTaskDue {
  /** Open and past due. */
  Overdue = 'overdue',
  /** Due today in the workspace's time zone. */
  Today = 'today',
  /** Due from now on. */
  Upcoming = 'upcoming',
}

const OWNER_PATTERN = /^(all|me|unassigned|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

export class CallTaskOwnerQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description:
      'Whose tasks: `me`, `all`, `unassigned` or a staff member id. Default: a sales-ops key sees its own, an admin all.',
    example: 'all',
  })
  @IsOptional()
  @Matches(OWNER_PATTERN, { message: 'owner must be all, me, unassigned or a staff member id' })
  owner?: string;
}

export class ListCallTasksQueryDto extends CallTaskOwnerQueryDto {
  @ApiPropertyOptional({ enum: CallTaskStatus })
  @IsOptional()
  @IsEnum(CallTaskStatus)
  status?: CallTaskStatus;

  @ApiPropertyOptional({
    enum: CallTaskDue,
    description:
      'overdue: open and past due; today: due today (workspace time zone); upcoming: due from now on',
  })
  @IsOptional()
  @IsEnum(CallTaskDue)
  due?: CallTaskDue;
}

export class RecordCallOutcomeDto {
  @ApiProperty({ enum: CallOutcome })
  @IsIn(Object.values(CallOutcome), {
    message: `outcome must be one of ${Object.values(CallOutcome).join(', ')}`,
  })
  outcome!: CallOutcome;

  @ApiPropertyOptional({ description: 'What was said; kept in the task history', maxLength: 4000 })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  notes?: string;

  @ApiPropertyOptional({
    description: 'callback-requested only (required there): when to call back, in the future, with an offset',
    example: '2026-12-03T15:30:00+05:00',
  })
  @ValidateIf(
    (dto: RecordCallOutcomeDto) =>
      dto.outcome === CallOutcome.CallbackRequested || dto.callbackAt !== undefined,
  )
  @IsDefined({ message: 'callbackAt is required when the outcome is callback-requested' })
  @IsISO8601({ strict: true }, { message: 'callbackAt must be an ISO 8601 date and time' })
  @Matches(/T.*(Z|[+-]\d{2}:?\d{2})$/i, {
    message: 'callbackAt needs a time and a time zone offset, e.g. 2026-12-03T15:30:00+03:00',
  })
  callbackAt?: string;
}

export class CallNoteDto {
  @ApiProperty() at!: string;
  @ApiProperty({ format: 'uuid', description: 'The staff member who recorded it' }) by!: string;
  @ApiProperty({ enum: CallOutcome }) outcome!: CallOutcome;
  @ApiProperty({ nullable: true, type: String }) text!: string | null;
}

export class StaffRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() email!: string;
}

export class CallTaskClientDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) email!: string | null;
  @ApiProperty({ nullable: true, type: String }) category!: string | null;
  @ApiProperty() stage!: string;
  @ApiProperty({ type: [String], description: 'e.g. phone-wrong: the number awaits verification' })
  contactFlags!: string[];
  @ApiProperty({ nullable: true, type: StaffRefDto, description: "The client's owner now" })
  owner!: StaffRefDto | null;
}

export class CallTaskCampaignDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
}

export class CallTaskDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() deliveryId!: string;
  @ApiProperty({ enum: CallTaskStatus }) status!: CallTaskStatus;
  @ApiProperty({ enum: CallOutcome, nullable: true, description: 'The last outcome recorded' })
  outcome!: CallOutcome | null;
  @ApiProperty() dueAt!: string;
  @ApiProperty({ description: 'Open and past due' }) overdue!: boolean;
  @ApiProperty({ description: 'Calls nobody answered' }) attempts!: number;
  @ApiProperty({ description: 'Unanswered calls after which the task is closed' }) maxAttempts!: number;
  @ApiProperty({ description: 'The rendered call script (plain text)' }) script!: string;
  @ApiProperty({ type: [CallNoteDto], description: 'Every outcome recorded, oldest first' })
  notes!: CallNoteDto[];
  @ApiProperty({ nullable: true, type: StaffRefDto, description: 'Who calls; null: anyone in sales ops' })
  owner!: StaffRefDto | null;
  @ApiProperty({ type: CallTaskClientDto }) client!: CallTaskClientDto;
  @ApiProperty({ type: CallTaskCampaignDto }) campaign!: CallTaskCampaignDto;
  @ApiProperty({ description: 'The status of the delivery behind the task' }) deliveryStatus!: string;
  @ApiProperty({ nullable: true, type: String }) completedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) completedBy!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class CallTaskListDto {
  @ApiProperty({ type: [CallTaskDto] }) items!: CallTaskDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

/** A task row as TASK_SELECT returns it. */
export interface CallTaskRow {
  id: string;
  delivery_id: string;
  status: CallTaskStatus;
  outcome: CallOutcome | null;
  due_at: Date;
  /** due_at to the microsecond, for the cursor. */
  due_key: string;
  attempts: number;
  script: string;
  notes: CallNote[];
  completed_at: Date | null;
  completed_by: string | null;
  created_at: Date;
  updated_at: Date;
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  client_id: string;
  client_name: string;
  client_phone: string | null;
  client_email: string | null;
  client_category: string | null;
  client_stage: string;
  client_contact_flags: string[];
  client_owner_id: string | null;
  client_owner_name: string | null;
  client_owner_email: string | null;
  campaign_id: string;
  campaign_name: string | null;
  delivery_status: string;
}

export function toCallTaskDto(r: CallTaskRow, maxAttempts: number, now = new Date()): CallTaskDto {
  return {
    id: r.id,
    deliveryId: r.delivery_id,
    status: r.status,
    outcome: r.outcome,
    dueAt: r.due_at.toISOString(),
    overdue: r.status === CallTaskStatus.Open && r.due_at.getTime() < now.getTime(),
    attempts: r.attempts,
    maxAttempts,
    script: r.script,
    notes: r.notes,
    owner: r.owner_id ? { id: r.owner_id, name: r.owner_name ?? '', email: r.owner_email ?? '' } : null,
    client: {
      id: r.client_id,
      name: r.client_name,
      phone: r.client_phone,
      email: r.client_email,
      category: r.client_category,
      stage: r.client_stage,
      contactFlags: r.client_contact_flags,
      owner: r.client_owner_id
        ? { id: r.client_owner_id, name: r.client_owner_name ?? '', email: r.client_owner_email ?? '' }
        : null,
    },
    campaign: { id: r.campaign_id, name: r.campaign_name },
    deliveryStatus: r.delivery_status,
    completedAt: r.completed_at?.toISOString() ?? null,
    completedBy: r.completed_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export class OwnerLoadDto {
  @ApiProperty({
    type: StaffRefDto,
    nullable: true,
    description: 'null: the unowned queue (anyone in sales ops)',
  })
  owner!: StaffRefDto | null;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description: 'Whether the owner is still active (null: no owner)',
  })
  ownerActive!: boolean | null;
  @ApiProperty({ description: 'Open tasks' }) open!: number;
  @ApiProperty({ description: 'Open and due today (workspace time zone)' }) today!: number;
  @ApiProperty({ description: 'Open and past due' }) overdue!: number;
  @ApiProperty({ description: 'When the soonest open task falls due' }) nextDueAt!: string;
}

export class CallLoadDto {
  @ApiProperty({ type: [OwnerLoadDto], description: 'Per owner, most overdue first' })
  owners!: OwnerLoadDto[];
}
