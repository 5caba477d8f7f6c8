import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Button, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import {
  CATEGORIES,
  STAGES,
  type Category,
  type Client,
  type Page,
  type Stage,
  type StaffMember,
} from '../api/types';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { EmptyText } from '../components/EmptyText';
import { TAG } from '../components/colours';
import { PageTitle } from '../components/Shell';
import { formatDate } from '../format';

export const CLIENTS_PAGE_SIZE = 25;

interface Filters {
  q?: string;
  category?: Category;
  stage?: Stage;
  ownerId?: string;
  tag?: string;
  city?: string;
}

const clean = (f: Filters): Filters =>
  Object.fromEntries(
    Object.entries(f).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as Filters;

export default function Clients() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Filters>();
  const [filters, setFilters] = useState<Filters>({});
  // The cursors of the pages seen so far: "previous" goes back one, "next" adds the answer's cursor.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];

  const owners = useQuery({
    queryKey: ['staff', 'owners'],
    queryFn: () =>
      unwrap<{ items: StaffMember[] }>(api.GET('/api/v1/staff', { params: { query: { active: true } } })),
    staleTime: 5 * 60_000,
  });
  const list = useQuery({
    queryKey: ['clients', filters, cursor],
    queryFn: () =>
      unwrap<Page<Client>>(
        api.GET('/api/v1/clients', { params: { query: { ...filters, cursor, limit: CLIENTS_PAGE_SIZE } } }),
      ),
    placeholderData: keepPreviousData,
  });

  const apply = (values: Filters) => {
    setFilters(clean({ ...values, q: values.q?.trim(), tag: values.tag?.trim(), city: values.city?.trim() }));
    setCursors([undefined]);
  };

  return (
    <>
      <PageTitle>{t('clients.title')}</PageTitle>
      <Form
        form={form}
        layout="inline"
        onFinish={apply}
        className="tb-filters"
        aria-label={t('clients.filters')}
      >
        <Space wrap size={[8, 8]}>
          <Form.Item name="q" noStyle>
            <Input.Search
              aria-label={t('clients.search')}
              placeholder={t('clients.search')}
              allowClear
              style={{ width: 320 }}
              onSearch={() => form.submit()}
            />
          </Form.Item>
          <Form.Item name="category" noStyle>
            <Select
              aria-label={t('clients.category')}
              placeholder={t('clients.category')}
              allowClear
              style={{ width: 130 }}
              options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
              onChange={() => form.submit()}
            />
          </Form.Item>
          <Form.Item name="stage" noStyle>
            <Select
              aria-label={t('clients.stage')}
              placeholder={t('clients.stage')}
              allowClear
              style={{ width: 160 }}
              options={STAGES.map((s) => ({ value: s, label: t(`stage.${s}`) }))}
              onChange={() => form.submit()}
            />
          </Form.Item>
          <Form.Item name="ownerId" noStyle>
            <Select
              aria-label={t('clients.owner')}
              placeholder={t('clients.owner')}
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              style={{ width: 200 }}
              loading={owners.isPending}
              options={(owners.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))}
              onChange={() => form.submit()}
            />
          </Form.Item>
          <Form.Item name="tag" noStyle>
            <Input
              aria-label={t('clients.tag')}
              placeholder={t('clients.tag')}
              allowClear
              style={{ width: 130 }}
            />
          </Form.Item>
          <Form.Item name="city" noStyle>
            <Input
              aria-label={t('clients.city')}
              placeholder={t('clients.city')}
              allowClear
              style={{ width: 150 }}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('common.search')}
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              apply({});
            }}
          >
            {t('common.reset')}
          </Button>
        </Space>
      </Form>
      {list.isError ? (
        <ApiErrorAlert error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <>
          <Table<Client>
            rowKey="id"
            size="small"
            loading={list.isFetching}
            pagination={false}
            dataSource={list.data?.items ?? []}
            locale={{ emptyText: <EmptyText>{t('clients.empty')}</EmptyText> }}
            scroll={{ x: 1100 }}
            columns={[
              {
                title: t('clients.name'),
                dataIndex: 'name',
                width: 240,
                render: (name: string, c) => (
                  <>
                    <Link to={`/clients/${c.id}`}>{name}</Link>
                    {c.externalRef && (
                      <div>
                        <Typography.Text type="secondary">{c.externalRef}</Typography.Text>
                      </div>
                    )}
                  </>
                ),
              },
              {
                title: t('clients.category'),
                dataIndex: 'category',
                width: 100,
                render: (c: Category | null) =>
                  c ? (
                    <Tag color={c === 'VIP' ? TAG.gold : undefined}>{t(`category.${c}`)}</Tag>
                  ) : (
                    t('common.none')
                  ),
              },
              {
                title: t('clients.stage'),
                dataIndex: 'stage',
                width: 140,
                render: (s: Stage) => t(`stage.${s}`),
              },
              {
                title: t('clients.owner'),
                dataIndex: 'owner',
                render: (o: Client['owner']) => o?.name ?? t('clients.noOwner'),
              },
              {
                title: t('clients.city'),
                key: 'city',
                render: (_, c) => c.address.city ?? t('common.none'),
              },
              {
                title: t('clients.contact'),
                key: 'contact',
                width: 240,
                render: (_, c) => (
                  <>
                    {c.email && <div>{c.email}</div>}
                    {c.phone && <div>{c.phone}</div>}
                  </>
                ),
              },
              {
                title: t('clients.lastPurchase'),
                dataIndex: 'lastPurchaseAt',
                width: 140,
                render: (d: string | null) => formatDate(d),
              },
            ]}
          />
          <nav className="tb-pager" aria-label={t('clients.title')}>
            <Typography.Text type="secondary">{t('common.page', { n: cursors.length })}</Typography.Text>
            <Button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t('common.previous')}
            </Button>
            <Button
              disabled={!list.data?.nextCursor || list.isPlaceholderData}
              onClick={() => setCursors((c) => [...c, list.data!.nextCursor!])}
            >
              {t('common.next')}
            </Button>
          </nav>
        </>
      )}
    </>
  );
}
