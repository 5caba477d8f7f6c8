import Handlebars from 'handlebars';
import { compile as compileHtmlToText } from 'html-to-text';
import { DateTime } from 'luxon';
import { Channel } from '@touchbase/core';
import { MessageContext } from './message-context';
import { findForbidden } from './template-ast';
import { ValidationException } from '@touchbase/core';
import {
  compileError,
  HelperError,
  invalid,
  missingVariables,
  Part,
  renderError,
} from './template-errors';

/** What is rendered: an email (subject + HTML body) or a text body (SMS, call script, letter). */
export interface TemplateSource {
  channel: Channel;
  /** Email only. */
  subject: string | null;
  body: string;
}

/** A stored template: compiled once per version (id, updatedAt). */
export interface StoredTemplateSource extends TemplateSource {
  id: string;
  updatedAt: Date;
}

export interface RenderedEmail {
  channel: Channel.Email;
  /** One line of plain text. */
  subject: string;
  html: string;
  /** The plain-text part, generated from the HTML. */
  text: string;
}

export interface RenderedText {
  channel: Channel.Sms | Channel.Call | Channel.Letter;
  /** Plain text, NOT HTML-safe: whoever shows it in a web page escapes it. Letters: paragraphs split by a blank line. */
  text: string;
}

export type RenderedMessage = RenderedEmail | RenderedText;

export interface TemplateRendererOptions {
  /** ISO 4217, for formatMoney. */
  currency: string;
  /** Compiled template parts kept (a stored template has one or two). */
  cacheSize?: number;
}

/**
 * The values templates may print raw with `{{{…}}}`: built by us from escaped parts. Everything
 * else is escaped, and triple braces around anything else are refused when a template is saved.
 */
export const TRUSTED_RAW_VARIABLES: readonly string[] = ['edition.html'];

export const TEMPLATE_HELPERS = ['formatDate', 'formatMoney', 'eq'] as const;

type Compiled = HandlebarsTemplateDelegate<unknown>;

const COMPILE_OPTIONS: CompileOptions = {
  strict: true,
  // An unknown helper is a save-time error rather than a silent empty string.
  knownHelpersOnly: true,
  knownHelpers: { formatDate: true, formatMoney: true, eq: true, log: false },
};

const DATE_PRESETS: Record<string, Intl.DateTimeFormatOptions> = {
  short: DateTime.DATE_SHORT,
  medium: DateTime.DATE_MED,
  long: DateTime.DATE_FULL,
  datetime: DateTime.DATETIME_MED,
};

// Handlebars' escapes, undone for text channels (SMS, calls, letters are never HTML).
const HANDLEBARS_ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#x27;': "'",
  '&#x60;': '`',
  '&#x3D;': '=',
};

/** Per-render settings the helpers read from `options.data`. */
interface RenderData {
  locale: string;
  timeZone: string;
  currency: string;
}

/**
 * Renders message templates: its own Handlebars instance, strict mode (a missing variable is an
 * error naming it), every value HTML-escaped, no prototype access (the data is copied into
 * null-prototype objects, so `{{constructor}}` or `{{__proto__}}` are simply "not available").
 */
/** One problem of a template, located for an editor (line and column 1-based; null when unknown). */
export interface TemplateProblem {
  field: Part;
  line: number | null;
  column: number | null;
  message: string;
  /** The variable, for an unknown one. */
  variable?: string;
}

interface LexerLocation {
  first_line: number;
  first_column: number;
}

export class TemplateRenderer {
  private readonly hb = Handlebars.create();
  private readonly cache = new Map<string, Compiled>();
  private readonly cacheSize: number;

  constructor(private readonly options: TemplateRendererOptions) {
    this.cacheSize = options.cacheSize ?? 500;
    this.hb.unregisterHelper('log'); // templates must not write to the server's log
    this.hb.registerHelper('formatDate', formatDate);
    this.hb.registerHelper('formatMoney', formatMoney);
    this.hb.registerHelper('eq', (...args: unknown[]) => {
      if (args.length !== 3) throw new HelperError('eq takes two values: {{#if (eq a b)}}');
      return args[0] === args[1];
    });
  }

  /**
   * Checks a template before it is stored: syntax (with the line), unknown helpers, raw output,
   * partials; and a subject for email only. Throws ValidationException.
   */
  check(source: TemplateSource): void {
    if (source.channel === Channel.Email) {
      if (!source.subject?.trim()) throw invalid('subject', 'an email template needs a subject');
      this.checkPart('subject', source.subject, trustedRaw(source.channel, 'subject'));
    } else if (source.subject !== null && source.subject !== undefined) {
      throw invalid(
        'subject',
        `only email templates have a subject; ${source.channel} templates have a body only`,
      );
    }
    this.checkPart('body', source.body, trustedRaw(source.channel, 'body'));
  }

