import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import type { StaffMember, Topic } from '../../api/types';
import { formatNumber } from '../../format';
import { describeRule, type ApiRule } from './rules';

/** The names a rule refers to (account managers, topics) and the rule in words. */
export function useRuleLabels() {
  const { t, i18n } = useTranslation();
  const staff = useQuery({
    queryKey: ['staff', 'owners'],
    queryFn: () =>
      unwrap<{ items: StaffMember[] }>(api.GET('/api/v1/staff', { params: { query: { active: true } } })),
    staleTime: 5 * 60_000,
  });
  const topics = useQuery({
    queryKey: ['topics'],
    queryFn: () => unwrap<{ items: Topic[] }>(api.GET('/api/v1/topics')),
    staleTime: 5 * 60_000,
  });
  return useMemo(() => {
    const owners = new Map((staff.data?.items ?? []).map((s) => [s.id, s.name]));
    const topicName = (tp: Topic) => (i18n.language === 'en' ? tp.nameEn : tp.nameRu);
    const topicNames = new Map((topics.data?.items ?? []).map((tp) => [tp.key, topicName(tp)]));
    const labels = {
      t,
      field: (f: string) => t(`segments.field.${f}`, { defaultValue: f }),
      owner: (id: string) => owners.get(id) ?? id,
      topic: (key: string) => topicNames.get(key) ?? key,
      number: (n: number) => formatNumber(n, i18n.language),
    };
    return {
      ownerOptions: [...owners.entries()].map(([value, label]) => ({ value, label })),
      topicOptions: [...topicNames.entries()].map(([value, label]) => ({ value, label })),
      describe: (rule: ApiRule) => describeRule(rule, labels),
    };
  }, [staff.data, topics.data, t, i18n.language]);
}
