import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import { TAG } from '../../components/colours';

export type CallTask = Schemas['CallTaskDto'];
export type CallTaskList = Schemas['CallTaskListDto'];
export type CallOutcome = NonNullable<CallTask['outcome']>;
export type OwnerLoad = Schemas['OwnerLoadDto'];

/** The outcomes in the order of their keys (1–5). */
export const OUTCOMES: CallOutcome[] = [
  'reached',
  'no-answer',
  'wrong-number',
  'callback-requested',
  'declined',
];

export const OUTCOME_COLOURS: Record<CallOutcome, string> = {
  reached: TAG.green,
  'no-answer': TAG.gold,
  'wrong-number': TAG.red,
  'callback-requested': TAG.blue,
  declined: TAG.grey,
};

/** VIP first, then A, B, C, then clients without a category. */
const CATEGORY_RANK: Record<string, number> = { VIP: 0, A: 1, B: 2, C: 3 };
export const categoryRank = (c: string | null) => (c ? (CATEGORY_RANK[c] ?? 4) : 5);

/** The queue's order: priority (the client's category), then the due time. */
export function byPriority(a: CallTask, b: CallTask): number {
  return (
    categoryRank(a.client.category) - categoryRank(b.client.category) ||
    a.dueAt.localeCompare(b.dueAt) ||
    a.id.localeCompare(b.id)
  );
}

export function CategoryTag({ category }: { category: string | null }) {
  const { t } = useTranslation();
  if (!category) return null;
  return (
    <Tag color={category === 'VIP' ? TAG.gold : TAG.blue} style={{ marginInlineEnd: 0 }}>
      {t(`category.${category}`, { defaultValue: category })}
    </Tag>
  );
}

export function OutcomeTag({ outcome }: { outcome: CallOutcome }) {
  const { t } = useTranslation();
  return <Tag color={OUTCOME_COLOURS[outcome]}>{t(`calls.outcome.${outcome}`)}</Tag>;
}

/** Every page of a call-task list (the queues are short; a person's day fits in a few pages). */
export async function allPages(fetchPage: (cursor?: string) => Promise<CallTaskList>): Promise<CallTask[]> {
  const items: CallTask[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 10; i += 1) {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return items;
}
