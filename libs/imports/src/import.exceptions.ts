import { DomainException, ErrorCode } from '@touchbase/core';

/** Not a CSV or XLSX file (HTTP 415). */
export class UnsupportedImportFileException extends DomainException {
  constructor(message: string) {
    super(ErrorCode.UnsupportedMediaType, message, { field: 'file' });
  }
}

/** Over the upload limit (HTTP 413). */
export class ImportFileTooLargeException extends DomainException {
  constructor(limitBytes: number) {
    const mb = Math.round(limitBytes / 1024 / 1024);
    super(
      ErrorCode.PayloadTooLarge,
      `The file is larger than ${mb} MB: split it, or use the CLI (npm run cli -- import) / Файл больше ${mb} МБ: разделите его или загрузите через CLI`,
      { limitBytes },
    );
  }
}

/** A CSV or XLSX that cannot be read as a table, or lacks a required column (HTTP 400). */
export class UnreadableImportFileException extends DomainException {
  constructor(message: string) {
    super(ErrorCode.ValidationFailed, message, [{ field: 'file', messages: [message] }]);
  }
}
