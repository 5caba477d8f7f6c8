import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
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
import { useSession } from '../auth/session';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { CursorPager, useCursorPages } from '../components/CursorPager';
import { EmptyText } from '../components/EmptyText';
import { TAG } from '../components/colours';
import { PageTitle } from '../components/Shell';
import { formatDate } from '../format';
import { ClientEditor, useOwners } from './ClientEditor';
import { ReassignOwnerModal, type ReassignTarget } from './ReassignOwner';

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
  const pages = useCursorPages();
  const cursor = pages.cursor;

  const navigate = useNavigate();
  const { session } = useSession();
  const keepsBase = session?.staff.role === 'admin' || session?.staff.role === 'sales-ops';
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [reassign, setReassign] = useState<ReassignTarget | null>(null);
  const owners = useOwners();
  const filteredOwner = (owners.data?.items ?? []).find((s: StaffMember) => s.id === filters.ownerId);
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
    pages.reset();
    setSelected([]);
  };

  return (
    <>
      <PageTitle
        extra={
          keepsBase && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('clientBase.new')}
            </Button>
          )
        }
      >
        {t('clients.title')}
      </PageTitle>
      <ClientEditor
        open={creating}
        client={null}
        onClose={() => setCreating(false)}
        onSaved={(saved) => {
          setCreating(false);
          navigate(`/clients/${saved.id}`);
        }}
      />
      <ReassignOwnerModal
        target={reassign}
        onClose={() => setReassign(null)}
        onDone={() => {
          setReassign(null);
          setSelected([]);
        }}
      />
      <Form
        form={form}
        name="client-filters"
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
      {keepsBase && (
        <Space wrap style={{ marginBottom: 12 }}>
          <Button
            disabled={!list.data?.items.length}
            onClick={() =>
              setSelected((s) => [...new Set([...s, ...(list.data?.items ?? []).map((c) => c.id)])])
            }
          >
            {t('clientBase.reassign.selectPage')}
          </Button>
          {selected.length > 0 && (
            <Button onClick={() => setSelected([])}>{t('clientBase.reassign.clear')}</Button>
          )}
          {selected.length > 0 && (
            <Button onClick={() => setReassign({ clientIds: selected })}>
              {t('clientBase.reassign.selected', { count: selected.length })}
            </Button>
          )}
          {filteredOwner && (
            <Button
              onClick={() => setReassign({ fromOwner: { id: filteredOwner.id, name: filteredOwner.name } })}
            >
              {t('clientBase.reassign.all')}
            </Button>
          )}
        </Space>
      )}
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
            // Empty, it has nothing to scroll to (and a scrollable region must hold something focusable).
            scroll={list.data?.items.length ? { x: 1100 } : undefined}
            rowSelection={
              keepsBase
                ? {
                    selectedRowKeys: selected,
                    preserveSelectedRowKeys: true,
                    // The table clones its header into a hidden measuring row: a select-all checkbox
                    // there would be a hidden focusable. "Select the page" is a button instead.
                    hideSelectAll: true,
                    columnTitle: <span className="tb-sr-only">{t('clientBase.reassign.column')}</span>,
                    onChange: (keys) => setSelected(keys as string[]),
                    getCheckboxProps: (c) => ({
                      'aria-label': t('clientBase.reassign.select', { name: c.name }),
                    }),
                  }
                : undefined
            }
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
          <CursorPager
            label={t('clients.title')}
            page={pages.page}
            onPrevious={pages.previous}
            onNext={list.isPlaceholderData ? null : pages.next(list.data?.nextCursor)}
          />
        </>
      )}
    </>
  );
}
