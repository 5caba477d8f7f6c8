import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  PayloadTooLargeException,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { catchError, Observable, throwError } from 'rxjs';
import { DomainException, ErrorCode, ValidationException } from '@touchbase/core';

export const MAX_SIGNATURE_BYTES = 1024 * 1024;

export type SignatureMime = 'image/png' | 'image/jpeg';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * The image type from the bytes themselves: a name or a Content-Type is only a claim. PNG: the
 * 8-byte signature then the IHDR chunk; JPEG: SOI (FF D8) then a marker (FF).
 */
export function sniffSignatureImage(data: Buffer): SignatureMime | null {
  if (
    data.length >= 24 &&
    data.subarray(0, 8).equals(PNG_SIGNATURE) &&
    data.subarray(12, 16).toString('latin1') === 'IHDR'
  ) {
    return 'image/png';
  }
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  return null;
}

/** Not a PNG or JPEG (HTTP 415). */
export class UnsupportedSignatureImageException extends DomainException {
  constructor() {
    super(
      ErrorCode.UnsupportedMediaType,
      'The signature must be a PNG or JPEG image; this file is neither (its content is checked, not its name or type)',
      [{ field: 'file', messages: ['file must be a PNG or JPEG image'] }],
    );
  }
}

/** Over MAX_SIGNATURE_BYTES (HTTP 413). */
export class SignatureImageTooLargeException extends DomainException {
  constructor() {
    super(
      ErrorCode.PayloadTooLarge,
      `The signature image is larger than ${MAX_SIGNATURE_BYTES / 1024 / 1024} MB; ` +
        'scale it down (about 600×200 pixels is plenty for a letter)',
      { limitBytes: MAX_SIGNATURE_BYTES },
    );
  }
}

/** multer in memory (the image is at most 1 MB and goes to the database anyway). */
export const SignatureFileInterceptor = FileInterceptor('file', {
  limits: { fileSize: MAX_SIGNATURE_BYTES, files: 1, fields: 5, parts: 6 },
});

/** Around SignatureFileInterceptor: multer's refusals in the API's words. */
@Injectable()
export class SignatureUploadInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((e: unknown) => {
        if (e instanceof PayloadTooLargeException)
          return throwError(() => new SignatureImageTooLargeException());
        if (e instanceof BadRequestException) {
          return throwError(
            () =>
              new ValidationException('Send one image, in the multipart form field "file"', [
                { field: 'file', messages: [e.message] },
              ]),
          );
        }
        return throwError(() => e);
      }),
    );
  }
}
