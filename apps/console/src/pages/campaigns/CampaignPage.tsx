import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Card,
  Descriptions,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import type { Channel } from '../../api/types';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { EmptyText } from '../../components/EmptyText';
import { TAG } from '../../components/colours';
import { PageLoading } from '../../components/PageLoading';
import { PageTitle } from '../../components/Shell';
import { CampaignAttributionCard } from './CampaignAttributionCard';
import { HoldoutResult } from './HoldoutResult';
import { CampaignExperiment } from './CampaignExperiment';
import { formatDateTime, formatNumber } from '../../format';
import {
  BoardStatusTag,
  CampaignStatusTag,
  PriorityTag,
  daysUntil,
  scheduleWords,
  formatLocal,
  signerName,
  topicName,
  useCanWrite,
  useSegments,
  useSigners,
  useTopics,
  type Board,
  type BoardItem,
  type Campaign,
  type Edition,
  type Occurrence,
  type Run,
  type SchedulePreview,
} from './shared';

const DAY = 86_400_000;
/** An occurrence this close without its edition is flagged in orange (later ones in grey). */
const SOON_DAYS = 31;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The next ten occurrences of a campaign, with what the calendar board says of each. */
export function useUpcoming(campaign: Campaign | undefined) {
  const preview = useQuery({
    queryKey: ['campaigns', campaign?.id, 'upcoming', campaign?.updatedAt],
    queryFn: () =>
      unwrap<SchedulePreview>(
        api.POST('/api/v1/schedules/preview', {
          body: { schedule: campaign!.schedule, timeZone: campaign!.timeZone },
        }),
      ),
    enabled: Boolean(campaign) && campaign?.status !== 'archived',
  });
  const occurrences = preview.data?.occurrences ?? [];
  const last = occurrences.length ? new Date(occurrences[occurrences.length - 1].at).getTime() : 0;
  const from = Date.now() - DAY;
  const to = Math.min(Math.max(last, from + DAY), from + 399 * DAY);
  const board = useQuery({
    queryKey: ['calendar', 'board', 'campaign', campaign?.id, isoDay(from), isoDay(to)],
    queryFn: () =>
      unwrap<Board>(
        api.GET('/api/v1/calendar/board', {
          params: { query: { from: isoDay(from), to: isoDay(to), collisions: 'false' } },
        }),
      ),
    enabled: occurrences.length > 0 && (campaign?.status === 'active' || campaign?.status === 'paused'),
  });
  const byPeriod = new Map<string, BoardItem>();
  for (const item of board.data?.items ?? [])
    if (item.campaignId === campaign?.id) byPeriod.set(item.periodKey, item);
  return { preview, board, occurrences, byPeriod };
}

