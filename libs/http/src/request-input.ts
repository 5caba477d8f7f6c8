import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { FieldError, ValidationException } from '@touchbase/core';

/** Deeper bodies are refused before validation: walking them recursively would overflow the stack. */
export const MAX_JSON_DEPTH = 32;
/** Longer path parameters are refused: no id, key or token of ours comes near it. */
export const MAX_PATH_PARAM_LENGTH = 512;

// PostgreSQL text cannot hold U+0000; a path parameter has no business with any control character,
// nor with U+FFFD (what a broken %-encoding decodes to) or a lone surrogate.
const NUL = '\u0000';
const PARAM_UNSAFE =
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  /[\u0000-\u001f\u007f\ufffd]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The first problem of a parsed JSON body or query string (`part` names it in messages), or
 * undefined: nesting deeper than MAX_JSON_DEPTH, or a NUL character in a field name or a string.
 * Iterative, so a body of any depth is safe to walk.
 */
export function inputProblem(value: unknown, part: string): FieldError | undefined {
  const stack: { value: unknown; field: string; depth: number }[] = [{ value, field: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: v, field, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes(NUL))
        return { field: field || part, messages: [`${field || part} contains a NUL character`] };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      return { field: part, messages: [`${part} is nested more than ${MAX_JSON_DEPTH} levels deep`] };
    }
    // Pushed last to first, so that the first problem in the document is the one reported.
    for (const [key, child] of Object.entries(v).reverse()) {
      const at = field ? `${field}.${key}` : key;
      if (key.includes(NUL))
        return { field: at, messages: [`a field name in ${part} contains a NUL character`] };
      stack.push({ value: child, field: at, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * Express middleware after the body parsers: a body or query string nested too deeply or holding
 * a NUL character is a 400 before any pipe, guard or query sees it.
 */
export function requestInputMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const problem = inputProblem(req.body, 'body') ?? inputProblem(req.query, 'query');
  if (!problem) return next();
  next(new ValidationException(`The request is invalid: ${problem.messages[0]}`, [problem]));
}

/**
 * Every path parameter of every route, before its own pipe: printable text of a bounded length, so
 * that no NUL byte or broken encoding ever reaches a query. Route pipes (ParseUUIDPipe …) add the
 * parameter's own format.
 */
@Injectable()
export class PathParamPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param') return value;
    const entries: [string, unknown][] =
      metadata.data === undefined && value && typeof value === 'object'
        ? Object.entries(value)
        : [[metadata.data ?? 'param', value]];
    for (const [name, v] of entries) {
      if (typeof v !== 'string') continue;
      const problem = PARAM_UNSAFE.test(v)
        ? `${name} contains a control character or an invalid encoding`
        : v.length > MAX_PATH_PARAM_LENGTH
          ? `${name} is longer than ${MAX_PATH_PARAM_LENGTH} characters`
          : undefined;
      if (problem) {
        throw new ValidationException(`The path parameter ${name} is invalid`, [
          { field: name, messages: [problem] },
        ]);
      }
    }
    return value;
  }
}
