import { keepPreviousData, useQuery } from '@tanstack/react-query';
import './calendar.css';
import { Alert, Button, Col, Descriptions, Drawer, Row, Segmented, Space, Spin, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { TAG } from '../../components/colours';
import { PageTitle } from '../../components/Shell';
import { formatNumber } from '../../format';
import {
  BOARD_COLOUR,
  BOARD_STATUSES,
  BoardStatusTag,
  CampaignStatusTag,
  PriorityTag,
  formatLocal,
  type Board,
  type BoardItem,
} from '../campaigns/shared';

type View = 'month' | 'quarter';

interface Period {
  view: View;
  year: number;
  /** 0-based first month of the period */
  month: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (y: number, m: number, d: number) => {
  const date = new Date(Date.UTC(y, m, d));
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
};

/** ?view=month&period=2026-11 or ?view=quarter&period=2026-Q4; today's month by default. */
function parsePeriod(params: URLSearchParams): Period {
  const view: View = params.get('view') === 'quarter' ? 'quarter' : 'month';
  const raw = params.get('period') ?? '';
  const now = new Date();
  const quarter = /^(\d{4})-Q([1-4])$/.exec(raw);
  const month = /^(\d{4})-(\d{2})$/.exec(raw);
  let year = now.getFullYear();
  let m = now.getMonth();
  if (quarter) {
    year = Number(quarter[1]);
    m = (Number(quarter[2]) - 1) * 3;
  } else if (month && Number(month[2]) >= 1 && Number(month[2]) <= 12) {
    year = Number(month[1]);
    m = Number(month[2]) - 1;
  }
  if (view === 'quarter') m = Math.floor(m / 3) * 3;
  return { view, year, month: m };
}

const periodParam = (p: Period) =>
  p.view === 'quarter' ? `${p.year}-Q${Math.floor(p.month / 3) + 1}` : `${p.year}-${pad(p.month + 1)}`;

function shift(p: Period, by: number): Period {
  const months = p.view === 'quarter' ? 3 : 1;
  const total = p.year * 12 + p.month + by * months;
  return { ...p, year: Math.floor(total / 12), month: total % 12 };
}

/** The days shown: whole weeks (Monday first) for a month; the months themselves for a quarter. */
function range(p: Period): { from: string; to: string } {
  if (p.view === 'quarter') return { from: ymd(p.year, p.month, 1), to: ymd(p.year, p.month + 3, 0) };
  const first = new Date(Date.UTC(p.year, p.month, 1));
  const lead = (first.getUTCDay() + 6) % 7;
  const last = new Date(Date.UTC(p.year, p.month + 1, 0));
  const trail = 6 - ((last.getUTCDay() + 6) % 7);
  return { from: ymd(p.year, p.month, 1 - lead), to: ymd(p.year, p.month + 1, trail) };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const dayOf = (item: BoardItem) => item.localTime.slice(0, 10);

/** /calendar — every occurrence of every campaign in a month or a quarter. */
export default function CalendarBoard() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const period = parsePeriod(params);
  const { from, to } = range(period);
  const [open, setOpen] = useState<BoardItem | null>(null);

  const board = useQuery({
    queryKey: ['calendar', 'board', from, to],
    queryFn: () =>
      unwrap<Board>(
        api.GET('/api/v1/calendar/board', { params: { query: { from, to, collisions: 'true' } } }),
      ),
    placeholderData: keepPreviousData,
  });
  const byDay = useMemo(() => {
    const map = new Map<string, BoardItem[]>();
    for (const item of board.data?.items ?? []) map.set(dayOf(item), [...(map.get(dayOf(item)) ?? []), item]);
    return map;
  }, [board.data]);

  const go = (p: Period) => setParams({ view: p.view, period: periodParam(p) });
  const today = new Date();
  const title = capitalise(
    period.view === 'quarter'
      ? t('calendar.quarterTitle', { q: Math.floor(period.month / 3) + 1, year: period.year })
      : new Intl.DateTimeFormat(i18n.language, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
          new Date(Date.UTC(period.year, period.month, 1)),
        ),
  );
  const items = board.data?.items ?? [];
  const collided = items.filter((i) => (i.collisions ?? 0) > 0);

  return (
    <>
      <PageTitle>{t('calendar.title')}</PageTitle>
      <div className="tb-calendar-bar">
        <Segmented<View>
          aria-label={t('calendar.view')}
          value={period.view}
          onChange={(view) =>
            go({
              ...period,
              view,
              month: view === 'quarter' ? Math.floor(period.month / 3) * 3 : period.month,
            })
          }
          options={[
            { value: 'month', label: t('calendar.month') },
            { value: 'quarter', label: t('calendar.quarter') },
          ]}
        />
        <Space.Compact>
          <Button onClick={() => go(shift(period, -1))} aria-label={t('calendar.previous')}>
            ←
          </Button>
          <Button onClick={() => go({ ...period, year: today.getFullYear(), month: today.getMonth() })}>
            {t('calendar.today')}
          </Button>
          <Button onClick={() => go(shift(period, 1))} aria-label={t('calendar.next')}>
            →
          </Button>
        </Space.Compact>
        <h2 className="tb-calendar-period" data-testid="calendar-period">
          {title}
        </h2>
        {board.isFetching && <Spin size="small" aria-label={t('common.loading')} />}
      </div>
      <Legend />
      {board.isError ? (
        <ApiErrorAlert error={board.error} onRetry={() => void board.refetch()} />
      ) : (
        <>
          {board.data?.collisionsMessage && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 12 }}
              title={t('calendar.collisionsUnavailable')}
              description={board.data.collisionsMessage}
            />
          )}
          <Typography.Paragraph type="secondary" data-testid="calendar-summary">
            {t('calendar.summary', { count: items.length })}
            {collided.length > 0 && ` · ${t('calendar.collided', { count: collided.length })}`}
          </Typography.Paragraph>
          {period.view === 'month' ? (
            <MonthGrid period={period} byDay={byDay} onOpen={setOpen} />
          ) : (
            <QuarterAgenda period={period} byDay={byDay} onOpen={setOpen} />
          )}
        </>
      )}
      <OccurrenceDrawer item={open} onClose={() => setOpen(null)} />
    </>
  );
}

