import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainException, ERROR_CODE_STATUS, ErrorCode, ErrorDetails } from '@touchbase/core';

interface ErrorBody {
  statusCode: number;
  error: ErrorCode;
  message: string;
  details?: ErrorDetails;
}

const STATUS_CODE: Partial<Record<number, ErrorCode>> = {
  400: ErrorCode.MalformedRequest,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  429: ErrorCode.RateLimited,
};

// PostgreSQL error classes that mean "your input was wrong", not "we broke".
const PG_INPUT_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  '23505': { code: ErrorCode.Conflict, message: 'A record with the same unique value already exists' },
  '23503': {
    code: ErrorCode.Conflict,
    message: 'The record refers to, or is referred to by, another record',
  },
  '22P02': { code: ErrorCode.ValidationFailed, message: 'A value has the wrong format' },
  '22003': { code: ErrorCode.ValidationFailed, message: 'A number is out of range' },
  '22007': { code: ErrorCode.ValidationFailed, message: 'A date or time has the wrong format' },
  '22008': { code: ErrorCode.ValidationFailed, message: 'A date or time is out of range' },
  '22001': { code: ErrorCode.ValidationFailed, message: 'A value is too long' },
  '22021': { code: ErrorCode.ValidationFailed, message: 'A value holds a character that cannot be stored' },
  '22P05': { code: ErrorCode.ValidationFailed, message: 'A value holds a character that cannot be stored' },
  '23502': { code: ErrorCode.ValidationFailed, message: 'A required value is missing' },
  '23514': { code: ErrorCode.ValidationFailed, message: 'A value is not allowed' },
};

/** The one place where errors become HTTP responses: `{ statusCode, error, message, details }`. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const response = ctx.getResponse<Response>();
    const request = ctx.getRequest<Request>();
    const body = this.toBody(exception, request);
    if (body.statusCode >= 500) {
      this.logger.error(
        { err: exception, method: request.method, path: request.path },
        `Unhandled error on ${request.method} ${request.path}`,
      );
    }
    if (response.headersSent) return;
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, request: Request): ErrorBody {
    if (exception instanceof DomainException) {
      return {
        statusCode: ERROR_CODE_STATUS[exception.code],
        error: exception.code,
        message: exception.message,
        ...(exception.details !== undefined && { details: exception.details }),
      };
    }
    if (exception instanceof ThrottlerException) {
      return { statusCode: 429, error: ErrorCode.RateLimited, message: 'Too many requests; try again later' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = STATUS_CODE[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.MalformedRequest);
      return { statusCode: status, error: code, message: this.httpMessage(exception, status, request) };
    }
    if (exception instanceof QueryFailedError) {
      const pgCode = (exception.driverError as { code?: string } | undefined)?.code;
      const known = pgCode ? PG_INPUT_ERRORS[pgCode] : undefined;
      if (known) {
        const detail = (exception.driverError as { detail?: string }).detail;
        return {
          statusCode: ERROR_CODE_STATUS[known.code],
          error: known.code,
          message: known.message,
          ...(detail && { details: { reason: detail } }),
        };
      }
    }
    const bodyParserError = this.bodyParserError(exception);
    if (bodyParserError) return bodyParserError;
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: ErrorCode.Internal,
      message: 'Something went wrong on our side; the error has been logged',
    };
  }

  private httpMessage(exception: HttpException, status: number, request: Request): string {
    if (status === 404 && exception.message.startsWith('Cannot ')) {
      return `No route ${request.method} ${request.path}`;
    }
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const message = (response as { message?: unknown }).message;
    if (Array.isArray(message)) return message.join('; ');
    if (typeof message === 'string') return message;
    return exception.message;
  }

  // Errors raised by Express' body parsers before Nest sees the request.
  private bodyParserError(exception: unknown): ErrorBody | undefined {
    const e = exception as { type?: string; status?: number; message?: string } | undefined;
    if (!e || typeof e.status !== 'number' || typeof e.type !== 'string') return undefined;
    if (e.type === 'entity.parse.failed') {
      return {
        statusCode: 400,
        error: ErrorCode.MalformedRequest,
        message: 'The request body is not valid JSON',
      };
    }
    if (e.type === 'entity.too.large') {
      return { statusCode: 413, error: ErrorCode.PayloadTooLarge, message: 'The request body is too large' };
    }
    if (e.status >= 400 && e.status < 500) {
      return {
        statusCode: e.status,
        error: STATUS_CODE[e.status] ?? ErrorCode.MalformedRequest,
        message: e.message ?? 'Bad request',
      };
    }
    return undefined;
  }
}
