import { Category, Stage } from '@touchbase/clients';
import { Locale } from '@touchbase/core';
import { lastEngagedAtSql } from '@touchbase/links';
import {
  amount,
  amountRange,
  boolean,
  country,
  days,
  listOf,
  none,
  oneOf,
  tag,
  text,
  topic,
  uuid,
  ValueKind,
} from './segment-values';

/**
 * The whitelist of segment fields and operators, and the SQL each one compiles to. The SQL is a
 * boolean over the `clients` table aliased `c`; every expression is written to be TRUE or FALSE,
 * never NULL, so that `not` is always the exact complement of its rule.
 */

/** The only casts a placeholder may carry: fixed strings, never anything from a request. */
export type SqlCast = 'text' | 'text[]' | 'uuid' | 'uuid[]' | 'numeric' | 'int';

/** Adds a parameter and returns its placeholder, e.g. `$3::text`. */
export type Bind = (value: unknown, cast: SqlCast) => string;

export interface OperatorSpec {
  description: string;
  value: ValueKind<unknown>;
  sql(value: unknown, bind: Bind, windowDays: number): string;
  /** The staff members or topics the value names, checked to exist when a segment is saved. */
  references?(value: unknown): { kind: 'owner' | 'topic'; value: string }[];
}

export interface WindowSpec {
  min: number;
  max: number;
  default: number;
  description: string;
}

export interface FieldSpec {
  description: string;
  window?: WindowSpec;
  ops: Record<string, OperatorSpec>;
}

function op<T>(
  value: ValueKind<T>,
  description: string,
  sql: (v: T, bind: Bind, windowDays: number) => string,
  references?: (v: T) => { kind: 'owner' | 'topic'; value: string }[],
): OperatorSpec {
  // The value reaching sql() is always the output of value.parse(), hence a T.
  return {
    description,
    value,
    sql: (v, bind, w) => sql(v as T, bind, w),
    ...(references && { references: (v) => references(v as T) }),
  };
}

interface EqualityOptions {
  /** The column may be NULL: neq / notIn then match the clients with no value. */
  nullable: boolean;
  cast: 'text' | 'uuid';
  /** Compare lower-cased on both sides (city, region). */
  caseInsensitive?: boolean;
  references?: 'owner';
}

/** eq / neq / in / notIn over one column. neq and notIn include the clients with no value. */
function equality(
  column: string,
  what: string,
  one: ValueKind<string>,
  o: EqualityOptions,
): Record<string, OperatorSpec> {
  const col = o.caseInsensitive ? `lower(${column})` : column;
  const single = (b: Bind, v: string) => (o.caseInsensitive ? `lower(${b(v, o.cast)})` : b(v, o.cast));
  const list = (b: Bind, v: string[]) => {
    const array = b(v, o.cast === 'uuid' ? 'uuid[]' : 'text[]');
    return o.caseInsensitive ? `ARRAY(SELECT lower(x) FROM unnest(${array}) x)` : array;
  };
  const present = o.nullable ? `${column} IS NOT NULL AND ` : '';
  const absent = o.nullable ? `${column} IS NULL OR ` : '';
  const ref = o.references;
  const refs = ref ? (v: string | string[]) => [v].flat().map((value) => ({ kind: ref, value })) : undefined;
  const many = listOf(one, `1 to 1000 values, each: ${one.describe.description}`);
  const orUnset = o.nullable ? ' (or is not set)' : '';
  const ci = o.caseInsensitive ? ', ignoring case' : '';
  return {
    eq: op(one, `${what} equals the value${ci}`, (v, b) => `(${present}${col} = ${single(b, v)})`, refs),
    neq: op(
      one,
      `${what} differs from the value${orUnset}${ci}`,
      (v, b) => `(${absent}${col} <> ${single(b, v)})`,
      refs,
    ),
    in: op(
      many,
      `${what} is one of the values${ci}`,
      (v, b) => `(${present}${col} = ANY(${list(b, v)}))`,
      refs,
    ),
    notIn: op(
      many,
      `${what} is none of the values${orUnset}${ci}`,
      (v, b) => `(${absent}${col} <> ALL(${list(b, v)}))`,
      refs,
    ),
  };
}

