import { ErrorCode } from './error-code.enum';

/** One field-level problem, e.g. `{ field: 'email', messages: ['email must be an email'] }`. */
export interface FieldError {
  field: string;
  messages: string[];
}

export type ErrorDetails = FieldError[] | Record<string, unknown>;

/**
 * The base of every error the domain raises. It carries no HTTP knowledge: the HTTP layer maps the
 * code to a status in one filter, so the same exceptions serve the API, the worker and the CLI.
 */
export class DomainException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundException extends DomainException {
  constructor(entity: string, id: string) {
    super(ErrorCode.NotFound, `${entity} ${id} was not found`, { entity, id });
  }
}

export class ConflictException extends DomainException {
  constructor(message: string, details?: ErrorDetails) {
    super(ErrorCode.Conflict, message, details);
  }
}

export class ValidationException extends DomainException {
  constructor(message: string, details?: ErrorDetails) {
    super(ErrorCode.ValidationFailed, message, details);
  }
}
