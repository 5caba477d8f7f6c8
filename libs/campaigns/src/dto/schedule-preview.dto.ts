import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsString } from 'class-validator';
import { IsOmittable } from '@touchbase/http';
import type { ScheduleSpec } from '../schedule.types';
import { OccurrenceDto, SCHEDULE_PROPERTY } from './campaign.dto';

export const SCHEDULE_PREVIEW_COUNT = 10;

export class SchedulePreviewRequestDto {
  // The tree itself is checked by the schedule code, which names each bad field under `schedule`.
  @ApiProperty(SCHEDULE_PROPERTY)
  @IsObject()
  schedule!: ScheduleSpec;

  @ApiPropertyOptional({ example: 'Europe/Moscow', description: 'IANA zone; defaults to the workspace zone' })
  @IsOmittable()
  @IsString()
  timeZone?: string;

  @ApiPropertyOptional({
    example: '2026-11-01T00:00:00Z',
    description: 'The occurrences strictly after this instant (ISO 8601); defaults to now',
  })
  @IsOmittable()
  @IsString()
  from?: string;
}

export class SchedulePreviewDto {
  @ApiProperty({ description: 'The schedule in words' }) scheduleText!: string;
  @ApiProperty({ description: 'The RFC 5545 recurrence the schedule compiles to' }) rrule!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ description: 'The instant the occurrences follow (UTC)' }) from!: string;
  @ApiProperty({
    type: [OccurrenceDto],
    description: `The next ${SCHEDULE_PREVIEW_COUNT} occurrences (fewer when the schedule ends sooner)`,
  })
  occurrences!: OccurrenceDto[];
}