/** /campaigns/:id — settings, status, upcoming occurrences, editions, runs; activate, pause, run now. */
export default function CampaignPage() {
  const { id } = useParams();
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message, modal } = AntApp.useApp();
  const canWrite = useCanWrite();
  const [actionError, setActionError] = useState<unknown>(null);
  const [runNowOpen, setRunNowOpen] = useState(false);

  const campaign = useQuery({
    queryKey: ['campaigns', id],
    queryFn: () => unwrap<Campaign>(api.GET('/api/v1/campaigns/{id}', { params: { path: { id: id! } } })),
  });
  const c = campaign.data;
  const topics = useTopics();
  const segments = useSegments();
  const signers = useSigners();
  const { preview, board, occurrences, byPeriod } = useUpcoming(c);
  const editions = useQuery({
    queryKey: ['campaigns', id, 'editions'],
    queryFn: () =>
      unwrap<Schemas['EditionListDto']>(
        api.GET('/api/v1/campaigns/{id}/editions', { params: { path: { id: id! }, query: { limit: 100 } } }),
      ),
  });
  const runs = useQuery({
    queryKey: ['runs', 'campaign', id],
    queryFn: () =>
      unwrap<{ items: Run[]; nextCursor: string | null }>(
        api.GET('/api/v1/runs', { params: { query: { campaignId: id, limit: 50 } } }),
      ),
  });

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['campaigns'] });
    void queryClient.invalidateQueries({ queryKey: ['calendar'] });
    void queryClient.invalidateQueries({ queryKey: ['runs'] });
  };
  const needsConfirm = (e: unknown) =>
    e instanceof ApiError &&
    e.status === 409 &&
    (e.body.details ?? []).some((d) => d.field === 'confirmUnsigned');

  const activate = useMutation({
    mutationFn: (confirmUnsigned?: boolean) =>
      unwrap<Campaign>(
        api.POST('/api/v1/campaigns/{id}/activate', {
          params: { path: { id: id! } },
          body: confirmUnsigned ? { confirmUnsigned: true } : {},
        }),
      ),
    onSuccess: (saved) => {
      setActionError(null);
      queryClient.setQueryData(['campaigns', id], saved);
      void message.success(t('campaigns.page.activated'));
      for (const w of saved.warnings ?? []) void message.warning(w);
      refresh();
    },
    onError: (e) => {
      if (needsConfirm(e)) {
        modal.confirm({
          title: t('campaigns.page.unsignedTitle'),
          content: t('campaigns.page.unsignedText'),
          okText: t('campaigns.page.activateAnyway'),
          cancelText: t('common.cancel'),
          onOk: () => activate.mutate(true),
        });
      } else setActionError(e);
    },
  });
  const pause = useMutation({
    mutationFn: () =>
      unwrap<Campaign>(api.POST('/api/v1/campaigns/{id}/pause', { params: { path: { id: id! } } })),
    onSuccess: (saved) => {
      setActionError(null);
      queryClient.setQueryData(['campaigns', id], saved);
      void message.success(t('campaigns.page.paused'));
      refresh();
    },
    onError: setActionError,
  });
  const archive = useMutation({
    mutationFn: () =>
      unwrap<Campaign>(api.DELETE('/api/v1/campaigns/{id}', { params: { path: { id: id! }, query: {} } })),
    onSuccess: () => {
      void message.success(t('campaigns.page.archived'));
      refresh();
      navigate('/campaigns');
    },
    onError: setActionError,
  });

  if (campaign.isError)
    return <ApiErrorAlert error={campaign.error} onRetry={() => void campaign.refetch()} />;
  if (!c) return <PageLoading />;

  const topic = topics.data?.items.find((tp) => tp.key === c.topicKey);
  const segment = segments.data?.items.find((s) => s.id === c.segmentId);
  const signer = signers.data?.items.find((s) => s.id === c.signerId);
  const editionKeys = new Set((editions.data?.items ?? []).map((e) => e.periodKey));
  const scheduled = c.status === 'active';

  return (
    <>
      <PageTitle
        extra={
          canWrite &&
          c.status !== 'archived' && (
            <Space wrap>
              <Button onClick={() => navigate(`/campaigns/${c.id}/edit`)}>{t('campaigns.page.edit')}</Button>
              {c.status === 'active' ? (
                <Button onClick={() => pause.mutate()} loading={pause.isPending}>
                  {t('campaigns.page.pause')}
                </Button>
              ) : (
                <Button onClick={() => activate.mutate(undefined)} loading={activate.isPending}>
                  {t('campaigns.page.activate')}
                </Button>
              )}
              <Button type="primary" onClick={() => setRunNowOpen(true)}>
                {t('campaigns.page.runNow')}
              </Button>
              <Popconfirm
                title={t('campaigns.page.archiveConfirm', { name: c.name })}
                okText={t('campaigns.page.archive')}
                cancelText={t('common.cancel')}
                onConfirm={() => archive.mutate()}
              >
                <Button danger>{t('campaigns.page.archive')}</Button>
              </Popconfirm>
            </Space>
          )
        }
      >
        {c.name}
      </PageTitle>
      <Space size={[8, 8]} wrap style={{ marginBottom: 12 }}>
        <span data-testid="campaign-status">
          <CampaignStatusTag status={c.status} />
        </span>
        <PriorityTag priority={c.priority} />
        <Typography.Text type="secondary">{t(`campaignKind.${c.kind}`)}</Typography.Text>
        <Link to="/campaigns">{t('campaigns.page.toList')}</Link>
      </Space>
      {actionError ? (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={actionError} />
        </div>
      ) : null}
      <Card size="small" title={t('campaigns.page.settings')} style={{ marginBottom: 16 }}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2 }}
          items={[
            {
              key: 'schedule',
              label: t('campaigns.page.schedule'),
              children: scheduleWords(c.schedule, c.timeZone, c.scheduleText, t, i18n.language),
            },
            { key: 'zone', label: t('campaigns.form.timeZone'), children: c.timeZone },
            {
              key: 'segment',
              label: t('campaigns.segment'),
              children: segment?.name ?? (c.segmentId ? '…' : t('campaigns.wholeBase')),
            },
            {
              key: 'topic',
              label: t('campaigns.topic'),
              children: topicName(topic, c.topicKey, i18n.language),
            },
            {
              key: 'channels',
              label: t('campaigns.channels'),
              children: (
                <Space size={[4, 4]} wrap>
                  {c.channels.map((ch) => (
                    <Tag key={ch}>{t(`channel.${ch}`)}</Tag>
                  ))}
                </Space>
              ),
            },
            {
              key: 'rules',
              label: t('campaigns.form.rulesTitle'),
              children: c.channelRules.length
                ? c.channelRules
                    .map(
                      (r) =>
                        `${r.categories.map((x) => t(`category.${x}`)).join(', ')}: ${r.channels
                          .map((ch) => t(`channel.${ch}`))
                          .join(' → ')}`,
                    )
                    .join('; ')
                : t('campaigns.page.noRules'),
            },
            {
              key: 'templates',
              label: t('campaigns.form.templatesTitle'),
              children:
                Object.entries(c.templates)
                  .map(([ch, name]) => `${t(`channel.${ch as Channel}`)}: ${name}`)
                  .join('; ') || t('campaigns.page.noTemplates'),
            },
            {
              key: 'window',
              label: t('campaigns.page.window'),
              children: t('campaigns.page.windowValue', { deadline: c.deadlineHours, grace: c.graceHours }),
            },
            ...(c.signerId
              ? [
                  {
                    key: 'signer',
                    label: t('campaigns.signer'),
                    children: signer ? signerName(signer, i18n.language) : '…',
                  },
                ]
              : []),
            ...(c.fromAddress
              ? [{ key: 'from', label: t('campaigns.form.fromAddress'), children: c.fromAddress }]
              : []),
            {
              key: 'edition',
              label: t('campaigns.form.requiresEdition'),
              children: c.requiresEdition ? t('common.yes') : t('common.no'),
            },
            {
              key: 'activated',
              label: t('campaigns.page.activatedAt'),
              children: formatDateTime(c.activatedAt),
            },
            ...(c.description
              ? [{ key: 'description', label: t('campaigns.form.description'), children: c.description }]
              : []),
          ]}
        />
      </Card>

      <Card
        size="small"
        title={<h2 className="tb-card-title">{t('campaigns.page.upcoming')}</h2>}
        style={{ marginBottom: 16 }}
      >
        {!scheduled && c.status !== 'archived' && (
          <Typography.Paragraph type="secondary">{t('campaigns.page.notScheduled')}</Typography.Paragraph>
        )}
        {preview.isError ? (
          <ApiErrorAlert error={preview.error} onRetry={() => void preview.refetch()} />
        ) : (
          <Table<Occurrence>
            rowKey="at"
            size="small"
            loading={preview.isPending && c.status !== 'archived'}
            pagination={false}
            dataSource={occurrences}
            locale={{ emptyText: <EmptyText>{t('campaigns.noNext')}</EmptyText> }}
            columns={[
              {
                title: t('campaigns.page.when'),
                dataIndex: 'local',
                render: (local: string) => formatLocal(local, i18n.language),
              },
              { title: t('campaigns.page.period'), dataIndex: 'periodKey', width: 150 },
              {
                title: t('campaigns.statusLabel'),
                key: 'status',
                width: 150,
                render: (_, o) => {
                  const item = byPeriod.get(o.periodKey);
                  if (item) return <BoardStatusTag status={item.status} />;
                  return board.isFetching ? (
                    '…'
                  ) : (
                    <Typography.Text type="secondary">{t('campaigns.page.notRunning')}</Typography.Text>
                  );
                },
              },
              ...([...byPeriod.values()].some((i) => i.collisions !== null)
                ? [
                    {
                      title: t('calendar.collisionsLabel'),
                      key: 'collisions',
                      width: 200,
                      render: (_: unknown, o: Occurrence) => {
                        const n = byPeriod.get(o.periodKey)?.collisions;
                        if (n === null || n === undefined) return '—';
                        const day = o.local.slice(0, 10);
                        return n > 0 ? (
                          <Link to={`/simulation?from=${day}&to=${day}`}>
                            {t('calendar.collisions', { count: n, n: formatNumber(n, i18n.language) })}
                          </Link>
                        ) : (
                          t('calendar.noCollisions')
                        );
                      },
                    },
                  ]
                : []),
              ...(c.requiresEdition
                ? [
                    {
                      title: t('campaigns.page.edition'),
                      key: 'edition',
                      width: 280,
                      render: (_: unknown, o: Occurrence) => (
                        <EditionState
                          campaignId={c.id}
                          occurrence={o}
                          ready={editionKeys.has(o.periodKey)}
                          willBeHeld={
                            byPeriod.get(o.periodKey)?.willBeHeld ??
                            (scheduled && !editionKeys.has(o.periodKey))
                          }
                          canWrite={canWrite}
                        />
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Card>

      {(c.requiresEdition || editionKeys.size > 0) && (
        <EditionsCard
          campaign={c}
          editions={editions.data?.items ?? []}
          error={editions.error}
          canWrite={canWrite}
        />
      )}

      <CampaignAttributionCard campaignId={c.id} />
      {c.holdoutShare > 0 && <HoldoutResult campaignId={c.id} share={c.holdoutShare} />}
      <CampaignExperiment campaign={c} />

      <Card size="small" title={<h2 className="tb-card-title">{t('campaigns.page.runs')}</h2>}>
        {runs.isError ? (
          <ApiErrorAlert error={runs.error} onRetry={() => void runs.refetch()} />
        ) : (
          <Table<Run>
            rowKey="id"
            size="small"
            loading={runs.isPending}
            pagination={false}
            dataSource={runs.data?.items ?? []}
            scroll={runs.data?.items.length ? { x: 700 } : undefined}
            locale={{ emptyText: <EmptyText>{t('campaigns.page.noRuns')}</EmptyText> }}
            columns={[
              {
                title: t('campaigns.page.period'),
                dataIndex: 'periodKey',
                render: (key: string, r) => (
                  <Link to={`/runs/${r.id}`}>
                    {r.trigger === 'manual' ? t('campaigns.page.manualRun') : key}
                  </Link>
                ),
              },
              {
                title: t('campaigns.page.when'),
                dataIndex: 'occurrenceAt',
                render: (d: string) => formatDateTime(d),
              },
              {
                title: t('campaigns.statusLabel'),
                dataIndex: 'status',
                render: (s: string) => t(`runStatus.${s}`, { defaultValue: s }),
              },
              {
                title: t('campaigns.page.audience'),
                dataIndex: 'audience',
                align: 'right',
                render: (n: number | null) => (n === null ? '—' : formatNumber(n, i18n.language)),
              },
            ]}
          />
        )}
      </Card>
      <RunNowModal
        open={runNowOpen}
        campaign={c}
        editions={editions.data?.items ?? []}
        onClose={() => setRunNowOpen(false)}
        onDone={(runId) => {
          refresh();
          navigate(`/runs/${runId}`);
        }}
      />
    </>
  );
}

function EditionState({
  campaignId,
  occurrence,
  ready,
  willBeHeld,
  canWrite,
}: {
  campaignId: string;
  occurrence: Occurrence;
  ready: boolean;
  willBeHeld: boolean;
  canWrite: boolean;
}) {
  const { t } = useTranslation();
  const link = `/campaigns/${campaignId}/editions/${encodeURIComponent(occurrence.periodKey)}`;
  if (ready) {
    return (
      <Space size={4}>
        <Tag color={TAG.green}>{t('campaigns.editions.ready')}</Tag>
        {canWrite && <Link to={link}>{t('campaigns.editions.edit')}</Link>}
      </Space>
    );
  }
  const days = daysUntil(occurrence.at);
  return (
    <Space size={4} wrap>
      <Tag color={willBeHeld && days <= SOON_DAYS ? TAG.orange : TAG.grey} data-testid="held-flag">
        {willBeHeld
          ? t('campaigns.editions.willBeHeld', { count: Math.max(days, 0) })
          : t('campaigns.editions.missing')}
      </Tag>
      {canWrite && <Link to={link}>{t('campaigns.editions.create')}</Link>}
    </Space>
  );
}

function EditionsCard({
  campaign,
  editions,
  error,
  canWrite,
}: {
  campaign: Campaign;
  editions: Edition[];
  error: unknown;
  canWrite: boolean;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Card
      size="small"
      title={<h2 className="tb-card-title">{t('campaigns.editions.title')}</h2>}
      style={{ marginBottom: 16 }}
    >
      {error ? (
        <ApiErrorAlert error={error} />
      ) : (
        <Table<Edition>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={editions}
          locale={{ emptyText: <EmptyText>{t('campaigns.editions.empty')}</EmptyText> }}
          columns={[
            {
              title: t('campaigns.page.period'),
              dataIndex: 'periodKey',
              render: (key: string) =>
                canWrite ? (
                  <Link to={`/campaigns/${campaign.id}/editions/${encodeURIComponent(key)}`}>{key}</Link>
                ) : (
                  key
                ),
            },
            {
              title: t('campaigns.editions.subject'),
              key: 'subject',
              render: (_, e) =>
                (i18n.language === 'en' ? e.subjectEn || e.subjectRu : e.subjectRu || e.subjectEn) ?? '—',
            },
            {
              title: t('campaigns.editions.blocks'),
              key: 'blocks',
              align: 'right',
              width: 100,
              render: (_, e) => formatNumber(e.blocks.length, i18n.language),
            },
            {
              title: t('campaigns.editions.updated'),
              dataIndex: 'updatedAt',
              width: 180,
              render: (d: string) => formatDateTime(d),
            },
          ]}
        />
      )}
    </Card>
  );
}

function RunNowModal({
  open,
  campaign,
  editions,
  onClose,
  onDone,
}: {
  open: boolean;
  campaign: Campaign;
  editions: Edition[];
  onClose: () => void;
  onDone: (runId: string) => void;
}) {
  const { t } = useTranslation();
  const [periodKey, setPeriodKey] = useState<string | undefined>();
  const [confirmUnsigned, setConfirmUnsigned] = useState(false);
  const run = useMutation({
    mutationFn: () =>
      unwrap<Schemas['RunNowResultDto']>(
        api.POST('/api/v1/campaigns/{id}/runs', {
          params: { path: { id: campaign.id } },
          body: { ...(periodKey && { periodKey }), ...(confirmUnsigned && { confirmUnsigned: true }) },
        }),
      ),
    onSuccess: (r) => {
      onClose();
      onDone(r.id);
    },
    onError: (e) => {
      if (e instanceof ApiError && (e.body.details ?? []).some((d) => d.field === 'confirmUnsigned')) {
        setConfirmUnsigned(true);
      }
    },
  });
  return (
    <Modal
      open={open}
      title={t('campaigns.page.runNowTitle', { name: campaign.name })}
      okText={confirmUnsigned ? t('campaigns.page.runAnyway') : t('campaigns.page.runNow')}
      cancelText={t('common.cancel')}
      confirmLoading={run.isPending}
      onOk={() => run.mutate()}
      onCancel={() => {
        run.reset();
        setConfirmUnsigned(false);
        onClose();
      }}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('campaigns.page.runNowText')}</Typography.Paragraph>
      {campaign.requiresEdition && (
        <div style={{ marginBottom: 12 }}>
          <label htmlFor="run-now-edition">{t('campaigns.page.runEdition')}</label>
          <Select
            id="run-now-edition"
            aria-label={t('campaigns.page.runEdition')}
            allowClear
            style={{ width: '100%' }}
            placeholder={t('campaigns.page.runEditionCurrent')}
            value={periodKey}
            onChange={setPeriodKey}
            options={editions.map((e) => ({ value: e.periodKey, label: e.periodKey }))}
          />
        </div>
      )}
      {run.isError && <ApiErrorAlert error={run.error} />}
    </Modal>
  );
}
