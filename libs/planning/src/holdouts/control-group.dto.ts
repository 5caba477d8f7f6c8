import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsNumber, Max, Min } from 'class-validator';
import { MAX_CONTROL_GROUP_SHARE } from './holdout-rules';

const SHARE_MESSAGE = `share must be a number from 0 to ${MAX_CONTROL_GROUP_SHARE}`;

export class UpdateControlGroupDto {
  @ApiProperty({
    minimum: 0,
    maximum: MAX_CONTROL_GROUP_SHARE,
    example: 0.05,
    description: 'Share of the clients kept out of every promotional touch; 0 turns the control group off',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: SHARE_MESSAGE })
  @Min(0, { message: SHARE_MESSAGE })
  @Max(MAX_CONTROL_GROUP_SHARE, { message: SHARE_MESSAGE })
  share!: number;

  @ApiProperty({ description: 'CEO letters skip the control group too (by default they reach it)' })
  @IsBoolean({ message: 'includeCeoLetters must be true or false' })
  includeCeoLetters!: boolean;
}

export class ControlGroupDto {
  @ApiProperty({ description: 'Share of the clients in the control group; 0: off' }) share!: number;
  @ApiProperty({ description: 'CEO letters skip the control group too' }) includeCeoLetters!: boolean;
  @ApiProperty({ description: 'Clients (not archived) in the control group now' }) members!: number;
  @ApiProperty({ description: 'Clients (not archived)' }) clients!: number;
}

export class ControlGroupMembershipDto {
  @ApiProperty({ format: 'uuid' }) clientId!: string;
  @ApiProperty({ description: 'In the control group now: gets no promotional touches' }) member!: boolean;
}
