import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Input, InputNumber, Select, Space, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { createContext, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import {
  initialValue,
  newId,
  type BuilderCondition,
  type BuilderGroup,
  type BuilderNode,
  type GroupKind,
  type SegmentField,
  type SegmentOperator,
} from './rules';

export interface RuleEditorContext {
  fields: SegmentField[];
  owners: { value: string; label: string }[];
  topics: { value: string; label: string }[];
  problems: Map<string, string[]>;
  readOnly: boolean;
  update: (id: string, change: (n: BuilderNode) => BuilderNode | null) => void;
}

const Ctx = createContext<RuleEditorContext | null>(null);
export const RuleEditorProvider = Ctx.Provider;
const useEditor = () => useContext(Ctx)!;

const MAX_DEPTH = 9;

/** A condition on the first field with its first operator. */
export function newCondition(fields: SegmentField[]): BuilderCondition {
  const field = fields[0];
  const op = field?.ops[0];
  return {
    id: newId(),
    kind: 'condition',
    field: field?.field ?? '',
    op: op?.op ?? '',
    value: initialValue(op),
  };
}

export function RuleGroup({ node, depth }: { node: BuilderGroup; depth: number }) {
  const { t } = useTranslation();
  const { fields, readOnly, update, problems } = useEditor();
  const add = (child: BuilderNode) =>
    update(node.id, (n) => (n.kind === 'condition' ? n : { ...n, children: [...n.children, child] }));
  const empty = {
    all: t('segments.group.emptyAll'),
    any: t('segments.group.emptyAny'),
    not: t('segments.group.emptyNot'),
  }[node.kind];
  const own = problems.get(node.id);
  return (
    <section className={`tb-rule-group tb-rule-group-${node.kind}`} data-depth={depth}>
      <div className="tb-rule-group-head">
        <Select<GroupKind>
          aria-label={t('segments.group.label')}
          value={node.kind}
          disabled={readOnly}
          style={{ width: 200 }}
          options={(['all', 'any', 'not'] as const).map((k) => ({
            value: k,
            label: t(`segments.group.${k}`),
          }))}
          onChange={(kind) => update(node.id, (n) => (n.kind === 'condition' ? n : { ...n, kind }))}
        />
        {!readOnly && (
          <Space size={4} wrap>
            <Button size="small" icon={<PlusOutlined />} onClick={() => add(newCondition(fields))}>
              {t('segments.group.addCondition')}
            </Button>
            {depth < MAX_DEPTH && (
              <Button
                size="small"
                icon={<PlusOutlined />}
                onClick={() => add({ id: newId(), kind: 'all', children: [newCondition(fields)] })}
              >
                {t('segments.group.addGroup')}
              </Button>
            )}
            {depth > 0 && (
              <Button
                size="small"
                type="text"
                danger
                icon={<DeleteOutlined />}
                aria-label={t('segments.group.remove')}
                title={t('segments.group.remove')}
                onClick={() => update(node.id, () => null)}
              />
            )}
          </Space>
        )}
      </div>
      {own && <Problems messages={own} />}
      {node.children.length === 0 ? (
        <Typography.Text type="secondary" className="tb-rule-empty">
          {empty}
        </Typography.Text>
      ) : (
        <ul className="tb-rule-children">
          {node.children.map((child) => (
            <li key={child.id}>
              {child.kind === 'condition' ? (
                <RuleCondition node={child} />
              ) : (
                <RuleGroup node={child} depth={depth + 1} />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Problems({ messages }: { messages: string[] }) {
  const { t } = useTranslation();
  return (
    <div className="tb-rule-problem" role="alert">
      {t('segments.problem')}: {messages.join('; ')}
    </div>
  );
}

function fieldLabel(t: TFunction, field: string) {
  return t(`segments.field.${field}`, { defaultValue: field });
}

function RuleCondition({ node }: { node: BuilderCondition }) {
  const { t } = useTranslation();
  const { fields, readOnly, update, problems } = useEditor();
  const field = fields.find((f) => f.field === node.field);
  const op = field?.ops.find((o) => o.op === node.op);
  const set = (change: Partial<BuilderCondition>) =>
    update(node.id, (n) => (n.kind === 'condition' ? { ...n, ...change } : n));
  const own = problems.get(node.id);
  // A value not given yet is said so in the person's language; other problems as the API words them.
  const shown =
    own && op && op.value.type !== 'none' && isEmptyValue(node.value) ? [t('segments.valueMissing')] : own;
  return (
    <div className={`tb-rule-condition${own ? ' tb-rule-condition-invalid' : ''}`} data-field={node.field}>
      <div className="tb-rule-condition-row">
        <Space wrap size={[8, 8]} align="start">
          <Select
            aria-label={t('segments.condition.field')}
            value={node.field}
            disabled={readOnly}
            showSearch={{ optionFilterProp: 'label' }}
            style={{ width: 200 }}
            options={fields.map((f) => ({
              value: f.field,
              label: fieldLabel(t, f.field),
              title: f.description,
            }))}
            onChange={(name: string) => {
              const next = fields.find((f) => f.field === name);
              const first = next?.ops[0];
              set({
                field: name,
                op: first?.op ?? '',
                value: initialValue(first),
                windowDays: next?.windowDays ? next.windowDays.default : undefined,
              });
            }}
          />
          {field && field.ops.length > 1 && (
            <Select
              aria-label={t('segments.condition.op')}
              value={node.op}
              disabled={readOnly}
              style={{ width: 210 }}
              options={field.ops.map((o) => ({
                value: o.op,
                label: t(`segments.op.${o.op}`, { defaultValue: o.op }),
                title: o.description,
              }))}
              onChange={(name: string) => {
                const next = field.ops.find((o) => o.op === name);
                const keep = next && op && next.value.type === op.value.type;
                set({ op: name, value: keep ? node.value : initialValue(next) });
              }}
            />
          )}
          {op && <ValueInput node={node} op={op} onChange={(value) => set({ value })} />}
          {field?.windowDays && (
            <InputNumber<number>
              aria-label={t('segments.condition.windowDays')}
              prefix={t('segments.condition.windowDays')}
              min={field.windowDays.min}
              max={field.windowDays.max}
              disabled={readOnly}
              value={node.windowDays ?? field.windowDays.default}
              style={{ width: 190 }}
              onChange={(v) => set({ windowDays: v ?? undefined })}
            />
          )}
        </Space>
        {!readOnly && (
          <Button
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('segments.condition.remove')}
            title={t('segments.condition.remove')}
            onClick={() => update(node.id, () => null)}
          />
        )}
      </div>
      {shown && <Problems messages={shown} />}
    </div>
  );
}

/** A value the person has not given yet: nothing, blank, an empty list, a topic not chosen. */
export function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0 || v.some((x) => x === null || x === undefined);
  if (typeof v === 'object' && 'topic' in v) return !(v as { topic: string }).topic;
  return false;
}

function enumLabel(t: TFunction, field: string, value: string) {
  if (field === 'category') return t(`category.${value}`, { defaultValue: value });
  if (field === 'stage') return t(`stage.${value}`, { defaultValue: value });
  if (field === 'locale') return t(`segments.locale.${value}`, { defaultValue: value });
  return value;
}

function ValueInput({
  node,
  op,
  onChange,
}: {
  node: BuilderCondition;
  op: SegmentOperator;
  onChange: (v: unknown) => void;
}) {
  const { t } = useTranslation();
  const { owners, topics, readOnly } = useEditor();
  const label = `${t('segments.condition.value')}: ${fieldLabel(t, node.field)}`;
  const kind = op.value;
  const allowed = kind.allowed?.map((v) => ({ value: v, label: enumLabel(t, node.field, v) }));
  const common = { 'aria-label': label, disabled: readOnly };
  switch (kind.type) {
    case 'none':
      return null;
    case 'boolean':
      return (
        <Select<'true' | 'false'>
          {...common}
          style={{ width: 100 }}
          value={node.value === false ? 'false' : 'true'}
          options={[
            { value: 'true', label: t('segments.condition.yes') },
            { value: 'false', label: t('segments.condition.no') },
          ]}
          onChange={(v) => onChange(v === 'true')}
        />
      );
    case 'uuid':
      return (
        <Select
          {...common}
          style={{ width: 220 }}
          showSearch={{ optionFilterProp: 'label' }}
          value={(node.value as string | null) ?? undefined}
          options={owners}
          onChange={onChange}
        />
      );
    case 'uuid[]':
      return (
        <Select
          {...common}
          mode="multiple"
          style={{ minWidth: 240 }}
          showSearch={{ optionFilterProp: 'label' }}
          value={(node.value as string[] | undefined) ?? []}
          options={owners}
          onChange={onChange}
        />
      );
    case 'string':
      return allowed ? (
        <Select
          {...common}
          style={{ width: 180 }}
          value={(node.value as string | null) ?? undefined}
          options={allowed}
          onChange={onChange}
        />
      ) : (
        <Input
          {...common}
          style={{ width: 200 }}
          placeholder={kind.example === undefined ? undefined : String(kind.example)}
          value={(node.value as string | null) ?? ''}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'string[]':
      return (
        <Select
          {...common}
          mode={allowed ? 'multiple' : 'tags'}
          style={{ minWidth: 220 }}
          placeholder={allowed ? undefined : t('segments.condition.tagsHint')}
          value={(node.value as string[] | undefined) ?? []}
          options={allowed ?? []}
          tokenSeparators={allowed ? undefined : [',']}
          onChange={onChange}
        />
      );
    case 'number':
    case 'integer':
      return (
        <InputNumber<number>
          {...common}
          min={kind.min}
          max={kind.max}
          precision={kind.type === 'integer' ? 0 : undefined}
          suffix={kind.type === 'integer' ? t('segments.condition.days') : undefined}
          style={{ width: kind.type === 'integer' ? 150 : 160 }}
          value={typeof node.value === 'number' ? node.value : null}
          onChange={(v) => onChange(v)}
        />
      );
    case '[number, number]': {
      const pair = Array.isArray(node.value) ? (node.value as (number | null)[]) : [null, null];
      return (
        <Space size={4}>
          <InputNumber<number>
            aria-label={`${label}, ${t('segments.condition.from')}`}
            disabled={readOnly}
            min={kind.min}
            max={kind.max}
            placeholder={t('segments.condition.from')}
            value={pair[0]}
            onChange={(v) => onChange([v, pair[1]])}
          />
          <InputNumber<number>
            aria-label={`${label}, ${t('segments.condition.to')}`}
            disabled={readOnly}
            min={kind.min}
            max={kind.max}
            placeholder={t('segments.condition.to')}
            value={pair[1]}
            onChange={(v) => onChange([pair[0], v])}
          />
        </Space>
      );
    }
    case 'topic': {
      const v = (node.value as { topic: string; subscribed: boolean } | undefined) ?? {
        topic: '',
        subscribed: true,
      };
      return (
        <Space size={4} wrap>
          <Select
            aria-label={t('segments.condition.topic')}
            disabled={readOnly}
            style={{ width: 200 }}
            value={v.topic || undefined}
            options={topics}
            onChange={(topic: string) => onChange({ ...v, topic })}
          />
          <Select<'true' | 'false'>
            aria-label={label}
            disabled={readOnly}
            style={{ width: 150 }}
            value={v.subscribed ? 'true' : 'false'}
            options={[
              { value: 'true', label: t('segments.condition.subscribed') },
              { value: 'false', label: t('segments.condition.notSubscribed') },
            ]}
            onChange={(s) => onChange({ ...v, subscribed: s === 'true' })}
          />
        </Space>
      );
    }
    default:
      return null;
  }
}
