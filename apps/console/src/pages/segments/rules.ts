import type { TFunction } from 'i18next';
import type { Schemas } from '../../api/client';

/** A field as GET /api/v1/segments/fields describes it. */
export type SegmentField = Schemas['SegmentFieldDto'];
export type SegmentOperator = Schemas['SegmentOperatorDto'];
export type SegmentCount = Schemas['SegmentCountDto'];
export type Segment = Schemas['SegmentDto'];

/** The rule tree as the API stores it (libs/segments segment-rule.ts). */
export type ApiRule =
  | { all: ApiRule[] }
  | { any: ApiRule[] }
  | { not: ApiRule }
  | { field: string; op: string; value?: unknown; windowDays?: number };

export type GroupKind = 'all' | 'any' | 'not';

/** The tree the builder edits: every node has an id (React keys), a "not" holds a list like the others. */
export type BuilderNode = BuilderGroup | BuilderCondition;

export interface BuilderGroup {
  id: string;
  kind: GroupKind;
  children: BuilderNode[];
}

export interface BuilderCondition {
  id: string;
  kind: 'condition';
  field: string;
  op: string;
  value?: unknown;
  windowDays?: number;
}

let nextId = 0;
export const newId = () => `n${(nextId += 1)}`;

export const emptyRoot = (): BuilderGroup => ({ id: newId(), kind: 'all', children: [] });

export function fromApi(rule: ApiRule): BuilderNode {
  if ('all' in rule) return { id: newId(), kind: 'all', children: rule.all.map(fromApi) };
  if ('any' in rule) return { id: newId(), kind: 'any', children: rule.any.map(fromApi) };
  if ('not' in rule) {
    // { not: { all: [...] } } is a "none of" group over the list; { not: x } one over x alone.
    const inner = rule.not;
    const children = 'all' in inner ? inner.all.map(fromApi) : [fromApi(inner)];
    return { id: newId(), kind: 'not', children };
  }
  return { id: newId(), kind: 'condition', ...rule };
}

/** The root the builder shows is always a group. */
export function rootFromApi(rule: ApiRule): BuilderGroup {
  const node = fromApi(rule);
  return node.kind === 'condition' ? { id: newId(), kind: 'all', children: [node] } : node;
}

export function toApi(node: BuilderNode): ApiRule {
  if (node.kind === 'condition') {
    const out: ApiRule = { field: node.field, op: node.op };
    if (node.value !== undefined) out.value = node.value;
    if (node.windowDays !== undefined) out.windowDays = node.windowDays;
    return out;
  }
  const children = node.children.map(toApi);
  if (node.kind === 'all') return { all: children };
  if (node.kind === 'any') return { any: children };
  return { not: children.length === 1 ? children[0] : { all: children } };
}

/**
 * The JSON path the API names a problem with (`rules.all[1].value`) for each node, by id: a problem
 * belongs to the deepest node whose path starts it.
 */
export function nodePaths(root: BuilderGroup): Map<string, string> {
  const paths = new Map<string, string>();
  const walk = (node: BuilderNode, path: string) => {
    paths.set(node.id, path);
    if (node.kind === 'condition') return;
    if (node.kind === 'not') {
      if (node.children.length === 1) walk(node.children[0], `${path}.not`);
      else node.children.forEach((c, i) => walk(c, `${path}.not.all[${i}]`));
      return;
    }
    node.children.forEach((c, i) => walk(c, `${path}.${node.kind}[${i}]`));
  };
  walk(root, 'rules');
  return paths;
}

/** The problems (field → messages) each node owns: the longest node path that prefixes the field. */
export function problemsByNode(
  root: BuilderGroup,
  details: { field: string; messages: string[] }[],
): Map<string, string[]> {
  const paths = [...nodePaths(root).entries()].sort((a, b) => b[1].length - a[1].length);
  const out = new Map<string, string[]>();
  for (const d of details) {
    const owner = paths.find(
      ([, p]) => d.field === p || d.field.startsWith(`${p}.`) || d.field.startsWith(`${p}[`),
    );
    if (!owner) continue;
    out.set(owner[0], [...(out.get(owner[0]) ?? []), ...d.messages]);
  }
  return out;
}

