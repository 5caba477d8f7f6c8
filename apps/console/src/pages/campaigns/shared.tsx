import { useQuery } from '@tanstack/react-query';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap, type Schemas } from '../../api/client';
import type { Signer, Topic } from '../../api/types';
import { useSession } from '../../auth/session';
import { TAG } from '../../components/colours';

export type Campaign = Schemas['CampaignDto'];
export type CampaignBody = Schemas['CreateCampaignDto'];
export type ChannelRule = Schemas['ChannelRuleDto'];
export type Occurrence = Schemas['OccurrenceDto'];
export type SchedulePreview = Schemas['SchedulePreviewDto'];
export type Edition = Schemas['EditionDto'];
export type EditionBlock = Schemas['EditionBlockDto'];
export type BoardItem = Schemas['BoardOccurrenceDto'];
export type Board = Schemas['CalendarBoardDto'];
export type Run = Schemas['RunDto'];
export type Segment = Schemas['SegmentDto'];

export type CampaignKind = Campaign['kind'];
export type CampaignStatus = Campaign['status'];
export type Priority = Campaign['priority'];
export type BoardStatus = BoardItem['status'];

export const KINDS: CampaignKind[] = ['broadcast', 'ceo-letter', 'plan', 'service'];
export const STATUSES: CampaignStatus[] = ['draft', 'active', 'paused', 'archived'];
export const PRIORITIES: Priority[] = ['normal', 'high', 'must-send'];
export const BOARD_STATUSES: BoardStatus[] = [
  'upcoming',
  'held',
  'missed',
  'running',
  'done',
  'cancelled',
  'failed',
];

export type { Signer, Topic };
export type TemplateSummary = Pick<
  Schemas['TemplateDto'],
  'id' | 'name' | 'channel' | 'locale' | 'subject' | 'description'
>;

const LONG = 5 * 60_000;

export function useTopics() {
  return useQuery({
    queryKey: ['topics'],
    queryFn: () => unwrap<{ items: Topic[] }>(api.GET('/api/v1/topics')),
    staleTime: LONG,
  });
}

export function useSegments() {
  return useQuery({
    queryKey: ['segments', 'all'],
    queryFn: () =>
      unwrap<Schemas['SegmentListDto']>(api.GET('/api/v1/segments', { params: { query: { limit: 200 } } })),
    staleTime: LONG,
  });
}

export function useTemplates() {
  return useQuery({
    queryKey: ['templates', 'all'],
    queryFn: () => unwrap<{ items: TemplateSummary[] }>(api.GET('/api/v1/templates')),
    staleTime: LONG,
  });
}

export function useSigners() {
  return useQuery({
    queryKey: ['signers'],
    queryFn: () => unwrap<{ items: Signer[] }>(api.GET('/api/v1/signers')),
    staleTime: LONG,
  });
}

/** Marketers and admins write campaigns; sales-ops only read them. */
export function useCanWrite(): boolean {
  const { session } = useSession();
  return session?.staff.role === 'admin' || session?.staff.role === 'marketer';
}

export const topicName = (topic: Topic | undefined, key: string, locale: string) =>
  topic ? (locale === 'ru' ? topic.nameRu : topic.nameEn) : key;

export const signerName = (s: Signer, locale: string) =>
  `${(locale === 'en' && s.nameEn) || s.name}, ${(locale === 'en' && s.titleEn) || s.title}`;

const STATUS_COLOUR: Record<CampaignStatus, string> = {
  draft: TAG.grey,
  active: TAG.green,
  paused: TAG.gold,
  archived: TAG.grey,
};

export function CampaignStatusTag({ status }: { status: CampaignStatus }) {
  const { t } = useTranslation();
  return <Tag color={STATUS_COLOUR[status]}>{t(`campaigns.status.${status}`)}</Tag>;
}

const PRIORITY_COLOUR: Record<Priority, string | undefined> = {
  normal: undefined,
  high: TAG.orange,
  'must-send': TAG.red,
};

export function PriorityTag({ priority }: { priority: Priority }) {
  const { t } = useTranslation();
  return <Tag color={PRIORITY_COLOUR[priority]}>{t(`campaigns.priority.${priority}`)}</Tag>;
}

export const BOARD_COLOUR: Record<BoardStatus, string> = {
  upcoming: TAG.blue,
  held: TAG.orange,
  missed: TAG.red,
  running: TAG.gold,
  done: TAG.green,
  cancelled: TAG.grey,
  failed: TAG.red,
};

export function BoardStatusTag({ status }: { status: BoardStatus }) {
  const { t } = useTranslation();
  return <Tag color={BOARD_COLOUR[status]}>{t(`campaigns.board.${status}`)}</Tag>;
}

/** A wall time of the campaign zone ("2026-11-01T10:00") in the person's language. */
export function formatLocal(local: string, locale: string): string {
  const [date, time] = local.split('T');
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) return local || '—';
  const day = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
  const weekday = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
  return `${weekday}, ${day}${time ? `, ${time.slice(0, 5)}` : ''}`;
}

/** Whole days from now until an instant (0 today, negative in the past). */
export const daysUntil = (iso: string, now = Date.now()) =>
  Math.floor((new Date(iso).getTime() - now) / 86_400_000);

/** "channelRules[0].categories" or "schedule.day" → the form's field path. */
export function fieldPath(field: string): (string | number)[] {
  const parts = field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter(Boolean)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (parts.length === 1 && parts[0] === 'schedule') return ['schedule', 'type'];
  return parts;
}

type Translate = (key: string, values?: Record<string, unknown>) => string;

/**
 * A schedule in words. The API words it in English; Russian is worded here from the schedule itself
 * (a custom rule shows the rule).
 */
export function scheduleWords(
  schedule: Record<string, unknown>,
  timeZone: string,
  englishText: string | undefined,
  t: Translate,
  locale: string,
): string {
  if (locale !== 'ru' && englishText) return englishText;
  const s = schedule as {
    type?: string;
    day?: number;
    time?: string;
    at?: string;
    rrule?: string;
    dtstart?: string;
  };
  const zone = ` · ${timeZone}`;
  switch (s.type) {
    case 'monthly':
      return t('campaigns.words.monthly', { day: s.day, time: s.time }) + zone;
    case 'quarterly':
      return t('campaigns.words.quarterly', { time: s.time }) + zone;
    case 'once': {
      const at = s.at ?? '';
      const instant = /([zZ]|[+-]\d\d:?\d\d)$/.test(at) ? new Date(at) : null;
      const when =
        instant && !Number.isNaN(instant.getTime())
          ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
              instant,
            )
          : formatLocal(at, locale);
      return t('campaigns.words.once', { when }) + zone;
    }
    case 'rrule':
      return (
        t('campaigns.words.rrule', { rrule: s.rrule, from: formatLocal(s.dtstart ?? '', locale) }) + zone
      );
    default:
      return englishText ?? '';
  }
}
