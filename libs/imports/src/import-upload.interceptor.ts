import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request } from 'express';
import { catchError, finalize, Observable, throwError } from 'rxjs';
import { ValidationException } from '@touchbase/core';
import { ImportFileTooLargeException } from './import.exceptions';

export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
export const UPLOAD_DIR = path.join(os.tmpdir(), 'touchbase-uploads');

/** multer on disk: the file is streamed from its temp copy, never held in memory. */
export const ImportFileInterceptor = FileInterceptor('file', {
  dest: UPLOAD_DIR,
  limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, fieldSize: 1024 * 1024 },
  defParamCharset: 'utf8', // Cyrillic file names
});

/**
 * Around ImportFileInterceptor: clear messages for multer's refusals, and the temp file removed once
 * the request is done, whatever happened (validation errors included).
 */
@Injectable()
export class ImportUploadInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request & { file?: { path?: string } }>();
    return next.handle().pipe(
      catchError((e: unknown) => throwError(() => translate(e))),
      finalize(() => {
        const file = request.file?.path;
        if (file) fs.rm(file, { force: true }, () => undefined);
      }),
    );
  }
}

function translate(e: unknown): unknown {
  if (e instanceof PayloadTooLargeException) return new ImportFileTooLargeException(MAX_IMPORT_BYTES);
  if (e instanceof BadRequestException && /Unexpected file field|Too many files/.test(e.message)) {
    return new ValidationException(
      'Send one file, in the form field "file" / Передайте один файл в поле формы «file»',
      [{ field: 'file', messages: [e.message] }],
    );
  }
  return e;
}
