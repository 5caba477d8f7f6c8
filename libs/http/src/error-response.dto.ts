import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ErrorCode } from '@touchbase/core';

export class FieldErrorDto {
  @ApiProperty({ example: 'email' })
  field!: string;

  @ApiProperty({ example: ['email must be an email'] })
  messages!: string[];
}

/** The shape of every error response. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ enum: ErrorCode, example: ErrorCode.ValidationFailed })
  error!: ErrorCode;

  @ApiProperty({ example: 'The request is invalid: email' })
  message!: string;

  @ApiPropertyOptional({
    description: 'Field-level problems for validation errors, otherwise context about the error.',
    oneOf: [{ type: 'array', items: { $ref: '#/components/schemas/FieldErrorDto' } }, { type: 'object' }],
  })
  details?: FieldErrorDto[] | Record<string, unknown>;
}
