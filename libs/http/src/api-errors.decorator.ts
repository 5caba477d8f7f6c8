import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request; `details` lists each bad field',
  401: 'Missing, unknown or revoked API key',
  403: "The key's role may not do this",
  404: 'Not found',
  409: 'Conflicts with existing data',
  429: 'Rate limited',
};

/** Documents the error responses of a route (the shape is always ErrorResponseDto). */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponseDto }),
    ),
  );