function Legend() {
  const { t } = useTranslation();
  return (
    <Space size={[4, 4]} wrap className="tb-calendar-legend" aria-label={t('calendar.legend')}>
      {BOARD_STATUSES.map((s) => (
        <BoardStatusTag key={s} status={s} />
      ))}
      <Tag color={TAG.red}>⚠ {t('calendar.collisionLegend')}</Tag>
      <Typography.Text type="secondary">
        ↑ {t('campaigns.priority.high')} · ‼ {t('campaigns.priority.must-send')}
      </Typography.Text>
    </Space>
  );
}

function weekdays(locale: string): string[] {
  // 2024-01-01 was a Monday.
  return Array.from({ length: 7 }, (_, i) =>
    new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' }).format(
      new Date(Date.UTC(2024, 0, 1 + i)),
    ),
  );
}

function MonthGrid({
  period,
  byDay,
  onOpen,
}: {
  period: Period;
  byDay: Map<string, BoardItem[]>;
  onOpen: (item: BoardItem) => void;
}) {
  const { i18n } = useTranslation();
  const { from } = range(period);
  const start = new Date(`${from}T00:00:00Z`);
  const todayKey = ymd(new Date().getFullYear(), new Date().getMonth(), new Date().getDate());
  const weeks: string[][] = [];
  for (let d = 0; ; d += 7) {
    const week = Array.from({ length: 7 }, (_, i) => {
      const day = new Date(start.getTime() + (d + i) * 86_400_000);
      return ymd(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
    });
    if (weeks.length && Number(week[0].slice(5, 7)) - 1 !== period.month) break;
    weeks.push(week);
    if (weeks.length >= 6) break;
  }
  const dayLabel = (key: string) =>
    new Intl.DateTimeFormat(i18n.language, { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(
      new Date(`${key}T00:00:00Z`),
    );
  return (
    <div className="tb-calendar-scroll">
      <table className="tb-calendar">
        <thead>
          <tr>
            {weekdays(i18n.language).map((w) => (
              <th key={w} scope="col">
                {w}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map((week) => (
            <tr key={week[0]}>
              {week.map((key) => {
                const outside = Number(key.slice(5, 7)) - 1 !== period.month;
                const list = byDay.get(key) ?? [];
                return (
                  <td
                    key={key}
                    data-date={key}
                    className={`${outside ? 'tb-outside' : ''} ${key === todayKey ? 'tb-today' : ''}`}
                  >
                    <div className="tb-day-number" aria-label={dayLabel(key)}>
                      {Number(key.slice(8))}
                    </div>
                    <DayOccurrences items={list} onOpen={onOpen} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function QuarterAgenda({
  period,
  byDay,
  onOpen,
}: {
  period: Period;
  byDay: Map<string, BoardItem[]>;
  onOpen: (item: BoardItem) => void;
}) {
  const { t, i18n } = useTranslation();
  const months = [0, 1, 2].map((i) => period.month + i);
  return (
    <Row gutter={[12, 12]}>
      {months.map((m) => {
        const prefix = `${period.year}-${pad(m + 1)}`;
        const days = [...byDay.keys()].filter((k) => k.startsWith(prefix)).sort();
        return (
          <Col xs={24} md={8} key={m}>
            <section className="tb-quarter-month" aria-label={prefix}>
              <h3>
                {new Intl.DateTimeFormat(i18n.language, { month: 'long', timeZone: 'UTC' }).format(
                  new Date(Date.UTC(period.year, m, 1)),
                )}
              </h3>
              {days.length === 0 && (
                <Typography.Text type="secondary">{t('calendar.nothing')}</Typography.Text>
              )}
              {days.map((key) => (
                <div key={key} className="tb-quarter-day" data-date={key}>
                  <div className="tb-quarter-date">
                    {new Intl.DateTimeFormat(i18n.language, {
                      day: 'numeric',
                      weekday: 'short',
                      timeZone: 'UTC',
                    }).format(new Date(`${key}T00:00:00Z`))}
                  </div>
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <DayOccurrences items={byDay.get(key) ?? []} onOpen={onOpen} />
                  </div>
                </div>
              ))}
            </section>
          </Col>
        );
      })}
    </Row>
  );
}

function DayOccurrences({ items, onOpen }: { items: BoardItem[]; onOpen: (item: BoardItem) => void }) {
  return (
    <>
      {items.map((item) => (
        <OccurrenceChip key={`${item.campaignId}-${item.periodKey}`} item={item} onOpen={onOpen} />
      ))}
    </>
  );
}

const PRIORITY_MARK: Record<BoardItem['priority'], string> = { normal: '', high: '↑', 'must-send': '‼' };

function OccurrenceChip({ item, onOpen }: { item: BoardItem; onOpen: (item: BoardItem) => void }) {
  const { t, i18n } = useTranslation();
  const status = t(`campaigns.board.${item.status}`);
  const collisions = item.collisions ?? 0;
  const collisionText =
    collisions > 0
      ? t('calendar.collisions', { count: collisions, n: formatNumber(collisions, i18n.language) })
      : '';
  const priority = t(`campaigns.priority.${item.priority}`);
  const title = [
    item.localTime.slice(11, 16),
    item.campaignName,
    status,
    priority,
    item.willBeHeld ? t('calendar.willBeHeld') : '',
    collisionText,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <button
      type="button"
      className="tb-occurrence"
      style={{ borderLeftColor: BOARD_COLOUR[item.status] }}
      onClick={() => onOpen(item)}
      title={title}
      data-campaign={item.campaignId}
      data-status={item.status}
    >
      <span className="tb-occurrence-line">
        <span className="tb-occurrence-time">{item.localTime.slice(11, 16)}</span>{' '}
        {PRIORITY_MARK[item.priority] && (
          <span className="tb-occurrence-priority" aria-hidden="true">
            {PRIORITY_MARK[item.priority]}{' '}
          </span>
        )}
        <span className="tb-occurrence-name">{item.campaignName}</span>
      </span>
      <span className="tb-occurrence-line">
        <span className="tb-occurrence-status" style={{ color: BOARD_COLOUR[item.status] }}>
          {status}
        </span>
        {item.priority !== 'normal' && <span className="tb-sr-only">, {priority}</span>}
        {item.willBeHeld && <span className="tb-occurrence-held"> · {t('calendar.noEdition')}</span>}
        {collisions > 0 && (
          <span className="tb-occurrence-collisions" data-testid="collisions">
            {' '}
            <span aria-hidden="true">⚠ {formatNumber(collisions, i18n.language)}</span>
            <span className="tb-sr-only">{collisionText}</span>
          </span>
        )}
      </span>
    </button>
  );
}

function OccurrenceDrawer({ item, onClose }: { item: BoardItem | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const day = item ? dayOf(item) : '';
  const collisions = item?.collisions ?? null;
  return (
    <Drawer open={Boolean(item)} onClose={onClose} title={item?.campaignName} size={420} destroyOnHidden>
      {item && (
        <>
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: 'when',
                label: t('calendar.when'),
                children: `${formatLocal(item.localTime, i18n.language)} (${item.timeZone})`,
              },
              {
                key: 'status',
                label: t('calendar.status'),
                children: <BoardStatusTag status={item.status} />,
              },
              {
                key: 'priority',
                label: t('calendar.priority'),
                children: <PriorityTag priority={item.priority} />,
              },
              { key: 'kind', label: t('calendar.kind'), children: t(`campaignKind.${item.campaignKind}`) },
              {
                key: 'campaignStatus',
                label: t('calendar.campaignStatus'),
                children: <CampaignStatusTag status={item.campaignStatus} />,
              },
              { key: 'period', label: t('calendar.period'), children: item.periodKey },
              {
                key: 'channels',
                label: t('calendar.channels'),
                children: item.channels.map((ch) => t(`channel.${ch}`)).join(' → '),
              },
              {
                key: 'edition',
                label: t('calendar.edition'),
                children: item.willBeHeld ? (
                  <span className="tb-warning-text">{t('calendar.willBeHeldLong')}</span>
                ) : (
                  t(`calendar.editionStatus.${item.editionStatus}`, { defaultValue: item.editionStatus })
                ),
              },
              {
                key: 'collisions',
                label: t('calendar.collisionsLabel'),
                children:
                  collisions === null ? (
                    t('calendar.notSimulated')
                  ) : collisions > 0 ? (
                    <span data-testid="drawer-collisions">
                      {t('calendar.collisions', {
                        count: collisions,
                        n: formatNumber(collisions, i18n.language),
                      })}
                    </span>
                  ) : (
                    t('calendar.noCollisions')
                  ),
              },
              ...(item.runId
                ? [
                    {
                      key: 'run',
                      label: t('calendar.run'),
                      children: (
                        <Link to={`/runs/${item.runId}`}>
                          {t(`runStatus.${item.runStatus}`, { defaultValue: item.runStatus ?? '' })}
                        </Link>
                      ),
                    },
                  ]
                : []),
            ]}
          />
          <Space orientation="vertical" style={{ marginTop: 16 }}>
            <Link to={`/campaigns/${item.campaignId}`}>{t('calendar.openCampaign')}</Link>
            {item.willBeHeld && (
              <Link to={`/campaigns/${item.campaignId}/editions/${encodeURIComponent(item.periodKey)}`}>
                {t('calendar.writeEdition')}
              </Link>
            )}
            {collisions !== null && collisions > 0 && (
              <Link to={`/simulation?from=${day}&to=${day}`}>{t('calendar.openSimulation')}</Link>
            )}
          </Space>
        </>
      )}
    </Drawer>
  );
}