/** olderThanDays / withinDays / never over a timestamp column. */
function moment(column: string, what: string, olderIncludesNever: boolean): Record<string, OperatorSpec> {
  const cutoff = (b: Bind, n: number) => `now() - make_interval(days => ${b(n, 'int')})`;
  return {
    olderThanDays: op(
      days,
      olderIncludesNever
        ? `${what} more than N days ago, or never`
        : `${what} more than N days ago (not: never)`,
      (n, b) =>
        olderIncludesNever
          ? `(${column} IS NULL OR ${column} < ${cutoff(b, n)})`
          : `(${column} IS NOT NULL AND ${column} < ${cutoff(b, n)})`,
    ),
    withinDays: op(
      days,
      `${what} within the last N days`,
      (n, b) => `(${column} IS NOT NULL AND ${column} >= ${cutoff(b, n)})`,
    ),
    never: op(none, `${what} never`, () => `(${column} IS NULL)`),
  };
}

/** `is true` / `is false` over a boolean expression that is never NULL. */
function flag(expression: string, description: string): Record<string, OperatorSpec> {
  return { is: op(boolean, description, (v) => (v ? expression : `(NOT ${expression})`)) };
}

// A text column counts as present when it holds more than blanks.
const present = (column: string) => `COALESCE(btrim(${column}), '') <> ''`;

function revenueOps(): Record<string, OperatorSpec> {
  // Window first, then the value: the placeholders follow the order of binding.
  const revenue = (b: Bind, w: number) =>
    `COALESCE((SELECT sum(p.amount) FROM purchases p WHERE p.client_id = c.id ` +
    `AND p.purchased_at >= now() - make_interval(days => ${b(w, 'int')})), 0)`;
  const compare = (symbol: string, description: string) =>
    op(amount, description, (v, b, w) => `(${revenue(b, w)} ${symbol} ${b(v, 'numeric')})`);
  return {
    gt: compare('>', 'Revenue over the window is greater than the value'),
    gte: compare('>=', 'Revenue over the window is at least the value'),
    lt: compare('<', 'Revenue over the window is less than the value (clients without purchases have 0)'),
    lte: compare('<=', 'Revenue over the window is at most the value (clients without purchases have 0)'),
    between: op(
      amountRange,
      'Revenue over the window is between min and max, both included',
      (v, b, w) => `(${revenue(b, w)} BETWEEN ${b(v[0], 'numeric')} AND ${b(v[1], 'numeric')})`,
    ),
  };
}

/** The client's last click on a link of a message (NULL: never clicked). */
const LAST_CLICK_SQL = '(SELECT e.last_click_at FROM client_engagement e WHERE e.client_id = c.id)';

/**
 * When the client last engaged, by the one rule (lastEngagedAtSql: last click, last human open, last
 * purchase); a client that never engaged counts from when it was added, so a new client is not "without
 * engagement for 90 days" on its first day.
 */
const ENGAGED_SINCE_SQL =
  `COALESCE((SELECT ${lastEngagedAtSql('c', 'e')} FROM (SELECT 1) one ` +
  `LEFT JOIN client_engagement e ON e.client_id = c.id), c.created_at)`;

function engagementOps(): Record<string, OperatorSpec> {
  const cutoff = (b: Bind, n: number) => `now() - make_interval(days => ${b(n, 'int')})`;
  return {
    olderThanDays: op(
      days,
      'No engagement for N days: no click, no open by a person and no purchase in the last N days ' +
        '(a client that never engaged counts from when it was added)',
      (n, b) => `(${ENGAGED_SINCE_SQL} < ${cutoff(b, n)})`,
    ),
    withinDays: op(
      days,
      'Engaged within the last N days (a click, an open by a person or a purchase; or added since)',
      (n, b) => `(${ENGAGED_SINCE_SQL} >= ${cutoff(b, n)})`,
    ),
  };
}

const TOPIC_SQL = (b: Bind, key: string, subscribed: boolean) =>
  // The effective subscription: the client's explicit choice, else the topic's default.
  `EXISTS (SELECT 1 FROM topics t LEFT JOIN client_topic_subscriptions s ON s.client_id = c.id AND s.topic_key = t.key ` +
  `WHERE t.key = ${b(key, 'text')} AND ${subscribed ? '' : 'NOT '}COALESCE(s.subscribed, t.default_subscribed))`;