/** Changes the node with the id (or removes it when `change` gives null), returning a new tree. */
export function updateNode(
  root: BuilderGroup,
  id: string,
  change: (n: BuilderNode) => BuilderNode | null,
): BuilderGroup {
  const visit = (node: BuilderNode): BuilderNode | null => {
    if (node.id === id) return change(node);
    if (node.kind === 'condition') return node;
    return {
      ...node,
      children: node.children.map(visit).filter((c): c is BuilderNode => c !== null),
    };
  };
  return (visit(root) as BuilderGroup | null) ?? emptyRoot();
}

/** The value a condition starts with when its operator changes to `op`. */
export function initialValue(op: SegmentOperator | undefined): unknown {
  if (!op) return undefined;
  switch (op.value.type) {
    case 'none':
      return undefined;
    case 'boolean':
      return true;
    case 'string[]':
    case 'uuid[]':
      return [];
    case 'topic':
      return { topic: '', subscribed: true };
    default:
      return null;
  }
}

export interface Labels {
  t: TFunction;
  field: (field: string) => string;
  owner: (id: string) => string;
  topic: (key: string) => string;
  number: (n: number) => string;
}

/** A rule tree in words: "Category is one of VIP, A and not (has the tag dealer)". */
export function describeRule(rule: ApiRule, l: Labels, top = true): string {
  const { t } = l;
  const join = (rules: ApiRule[], word: string, empty: string) => {
    if (rules.length === 0) return empty;
    const parts = rules.map((r) => describeRule(r, l, false));
    const text = parts.join(word);
    return top || parts.length === 1 ? text : `(${text})`;
  };
  if ('all' in rule) return join(rule.all, t('segments.words.and'), t('segments.words.everyone'));
  if ('any' in rule) return join(rule.any, t('segments.words.or'), t('segments.words.nobody'));
  if ('not' in rule) return t('segments.words.not', { rule: describeRule(rule.not, l, true) });
  return describeCondition(rule, l);
}

function describeCondition(
  c: { field: string; op: string; value?: unknown; windowDays?: number },
  l: Labels,
) {
  const { t } = l;
  const field = l.field(c.field);
  const op = t(`segments.op.${c.op}`, { defaultValue: c.op });
  const one = (v: unknown): string => {
    if (typeof v === 'number') return l.number(v);
    if (typeof v !== 'string') return String(v);
    if (c.field === 'owner') return l.owner(v);
    if (c.field === 'category') return t(`category.${v}`, { defaultValue: v });
    if (c.field === 'stage') return t(`stage.${v}`, { defaultValue: v });
    if (c.field === 'locale') return t(`segments.locale.${v}`, { defaultValue: v });
    return v;
  };
  const v = c.value;
  if (c.field === 'topicSubscribed' && v && typeof v === 'object' && 'topic' in v) {
    const topic = v as { topic: string; subscribed: boolean };
    return t(topic.subscribed ? 'segments.words.subscribed' : 'segments.words.notSubscribed', {
      topic: l.topic(topic.topic),
    });
  }
  if (typeof v === 'boolean')
    return `${field}: ${v ? t('segments.condition.yes') : t('segments.condition.no')}`;
  if (c.op === 'olderThanDays' || c.op === 'withinDays' || c.op === 'never') {
    return `${field}: ${t(`segments.words.${c.op}`, { n: typeof v === 'number' ? l.number(v) : '?' })}`;
  }
  let value = '';
  if (Array.isArray(v)) {
    value =
      c.op === 'between' && v.length === 2
        ? t('segments.words.between', { from: one(v[0] ?? '…'), to: one(v[1] ?? '…') })
        : v.map(one).join(', ');
  } else if (v !== undefined && v !== null && v !== '') {
    value = one(v);
  }
  // Not given yet: an ellipsis where the value goes.
  if (!value && c.op !== 'isSet' && c.op !== 'isNotSet' && c.op !== 'isEmpty') value = '…';
  const window = c.windowDays ? ` ${t('segments.words.window', { days: c.windowDays })}` : '';
  // The tag operators name the tags themselves ("has the tag dealer"): the field's name would repeat them.
  return [c.field === 'tags' ? '' : field, op, value].filter(Boolean).join(' ') + window;
}