  /**
   * Every problem of a template at once, each where it is — the checks of `check`, then every variable
   * the `sample` message (a complete one) does not have, then a render of the sample — for an editor
   * to show inline. Throws nothing; an empty list means the template would be accepted.
   */
  diagnose(source: TemplateSource, sample: MessageContext): TemplateProblem[] {
    const problems: TemplateProblem[] = [];
    const at = (field: Part, message: string, line: number | null = null, column: number | null = null) =>
      problems.push({ field, line, column, message });
    const parts: Part[] = [];
    if (source.channel === Channel.Email) {
      if (!source.subject?.trim()) at('subject', 'an email template needs a subject');
      else parts.push('subject');
    } else if (source.subject !== null && source.subject !== undefined) {
      at('subject', `only email templates have a subject; ${source.channel} templates have a body only`);
    }
    parts.push('body');
    const data = toTemplateData(sample);
    const settings: RenderData = {
      locale: sample.client.locale,
      timeZone: sample.client.timeZone,
      currency: this.options.currency,
    };
    for (const part of parts) {
      const text = part === 'subject' ? (source.subject ?? '') : source.body;
      let program: hbs.AST.Program;
      try {
        program = this.hb.parse(text);
      } catch (e) {
        const loc = (this.hb as unknown as { Parser?: { lexer?: { yylloc?: LexerLocation } } }).Parser?.lexer
          ?.yylloc;
        const problem = compileError(part, e, TEMPLATE_HELPERS);
        at(part, messageOf(part, problem), loc?.first_line ?? lineOf(problem), loc ? loc.first_column + 1 : null);
        continue;
      }
      const forbidden = findForbidden(program, trustedRaw(source.channel, part));
      for (const f of forbidden) at(part, f.reason, f.line, f.column);
      if (forbidden.length > 0) continue;
      try {
        this.hb.precompile(program, COMPILE_OPTIONS);
      } catch (e) {
        const located = e as { lineNumber?: number; column?: number };
        const problem = compileError(part, e, TEMPLATE_HELPERS);
        at(
          part,
          messageOf(part, problem),
          located.lineNumber ?? lineOf(problem),
          typeof located.column === 'number' ? located.column + 1 : null,
        );
        continue;
      }
      const missing = missingVariables(program, data);
      for (const m of missing) problems.push({ field: part, line: m.line, column: m.column, message: m.message, variable: m.variable });
      if (missing.length > 0) continue;
      try {
        this.hb.compile(text, COMPILE_OPTIONS)(data, { data: settings });
      } catch (e) {
        const problem = renderError(part, text, e, data, (t) => this.hb.parse(t));
        at(part, messageOf(part, problem), lineOf(problem));
      }
    }
    return problems;
  }

  render(template: TemplateSource | StoredTemplateSource, context: MessageContext): RenderedMessage {
    const data = toTemplateData(context);
    const settings: RenderData = {
      locale: context.client.locale,
      timeZone: context.client.timeZone,
      currency: this.options.currency,
    };
    const body = this.renderPart(template, 'body', data, settings);
    if (template.channel === Channel.Email) {
      const subject = oneLine(decodeEntities(this.renderPart(template, 'subject', data, settings)));
      if (!subject) throw invalid('subject', 'the subject is empty for this message');
      return { channel: Channel.Email, subject, html: body, text: emailText(body) };
    }
    return { channel: template.channel, text: tidyText(decodeEntities(body)) };
  }

  private checkPart(part: Part, source: string, trustedRaw: readonly string[]): void {
    const program = this.parse(part, source);
    const forbidden = findForbidden(program, trustedRaw);
    if (forbidden.length > 0) {
      const f = forbidden[0];
      throw invalid(part, `line ${f.line}: ${f.reason}`, { line: f.line });
    }
    try {
      // compile() is lazy; precompile() runs the compiler now (unknown helpers, unmatched blocks).
      this.hb.precompile(program, COMPILE_OPTIONS);
    } catch (e) {
      throw compileError(part, e, TEMPLATE_HELPERS);
    }
  }

  private parse(part: Part, source: string): hbs.AST.Program {
    try {
      return this.hb.parse(source);
    } catch (e) {
      throw compileError(part, e, TEMPLATE_HELPERS);
    }
  }

  private renderPart(template: TemplateSource, part: Part, data: unknown, settings: RenderData): string {
    const source = part === 'subject' ? (template.subject ?? '') : template.body;
    const fn = this.compiled(template, part, source);
    try {
      return fn(data, { data: settings });
    } catch (e) {
      throw renderError(part, source, e, data, (s) => this.hb.parse(s));
    }
  }

