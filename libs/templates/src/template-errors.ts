import { ValidationException } from '@touchbase/core';
import { collectPaths, PathUse } from './template-ast';

/** The two Handlebars sources of a template. */
export type Part = 'subject' | 'body';

/** Helpers throw this; it becomes a ValidationException with the helper's message. */
export class HelperError extends Error {}

export function invalid(
  part: Part,
  message: string,
  extra: Record<string, unknown> = {},
): ValidationException {
  return new ValidationException(`${part}: ${message}`, { field: part, ...extra });
}

export function compileError(part: Part, e: unknown, helpers: readonly string[]): unknown {
  if (!(e instanceof Error)) return e;
  const parse = /^Parse error on line (\d+):\n[\s\S]*\n(.*)$/.exec(e.message);
  if (parse) {
    const line = Number(parse[1]);
    return invalid(part, `syntax error on line ${line}: ${parse[2]}`, { line });
  }
  const located = /^(.*) - (\d+):(\d+)$/s.exec(e.message);
  if (located) {
    const line = Number(located[2]);
    const unknown = /unknown helper (\S+)$/.exec(located[1]);
    const reason = unknown
      ? `unknown helper "${unknown[1]}"; the helpers are ${helpers.join(', ')}, if, unless, each, with, lookup`
      : located[1];
    return invalid(part, `line ${line}: ${reason}`, { line });
  }
  return invalid(part, e.message);
}

/**
 * Turns a failed render into a ValidationException naming the variable. Strict mode throws with
 * the location of the path; a missing object in a helper's argument (`{{#if owner.name}}` without
 * an owner) is a TypeError, found again by the property it was reading.
 */
export function renderError(
  part: Part,
  source: string,
  e: unknown,
  data: unknown,
  parse: (s: string) => hbs.AST.Program,
): unknown {
  if (e instanceof HelperError) return invalid(part, e.message);
  if (!(e instanceof Error)) return e;
  const strict = /^"(.+)" not defined in .* - (\d+):(\d+)$/s.exec(e.message);
  // A missing object in a helper's argument, or a property looked up on a string.
  const reading =
    /^Cannot read properties of (?:undefined|null) \(reading '(.+)'\)$/.exec(e.message) ??
    /^Cannot use 'in' operator to search for '(.+?)' in /s.exec(e.message);
  if (!strict && !reading) return e;
  const uses = collectPaths(parse(source));
  let use: PathUse | undefined;
  if (strict) {
    const [line, column] = [Number(strict[2]), Number(strict[3])];
    use = uses.find((u) => u.path.loc?.start.line === line && u.path.loc?.start.column === column);
  } else if (reading) {
    use = uses.find((u) => {
      const i = u.path.parts.indexOf(reading[1]);
      // Inside a loop over strings even the first part is looked up on a string.
      return (i > 0 || (i === 0 && u.scope !== null)) && describeMissing(u, data) !== null;
    });
  }
  if (!use) return invalid(part, `a variable is not available (${e.message})`);
  const missing = describeMissing(use, data) ?? {
    message: `"${use.path.original}" is not available`,
    available: [],
  };
  return invalid(part, missing.message, {
    variable: use.path.original,
    line: use.path.loc?.start.line,
    available: missing.available,
  });
}

/** Why a path does not resolve, and what is there instead; null if it does resolve. */
function describeMissing(use: PathUse, data: unknown): { message: string; available: string[] } | null {
  const name = `"${use.path.original}" is not available`;
  let parts = use.path.parts;
  let base: unknown = data;
  let prefix: string[] = [];
  let where = '';
  if (use.path.data) {
    // @root.x is the context; other @-variables (@index, @key…) depend on the loop.
    if (parts[0] !== 'root') return null;
    parts = parts.slice(1);
    prefix = ['@root'];
  } else if (use.scope && use.path.depth === 0) {
    const scopeValue = resolve(data, use.scope.path.replace(/^@root\./, '').split('.'));
    base = use.scope.helper === 'each' && Array.isArray(scopeValue) ? scopeValue[0] : scopeValue;
    where = ` inside {{#${use.scope.helper} ${use.scope.path}}}`;
    if (base === undefined || base === null) return { message: name + where, available: [] };
  }
  let current = base;
  for (let i = 0; i < parts.length; i++) {
    const key = parts[i];
    if (current === null || current === undefined) {
      const parent = [...prefix, ...parts.slice(0, i)].join('.');
      return {
        message: `${name}: this message has no ${parent} (guard it with {{#if ${parent}}}…{{/if}})`,
        available: [],
      };
    }
    if (typeof current !== 'object' || !(key in current)) {
      const path = [...prefix, ...parts.slice(0, i)];
      const available =
        typeof current === 'object' && !Array.isArray(current)
          ? Object.keys(current).map((k) => [...path, k].join('.'))
          : [];
      return {
        message: `${name}${where}` + (available.length ? `; available: ${available.join(', ')}` : ''),
        available,
      };
    }
    current = (current as Record<string, unknown>)[key];
  }
  return null;
}

function resolve(data: unknown, parts: string[]): unknown {
  let current = data;
  for (const key of parts) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** A variable a template uses that the message does not have, with where it is. */
export interface MissingVariable {
  variable: string;
  line: number | null;
  /** 1-based. */
  column: number | null;
  message: string;
  available: string[];
}

/** Every path of the template that does not resolve in `data` (a complete sample message). */
export function missingVariables(program: hbs.AST.Program, data: unknown): MissingVariable[] {
  const out: MissingVariable[] = [];
  for (const use of collectPaths(program)) {
    const missing = describeMissing(use, data);
    if (!missing) continue;
    out.push({
      variable: use.path.original,
      line: use.path.loc?.start.line ?? null,
      column: use.path.loc ? use.path.loc.start.column + 1 : null,
      message: missing.message,
      available: missing.available,
    });
  }
  return out;
}
