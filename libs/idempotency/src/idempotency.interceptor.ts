import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { ApiConflictResponse, ApiHeader, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { ConflictException, DomainException, ErrorCode, ValidationException } from '@touchbase/core';
import { ErrorResponseDto } from '@touchbase/http';
import { IDEMPOTENCY_KEY_TTL_HOURS, IdempotencyService, requestHash } from './idempotency.service';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on an answer that was stored by an earlier call with the same key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

interface RequestWithStaff extends Request {
  auth?: { staff?: { id: string } };
}

/**
 * `Idempotency-Key` on a write: the first call with a key runs and its answer is stored; the same key
 * with the same request within 24 h gets that answer again (nothing runs twice); with another request,
 * 422; while the first call still runs, 409. Keys are per staff member. Without the header the call
 * simply runs.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly keys: IdempotencyService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithStaff>();
    const key = request.header(IDEMPOTENCY_KEY_HEADER);
    if (key === undefined) return next.handle();
    // The route's status (Nest sets it after the interceptors): @HttpCode, else 201 for POST.
    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, context.getHandler()) as number | undefined) ??
      (request.method === 'POST' ? 201 : 200);
    return from(this.run(request, http.getResponse<Response>(), key, status, next));
  }

  private async run(
    request: RequestWithStaff,
    response: Response,
    key: string,
    status: number,
    next: CallHandler,
  ): Promise<unknown> {
    if (!KEY_PATTERN.test(key)) {
      throw new ValidationException('The Idempotency-Key header is invalid', [
        {
          field: 'Idempotency-Key',
          messages: ['Idempotency-Key must be 1 to 255 printable ASCII characters without spaces'],
        },
      ]);
    }
    const scope = request.auth?.staff?.id ?? 'anonymous';
    const hash = requestHash(request.method, request.originalUrl.split('?')[0], request.body);
    const claim = await this.keys.claim(scope, key, hash);
    if (claim.kind === 'mismatch') {
      throw new DomainException(
        ErrorCode.IdempotencyKeyReused,
        'This Idempotency-Key was used for a different request; use a new key for new data',
        { idempotencyKey: key },
      );
    }
    if (claim.kind === 'in-progress') {
      throw new ConflictException(
        'A request with this Idempotency-Key is still running; retry when it has finished',
        { idempotencyKey: key },
      );
    }
    if (claim.kind === 'replay') {
      response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
      return claim.response.body;
    }
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (e) {
      await this.keys.release(scope, key);
      throw e;
    }
    await this.keys.complete(scope, key, { status, body });
    return body;
  }
}

/** Makes a write route honour `Idempotency-Key` (see IdempotencyInterceptor) and documents it. */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        `Any unique string (up to 255 printable characters), e.g. a hash of the batch. A retry with the same key and ` +
        `body within ${IDEMPOTENCY_KEY_TTL_HOURS} h returns the stored answer (header Idempotent-Replayed: true) and ` +
        'changes nothing twice; the same key with another body is refused with 422; while the first call runs, 409.',
    }),
    ApiConflictResponse({
      type: ErrorResponseDto,
      description: 'A call with this Idempotency-Key is running',
    }),
    ApiUnprocessableEntityResponse({
      type: ErrorResponseDto,
      description: 'The Idempotency-Key was used for a different request',
    }),
  );
}
