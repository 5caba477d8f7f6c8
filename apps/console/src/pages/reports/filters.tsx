import { useQuery } from '@tanstack/react-query';
import { Button, DatePicker, Form, InputNumber, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { CATEGORIES, type Page, type StaffMember } from '../../api/types';
import type { ReportFilter } from './definitions';

export type PeriodKind = 'month' | 'quarter' | 'year';

/** The kind of a period key: 2026-11, 2026-Q4 or 2026. */
export function periodKind(key: string): PeriodKind {
  if (/^\d{4}-Q[1-4]$/.test(key)) return 'quarter';
  if (/^\d{4}$/.test(key)) return 'year';
  return 'month';
}

/** The key naming the period of `kind` that holds `day`. */
export function periodKey(kind: PeriodKind, day: Dayjs): string {
  if (kind === 'year') return day.format('YYYY');
  if (kind === 'quarter') return `${day.year()}-Q${Math.floor(day.month() / 3) + 1}`;
  return day.format('YYYY-MM');
}

/** The first day of the period a key names. */
export function periodStart(key: string): Dayjs {
  const [year, rest] = key.split('-');
  if (!rest) return dayjs(`${year}-01-01`);
  if (rest.startsWith('Q')) return dayjs(`${year}-01-01`).month((Number(rest.slice(1)) - 1) * 3);
  return dayjs(`${year}-${rest}-01`);
}

/** The last day of the period a key names. */
export function periodEnd(key: string): Dayjs {
  const months = { month: 1, quarter: 3, year: 12 }[periodKind(key)];
  return periodStart(key).add(months, 'month').subtract(1, 'day');
}

/** The months (2026-10 …) and, for a year, the quarters of a period. */
export function periodMonths(key: string): string[] {
  const start = periodStart(key);
  const count = { month: 1, quarter: 3, year: 12 }[periodKind(key)];
  return Array.from({ length: count }, (_, i) => start.add(i, 'month').format('YYYY-MM'));
}

/** This month's key: the period every report reads when none is chosen. */
export const currentPeriod = () => dayjs().format('YYYY-MM');

/** The report's filters, kept in the URL (a link to a report opens it as it was). */
export function useReportParams() {
  const [params, setParams] = useSearchParams();
  const get = (name: string) => params.get(name) ?? undefined;
  const set = (changes: Record<string, string | number | null | undefined>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v === null || v === undefined || v === '') next.delete(k);
          else next.set(k, String(v));
        }
        return next;
      },
      { replace: true },
    );
  return { params, get, set };
}

const PICKER_FORMAT: Record<PeriodKind, string> = { month: 'MMMM YYYY', quarter: 'YYYY-[Q]Q', year: 'YYYY' };

/** The filter bar of a report: only the filters its endpoint takes. */
export function ReportFilters({ filters }: { filters: ReportFilter[] }) {
  const { t } = useTranslation();
  const { get, set } = useReportParams();
  const has = (f: ReportFilter) => filters.includes(f);
  const period = get('period') ?? currentPeriod();
  const kind = periodKind(period);

  const owners = useQuery({
    queryKey: ['staff', 'owners'],
    queryFn: () =>
      unwrap<{ items: StaffMember[] }>(api.GET('/api/v1/staff', { params: { query: { active: true } } })),
    staleTime: 5 * 60_000,
    enabled: has('owner'),
  });
  const segments = useQuery({
    queryKey: ['segments', 'picker'],
    queryFn: () =>
      unwrap<Page<{ id: string; name: string }>>(
        api.GET('/api/v1/segments', { params: { query: { limit: 100 } } }),
      ),
    staleTime: 60_000,
    enabled: has('segment'),
  });

  return (
    <Form layout="inline" aria-label={t('reports.filter.label')} style={{ rowGap: 8, marginBottom: 16 }}>
      {has('period') && (
        <Form.Item label={t('reports.filter.period')} style={{ marginInlineEnd: 12 }}>
          <Space.Compact>
            <Select<PeriodKind>
              aria-label={t('reports.filter.periodKind')}
              value={kind}
              style={{ width: 110 }}
              options={(['month', 'quarter', 'year'] as const).map((k) => ({
                value: k,
                label: t(`reports.filter.${k}`),
              }))}
              onChange={(k) => set({ period: periodKey(k, periodStart(period)) })}
            />
            <DatePicker
              aria-label={t('reports.filter.period')}
              picker={kind}
              allowClear={false}
              value={periodStart(period)}
              format={PICKER_FORMAT[kind]}
              style={{ width: 150 }}
              onChange={(d: Dayjs | null) => d && set({ period: periodKey(kind, d) })}
            />
          </Space.Compact>
        </Form.Item>
      )}
      {has('days') && (
        <Form.Item label={t('reports.filter.days')} style={{ marginInlineEnd: 12 }}>
          <InputNumber
            aria-label={t('reports.filter.days')}
            min={1}
            max={730}
            precision={0}
            value={get('days') ? Number(get('days')) : undefined}
            style={{ width: 90 }}
            onChange={(v) => set({ days: v })}
          />
        </Form.Item>
      )}
      {has('windowDays') && (
        <Form.Item label={t('reports.filter.windowDays')} style={{ marginInlineEnd: 12 }}>
          <InputNumber
            aria-label={t('reports.filter.windowDays')}
            min={1}
            max={730}
            precision={0}
            placeholder="90"
            value={get('windowDays') ? Number(get('windowDays')) : undefined}
            style={{ width: 90 }}
            onChange={(v) => set({ windowDays: v })}
          />
        </Form.Item>
      )}
      {has('category') && (
        <Form.Item style={{ marginInlineEnd: 12 }}>
          <Select
            aria-label={t('reports.filter.category')}
            placeholder={t('reports.filter.allCategories')}
            allowClear
            value={get('category')}
            style={{ width: 150 }}
            options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
            onChange={(v?: string) => set({ category: v })}
          />
        </Form.Item>
      )}
      {has('owner') && (
        <Form.Item style={{ marginInlineEnd: 12 }}>
          <Select
            aria-label={t('reports.filter.owner')}
            placeholder={t('reports.filter.allOwners')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            loading={owners.isPending}
            value={get('owner')}
            style={{ width: 190 }}
            options={[
              { value: 'unassigned', label: t('reports.filter.unassigned') },
              ...(owners.data?.items ?? []).map((s) => ({ value: s.id, label: s.name })),
            ]}
            onChange={(v?: string) => set({ owner: v })}
          />
        </Form.Item>
      )}
      {has('segment') && (
        <Form.Item style={{ marginInlineEnd: 12 }}>
          <Select
            aria-label={t('reports.filter.segment')}
            placeholder={t('reports.filter.allSegments')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            loading={segments.isPending}
            value={get('segment')}
            style={{ width: 190 }}
            options={(segments.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
            onChange={(v?: string) => set({ segment: v })}
          />
        </Form.Item>
      )}
      <Form.Item>
        <Button
          onClick={() =>
            set({ period: null, category: null, owner: null, segment: null, days: null, windowDays: null })
          }
        >
          {t('reports.filter.reset')}
        </Button>
      </Form.Item>
    </Form>
  );
}

/** The API query of a report: the filters it takes, from the URL. */
export function reportQuery(filters: ReportFilter[], get: (name: string) => string | undefined) {
  const query: Record<string, string> = {};
  for (const f of filters) {
    const v = get(f);
    if (v) query[f] = v;
  }
  return query;
}
