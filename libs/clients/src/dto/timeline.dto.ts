import { ApiProperty } from '@nestjs/swagger';

export class TimelineEventDto {
  @ApiProperty({ enum: ['stage', 'preference', 'purchase', 'delivery'] }) type!: string;
  @ApiProperty() at!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
}

export class TimelineDto {
  @ApiProperty({ type: [TimelineEventDto] }) items!: TimelineEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
