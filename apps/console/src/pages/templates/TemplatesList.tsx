import { Button, Select, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { CHANNELS, type Channel, type Locale } from '../../api/types';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { TAG } from '../../components/colours';
import { EmptyText } from '../../components/EmptyText';
import { PageTitle } from '../../components/Shell';
import { formatDateTime } from '../../format';
import { canWriteTemplates, TEMPLATE_LOCALES, useTemplates, type Template } from './api';

/** One template by name and channel, with its version in each language. */
interface TemplateFamily {
  key: string;
  name: string;
  channel: Channel;
  description: string;
  builtin: boolean;
  updatedAt: string;
  byLocale: Partial<Record<Locale, Template>>;
}

function families(items: Template[]): TemplateFamily[] {
  const out = new Map<string, TemplateFamily>();
  for (const tpl of items) {
    const key = `${tpl.channel}:${tpl.name}`;
    const f = out.get(key) ?? {
      key,
      name: tpl.name,
      channel: tpl.channel,
      description: tpl.description,
      builtin: tpl.builtin,
      updatedAt: tpl.updatedAt,
      byLocale: {},
    };
    f.byLocale[tpl.locale] = tpl;
    if (tpl.updatedAt > f.updatedAt) f.updatedAt = tpl.updatedAt;
    if (!f.description) f.description = tpl.description;
    out.set(key, f);
  }
  return [...out.values()];
}

/** /templates: every template by name and channel, its languages, when it last changed. */
export default function TemplatesList() {
  const { t } = useTranslation();
  const { session } = useSession();
  const [params, setParams] = useSearchParams();
  const channel = (CHANNELS as string[]).includes(params.get('channel') ?? '')
    ? (params.get('channel') as Channel)
    : undefined;
  const list = useTemplates(channel ? { channel } : {});
  const writable = canWriteTemplates(session?.staff.role);
  const rows = families(list.data?.items ?? []);

  return (
    <>
      <PageTitle
        extra={
          writable && (
            <Link to="/templates/new">
              <Button type="primary" tabIndex={-1}>
                {t('templates.create')}
              </Button>
            </Link>
          )
        }
      >
        {t('templates.title')}
      </PageTitle>
      <Space wrap className="tb-filters">
        <Select<Channel | 'all'>
          aria-label={t('templates.filterChannel')}
          style={{ width: 200 }}
          value={channel ?? 'all'}
          options={[
            { value: 'all', label: t('templates.allChannels') },
            ...CHANNELS.map((ch) => ({ value: ch, label: t(`channel.${ch}`) })),
          ]}
          onChange={(v) => setParams(v === 'all' ? {} : { channel: v }, { replace: true })}
        />
      </Space>
      {list.isError ? (
        <ApiErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <Table<TemplateFamily>
          rowKey="key"
          size="small"
          loading={list.isFetching}
          pagination={false}
          dataSource={rows}
          scroll={{ x: 640 }}
          locale={{
            emptyText: <EmptyText>{channel ? t('templates.emptyChannel') : t('templates.empty')}</EmptyText>,
          }}
          columns={[
            {
              title: t('templates.name'),
              dataIndex: 'name',
              sorter: (a, b) => a.name.localeCompare(b.name),
              defaultSortOrder: 'ascend',
              render: (name: string, f) => {
                const first = f.byLocale.ru ?? f.byLocale.en!;
                return (
                  <>
                    <Link to={`/templates/${first.id}`}>{name}</Link>{' '}
                    {f.builtin && <Tag color={TAG.grey}>{t('templates.builtin')}</Tag>}
                    {f.description && (
                      <div>
                        <Typography.Text type="secondary">{f.description}</Typography.Text>
                      </div>
                    )}
                  </>
                );
              },
            },
            {
              title: t('templates.channel'),
              dataIndex: 'channel',
              width: 110,
              sorter: (a, b) => a.channel.localeCompare(b.channel),
              render: (ch: Channel) => t(`channel.${ch}`),
            },
            {
              title: t('templates.locales'),
              key: 'locales',
              width: 110,
              render: (_, f) => (
                <Space size={4}>
                  {TEMPLATE_LOCALES.filter((l) => f.byLocale[l]).map((l) => (
                    <Link
                      key={l}
                      to={`/templates/${f.byLocale[l]!.id}`}
                      aria-label={`${t(`templates.localeShort.${l}`)} · ${f.name}, ${t(`templates.localeName.${l}`)}`}
                    >
                      <Tag color={TAG.blue}>{t(`templates.localeShort.${l}`)}</Tag>
                    </Link>
                  ))}
                </Space>
              ),
            },
            {
              title: t('templates.updated'),
              dataIndex: 'updatedAt',
              width: 150,
              sorter: (a, b) => a.updatedAt.localeCompare(b.updatedAt),
              render: (d: string) => formatDateTime(d),
            },
          ]}
        />
      )}
    </>
  );
}
