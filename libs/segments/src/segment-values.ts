import { isUuid } from '@touchbase/core';
/**
 * The value kinds a segment condition may take: each one checks a raw JSON value and returns its
 * normalised form (the form stored and bound as a parameter), or a message saying what is wrong.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** How a value kind is described in `GET /api/v1/segments/fields` and the OpenAPI docs. */
export interface ValueDescription {
  type:
    | 'none'
    | 'string'
    | 'string[]'
    | 'uuid'
    | 'uuid[]'
    | 'number'
    | '[number, number]'
    | 'integer'
    | 'boolean'
    | 'topic';
  /** The only values allowed (enumerations). */
  allowed?: readonly string[];
  min?: number;
  max?: number;
  /** For lists: the most items allowed. */
  maxItems?: number;
  description: string;
  example?: unknown;
}

export interface ValueKind<T> {
  describe: ValueDescription;
  parse(raw: unknown): Parsed<T>;
}

export interface TopicValue {
  topic: string;
  subscribed: boolean;
}

export const MAX_LIST_ITEMS = 1000;
export const MAX_DAYS = 36_500;
// Well above numeric(16, 2), so any real revenue fits and absurd numbers are refused early.
export const MAX_AMOUNT = 1e14;
const MAX_TEXT = 200;
const MAX_TAG = 50;

// The same rule as the CHECK on topics.key.
const TOPIC_KEY = /^[a-z0-9][a-z0-9-]{0,62}$/;

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string): Parsed<T> => ({ ok: false, message });

/** What a raw JSON value is, for messages ("got an array"). */
export function describeJson(raw: unknown): string {
  if (raw === undefined) return 'nothing';
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'an array';
  if (typeof raw === 'string') return raw.length > 60 ? 'a long string' : `"${raw}"`;
  if (typeof raw === 'object') return 'an object';
  return `${typeof raw} ${String(raw)}`;
}

/** A single string from a fixed set; matched case-insensitively, stored in its canonical case. */
export function oneOf(allowed: readonly string[], description: string): ValueKind<string> {
  return {
    describe: { type: 'string', allowed, description, example: allowed[0] },
    parse: (raw) => {
      const found =
        typeof raw === 'string'
          ? allowed.find((a) => a.toLowerCase() === raw.trim().toLowerCase())
          : undefined;
      return found !== undefined
        ? ok(found)
        : fail(`value must be one of ${allowed.join(', ')}; got ${describeJson(raw)}`);
    },
  };
}

/** A non-empty list (≤ 1000) of items of one kind; duplicates are dropped. */
export function listOf<T>(item: ValueKind<T>, description: string): ValueKind<T[]> {
  return {
    describe: {
      type: item.describe.type === 'uuid' ? 'uuid[]' : 'string[]',
      ...(item.describe.allowed && { allowed: item.describe.allowed }),
      maxItems: MAX_LIST_ITEMS,
      description,
      example: [item.describe.example],
    },
    parse: (raw) => {
      if (!Array.isArray(raw)) return fail(`value must be a non-empty array; got ${describeJson(raw)}`);
      if (raw.length === 0) return fail('value must be a non-empty array');
      if (raw.length > MAX_LIST_ITEMS)
        return fail(`value may hold at most ${MAX_LIST_ITEMS} items; got ${raw.length}`);
      const out: T[] = [];
      const seen = new Set<string>();
      for (let i = 0; i < raw.length; i += 1) {
        const parsed = item.parse(raw[i]);
        if (!parsed.ok) return fail(`value[${i}]: ${parsed.message.replace(/^value /, '')}`);
        const key = JSON.stringify(parsed.value);
        if (!seen.has(key)) out.push(parsed.value);
        seen.add(key);
      }
      return ok(out);
    },
  };
}

export const uuid: ValueKind<string> = {
  describe: {
    type: 'uuid',
    description: 'A staff member id',
    example: '00000000-0000-4000-8000-000000000000',
  },
  parse: (raw) =>
    typeof raw === 'string' && isUuid(raw.trim())
      ? ok(raw.trim().toLowerCase())
      : fail(`value must be a uuid; got ${describeJson(raw)}`),
};

export function text(description: string, example: string): ValueKind<string> {
  return {
    describe: { type: 'string', description, example },
    parse: (raw) => {
      if (typeof raw !== 'string' || raw.trim() === '')
        return fail(`value must be a non-empty string; got ${describeJson(raw)}`);
      if (raw.trim().length > MAX_TEXT) return fail(`value must be at most ${MAX_TEXT} characters`);
      return ok(raw.trim());
    },
  };
}