  private compiled(template: TemplateSource, part: Part, source: string): Compiled {
    const stored = 'id' in template && 'updatedAt' in template ? (template as StoredTemplateSource) : null;
    if (!stored) return this.compile(template.channel, part, source);
    const key = `${stored.id}:${stored.updatedAt.getTime()}:${part}`;
    let fn = this.cache.get(key);
    if (fn) {
      // Least recently used goes first: re-insert on use.
      this.cache.delete(key);
    } else {
      fn = this.compile(template.channel, part, source);
      const oldest = this.cache.keys().next();
      if (this.cache.size >= this.cacheSize && !oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(key, fn);
    return fn;
  }

  private compile(channel: Channel, part: Part, source: string): Compiled {
    // The same checks as before saving: a row written around the API gets no more than one through it.
    this.checkPart(part, source, trustedRaw(channel, part));
    // Never with allowProto* options: prototype access stays denied.
    return this.hb.compile(source, COMPILE_OPTIONS);
  }
}

function messageOf(part: Part, problem: unknown): string {
  const message = problem instanceof Error ? problem.message : String(problem);
  return message.startsWith(`${part}: `) ? message.slice(part.length + 2) : message;
}

function lineOf(problem: unknown): number | null {
  const details = problem instanceof ValidationException ? problem.details : undefined;
  const line = (details as { line?: unknown } | undefined)?.line;
  return typeof line === 'number' ? line : null;
}

/** Raw output only where it is HTML: the body of an email. */
function trustedRaw(channel: Channel, part: Part): readonly string[] {
  return channel === Channel.Email && part === 'body' ? TRUSTED_RAW_VARIABLES : [];
}

// ── helpers ───────────────────────────────────────────────────────────────────

/** `{{formatDate today}}`, `{{formatDate today "short"}}`, `{{formatDate today "dd.MM.yyyy"}}`: client locale and zone. */
function formatDate(...args: unknown[]): string {
  const options = args.pop() as Handlebars.HelperOptions;
  const [value, format] = args;
  if (value === undefined) throw new HelperError('formatDate got no value: check the variable name');
  if (value === null || value === '') return '';
  const data = options.data as RenderData;
  let date: DateTime;
  if (value instanceof Date) date = DateTime.fromJSDate(value);
  else if (typeof value === 'string') date = DateTime.fromISO(value, { zone: data.timeZone });
  else if (typeof value === 'number') date = DateTime.fromMillis(value);
  else throw new HelperError('formatDate takes a date');
  if (!date.isValid) throw new HelperError(`formatDate: "${String(value)}" is not a date`);
  date = date.setZone(data.timeZone).setLocale(data.locale);
  if (format === undefined) return date.toLocaleString(DATE_PRESETS.long);
  if (typeof format !== 'string') throw new HelperError('formatDate: the format is a string');
  const preset = DATE_PRESETS[format];
  return preset ? date.toLocaleString(preset) : date.toFormat(format);
}

/** `{{formatMoney 1500}}` or `{{formatMoney amount "EUR"}}`: the workspace currency by default. */
function formatMoney(...args: unknown[]): string {
  const options = args.pop() as Handlebars.HelperOptions;
  const [value, currency] = args;
  if (value === undefined) throw new HelperError('formatMoney got no value: check the variable name');
  if (value === null || value === '') return '';
  const amount = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(amount)) throw new HelperError(`formatMoney: "${String(value)}" is not a number`);
  const data = options.data as RenderData;
  const code = typeof currency === 'string' ? currency : data.currency;
  try {
    return new Intl.NumberFormat(data.locale, { style: 'currency', currency: code }).format(amount);
  } catch {
    throw new HelperError(`formatMoney: "${code}" is not a currency code`);
  }
}

// ── data ──────────────────────────────────────────────────────────────────────

/**
 * A deep copy in null-prototype objects and arrays: no `constructor`, `__proto__`, `toString`… to
 * reach. Symbol.toPrimitive (unreachable from a template, whose paths are strings) keeps Handlebars'
 * own error messages, which concatenate the object, from throwing.
 */
export function toTemplateData(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    const arr = value.map(toTemplateData);
    Object.setPrototypeOf(arr, null);
    return withPrimitive(arr);
  }
  if (typeof value === 'object') {
    const obj: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(value)) if (typeof v !== 'function') obj[k] = toTemplateData(v);
    return withPrimitive(obj);
  }
  return typeof value === 'function' ? undefined : value;
}

function withPrimitive<T extends object>(obj: T): T {
  Object.defineProperty(obj, Symbol.toPrimitive, { value: () => '[data]', enumerable: false });
  return obj;
}

// ── text ──────────────────────────────────────────────────────────────────────

export function decodeEntities(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#x27|#x60|#x3D);/g, (e) => HANDLEBARS_ENTITIES[e]);
}

function oneLine(text: string): string {
  // A subject is a header: no line breaks, no control characters.
  return text
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Trailing spaces off, at most one blank line in a row, no blank lines at the ends. */
export function tidyText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

// Compiled once: html-to-text's convert() would rebuild its selector tree on every call, which cost
// several times the conversion itself (measured in bench/dispatch-email).
const htmlToText = compileHtmlToText({
  wordwrap: 100,
  selectors: [
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'block' },
  ],
});

function emailText(html: string): string {
  return tidyText(htmlToText(html));
}
