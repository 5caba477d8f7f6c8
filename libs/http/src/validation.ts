import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
import { FieldError, ValidationException } from '@touchbase/core';

/** Flattens nested class-validator errors into `{ field: 'address.city', messages }`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) {
      out.push({
        field,
        messages: Object.entries(error.constraints).map(([name, message]) =>
          name === 'whitelistValidation' ? `${field} is not an allowed field` : message,
        ),
      });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flattenValidationErrors(errors);
      return new ValidationException(
        `The request is invalid: ${details.map((d) => d.field).join(', ')}`,
        details,
      );
    },
  });
}

/**
 * Like `@IsOptional()`, but only for a missing field: `null` is still validated (and so refused by
 * the field's other rules). For fields that may be left out of a change but never set to null.
 */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