// Tags are stored trimmed and lower-cased (see normalizeTags in @touchbase/clients).
export const tag: ValueKind<string> = {
  describe: { type: 'string', description: 'A tag (matched lower-cased)', example: 'dealer' },
  parse: (raw) => {
    if (typeof raw !== 'string' || raw.trim() === '')
      return fail(`value must be a non-empty string; got ${describeJson(raw)}`);
    if (raw.trim().length > MAX_TAG) return fail(`value must be at most ${MAX_TAG} characters`);
    return ok(raw.trim().toLowerCase());
  },
};

export const country: ValueKind<string> = {
  describe: { type: 'string', description: 'An ISO 3166-1 alpha-2 country code', example: 'RU' },
  parse: (raw) =>
    typeof raw === 'string' && /^[A-Za-z]{2}$/.test(raw.trim())
      ? ok(raw.trim().toUpperCase())
      : fail(`value must be an ISO 3166-1 alpha-2 country code such as RU; got ${describeJson(raw)}`),
};

export const amount: ValueKind<number> = {
  describe: {
    type: 'number',
    min: -MAX_AMOUNT,
    max: MAX_AMOUNT,
    description: 'An amount of money',
    example: 100000,
  },
  parse: (raw) =>
    typeof raw === 'number' && Number.isFinite(raw) && Math.abs(raw) <= MAX_AMOUNT
      ? ok(raw)
      : fail(`value must be a number between ${-MAX_AMOUNT} and ${MAX_AMOUNT}; got ${describeJson(raw)}`),
};

export const amountRange: ValueKind<[number, number]> = {
  describe: {
    type: '[number, number]',
    min: -MAX_AMOUNT,
    max: MAX_AMOUNT,
    description: '[min, max], both included, min ≤ max',
    example: [50000, 200000],
  },
  parse: (raw) => {
    if (!Array.isArray(raw) || raw.length !== 2)
      return fail(`value must be [min, max]; got ${describeJson(raw)}`);
    const [min, max] = raw.map((v) => amount.parse(v));
    if (!min.ok || !max.ok) return fail('value must be [min, max] with two numbers');
    if (min.value > max.value)
      return fail(`value must be [min, max] with min ≤ max; got [${min.value}, ${max.value}]`);
    return ok([min.value, max.value]);
  },
};

export function integer(min: number, max: number, description: string, example: number): ValueKind<number> {
  return {
    describe: { type: 'integer', min, max, description, example },
    parse: (raw) =>
      typeof raw === 'number' && Number.isInteger(raw) && raw >= min && raw <= max
        ? ok(raw)
        : fail(`value must be a whole number from ${min} to ${max}; got ${describeJson(raw)}`),
  };
}

export const days = integer(0, MAX_DAYS, 'A number of days', 90);

export const boolean: ValueKind<boolean> = {
  describe: { type: 'boolean', description: 'true or false', example: true },
  parse: (raw) =>
    typeof raw === 'boolean' ? ok(raw) : fail(`value must be true or false; got ${describeJson(raw)}`),
};

/** Operators that need no value; null is tolerated because forms often send it. */
export const none: ValueKind<null> = {
  describe: { type: 'none', description: 'No value' },
  parse: (raw) =>
    raw === undefined || raw === null
      ? ok(null)
      : fail(`this operator takes no value; got ${describeJson(raw)}`),
};

function topicKey(raw: unknown): Parsed<string> {
  return typeof raw === 'string' && TOPIC_KEY.test(raw.trim())
    ? ok(raw.trim())
    : fail(`value must name a topic by its key (lower-case letters, digits, -); got ${describeJson(raw)}`);
}

/** `"news"` (subscribed) or `{ "topic": "news", "subscribed": false }`. */
export const topic: ValueKind<TopicValue> = {
  describe: {
    type: 'topic',
    description: 'A topic key (meaning subscribed), or { topic, subscribed }',
    example: { topic: 'news', subscribed: true },
  },
  parse: (raw) => {
    if (typeof raw === 'string') {
      const key = topicKey(raw);
      return key.ok ? ok({ topic: key.value, subscribed: true }) : key;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return fail(`value must be a topic key or { topic, subscribed }; got ${describeJson(raw)}`);
    }
    const o = raw as Record<string, unknown>;
    const extra = Object.keys(o).filter((k) => k !== 'topic' && k !== 'subscribed');
    if (extra.length > 0)
      return fail(`value has unknown keys ${extra.join(', ')}; it takes topic and subscribed`);
    const key = topicKey(o.topic);
    if (!key.ok) return fail(`value.topic must be a topic key; got ${describeJson(o.topic)}`);
    if (o.subscribed !== undefined && typeof o.subscribed !== 'boolean') {
      return fail(`value.subscribed must be true or false; got ${describeJson(o.subscribed)}`);
    }
    return ok({ topic: key.value, subscribed: o.subscribed ?? true });
  },
};
