import { ApiProperty } from '@nestjs/swagger';

export class SmsMeasuredDto {
  @ApiProperty({ description: 'Messages Twilio accepted (sent, delivered, or failed after acceptance)' })
  messages!: number;
  @ApiProperty({ description: 'Their segments, counted when they were sent' })
  segments!: number;
  @ApiProperty({ description: 'segments × SMS_SEGMENT_COST' })
  cost!: number;
}

export class SmsProjectedDto {
  @ApiProperty({ description: 'Messages still to send (queued or being sent)' })
  messages!: number;
  @ApiProperty({ description: 'How many of them were rendered to estimate the rest' })
  sampled!: number;
  @ApiProperty({
    description: 'Average segments per message in the sample (messages that would no longer be sent count 0)',
  })
  segmentsPerMessage!: number;
  @ApiProperty({ description: 'messages × segmentsPerMessage, rounded' })
  segments!: number;
  @ApiProperty()
  cost!: number;
}

export class RunSmsCostDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ example: 'RUB' }) currency!: string;
  @ApiProperty({ description: 'SMS_SEGMENT_COST' }) costPerSegment!: number;
  @ApiProperty({ description: 'SMS deliveries of the run, suppressed and cancelled ones left out' })
  deliveries!: number;
  @ApiProperty({ description: 'Still to send' }) queued!: number;
  @ApiProperty({ description: 'Accepted by Twilio (those delivered since included)' }) sent!: number;
  @ApiProperty() delivered!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ description: 'measured.segments + projected.segments' }) segments!: number;
  @ApiProperty({ description: 'measured.cost + projected.cost' }) estimatedCost!: number;
  @ApiProperty({ type: SmsMeasuredDto }) measured!: SmsMeasuredDto;
  @ApiProperty({ type: SmsProjectedDto }) projected!: SmsProjectedDto;
  @ApiProperty({
    type: [String],
    example: ['segments', 'estimatedCost'],
    description:
      'The top-level figures that include a projection from a sample (empty once nothing is queued)',
  })
  estimated!: string[];
}
