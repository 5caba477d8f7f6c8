import { ApiProperty } from '@nestjs/swagger';
import { DeliveryStatus, RunStatus } from '@touchbase/runs';

export class RunProgressDto {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ enum: RunStatus }) status!: RunStatus;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: {
      queued: 120,
      sending: 5,
      sent: 870,
      delivered: 0,
      failed: 2,
      bounced: 1,
      suppressed: 40,
      cancelled: 0,
    },
    description: `The run's deliveries by current status; every status is present (${Object.values(DeliveryStatus).join(', ')})`,
  })
  byStatus!: Record<DeliveryStatus, number>;
  @ApiProperty({ description: 'Deliveries of the run so far (it grows while the run plans)' }) total!: number;
  @ApiProperty({ description: 'Deliveries no longer queued or sending' }) done!: number;
  @ApiProperty({
    minimum: 0,
    maximum: 1,
    description: 'done / total; 1 for a finished run, 0 for one without deliveries yet',
  })
  doneFraction!: number;
  @ApiProperty({
    description: 'The run is over (completed, cancelled, failed or missed): the counts will not change',
  })
  finished!: boolean;
  @ApiProperty({ description: 'When the counts were taken' }) at!: string;
}