export const SEGMENT_FIELDS: Readonly<Record<string, FieldSpec>> = {
  category: {
    description: 'Category: A, B, C (by revenue) or VIP; clients without purchases have none',
    ops: equality('c.category', 'The category', oneOf(Object.values(Category), 'A category'), {
      nullable: true,
      cast: 'text',
    }),
  },
  stage: {
    description: 'Stage in the client pyramid',
    ops: equality('c.stage', 'The stage', oneOf(Object.values(Stage), 'A stage'), {
      nullable: false,
      cast: 'text',
    }),
  },
  owner: {
    description: 'The account manager (a staff member id)',
    ops: {
      ...equality('c.owner_id', 'The owner', uuid, { nullable: true, cast: 'uuid', references: 'owner' }),
      isSet: op(none, 'The client has an owner', () => '(c.owner_id IS NOT NULL)'),
      isNotSet: op(none, 'The client has no owner', () => '(c.owner_id IS NULL)'),
    },
  },
  tags: {
    description: 'Tags (lower-case)',
    ops: {
      contains: op(tag, 'Has the tag', (v, b) => `(c.tags @> ARRAY[${b(v, 'text')}])`),
      containsAny: op(
        listOf(tag, '1 to 1000 tags (matched lower-cased)'),
        'Has at least one of the tags',
        (v, b) => `(c.tags && ${b(v, 'text[]')})`,
      ),
      containsAll: op(
        listOf(tag, '1 to 1000 tags (matched lower-cased)'),
        'Has all of the tags',
        (v, b) => `(c.tags @> ${b(v, 'text[]')})`,
      ),
      isEmpty: op(none, 'Has no tags', () => '(cardinality(c.tags) = 0)'),
    },
  },
  city: {
    description: 'City of the postal address (case-insensitive)',
    ops: equality('c.address_city', 'The city', text('A city', 'Екатеринбург'), {
      nullable: true,
      cast: 'text',
      caseInsensitive: true,
    }),
  },
  region: {
    description: 'Region of the postal address (case-insensitive)',
    ops: equality('c.address_region', 'The region', text('A region', 'Свердловская область'), {
      nullable: true,
      cast: 'text',
      caseInsensitive: true,
    }),
  },
  country: {
    description: 'Country of the postal address (ISO 3166-1 alpha-2)',
    ops: equality('c.address_country', 'The country', country, { nullable: true, cast: 'text' }),
  },
  locale: {
    description: 'The language the client is written to',
    ops: equality('c.locale', 'The locale', oneOf(Object.values(Locale), 'A locale'), {
      nullable: false,
      cast: 'text',
    }),
  },
  revenue: {
    description:
      'Sum of purchase amounts over a trailing window (windowDays, default 365; currencies are not converted)',
    window: { min: 1, max: 3650, default: 365, description: 'The trailing window in days' },
    ops: revenueOps(),
  },
  lastPurchase: {
    description: 'When the client last bought',
    ops: moment('c.last_purchase_at', 'Last purchase', false),
  },
  lastClick: {
    description: 'When the client last clicked a link in a message ("clicked within N days")',
    ops: moment(LAST_CLICK_SQL, 'Last click', false),
  },
  lastEngagement: {
    description:
      'Days without engagement: a click, an open by a person (machine opens do not count) or a purchase',
    ops: engagementOps(),
  },
  lastTouch: {
    description: 'When the client was last touched (a message, call or letter)',
    ops: moment('c.last_touch_at', 'Last touch', false),
  },
  contactVerified: {
    description: 'When the contact data was last verified',
    ops: moment('c.contact_verified_at', 'Contact data verified', true),
  },
  hasEmail: {
    description: 'Whether the client has an email address',
    ops: flag(`(${present('c.email')})`, 'true: has an email address; false: has none'),
  },
  hasPhone: {
    description: 'Whether the client has a phone number',
    ops: flag(`(${present('c.phone')})`, 'true: has a phone number; false: has none'),
  },
  hasAddress: {
    description: 'Whether the client has a full postal address (street line, city, postal code, country)',
    ops: flag(
      `(EXISTS (SELECT 1 FROM unnest(c.address_lines) l WHERE btrim(l) <> '') AND ${present('c.address_city')} ` +
        `AND ${present('c.address_postal_code')} AND ${present('c.address_country')})`,
      'true: has a full postal address; false: lacks some part of it',
    ),
  },
  topicSubscribed: {
    description: "Whether the client is subscribed to a topic (its own choice, else the topic's default)",
    ops: {
      is: op(
        topic,
        'Subscribed (subscribed: true) or not (false) to the topic; an unknown topic matches nobody',
        (v, b) => TOPIC_SQL(b, v.topic, v.subscribed),
        (v) => [{ kind: 'topic', value: v.topic }],
      ),
    },
  },
  optedOut: {
    description: 'Whether the client opted out of everything',
    ops: flag(
      '(EXISTS (SELECT 1 FROM client_preferences cp WHERE cp.client_id = c.id AND cp.opted_out))',
      'true: opted out of everything; false: did not',
    ),
  },
};

export const SEGMENT_FIELD_NAMES: readonly string[] = Object.keys(SEGMENT_FIELDS);
