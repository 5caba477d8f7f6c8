import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App as AntApp,
  Button,
  Form,
  Input,
  Modal,
  Popconfirm,
  Result,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { ROLES, type Role, type StaffMember } from '../../api/types';
import { useSession } from '../../auth/session';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { TAG } from '../../components/colours';
import { PageTitle } from '../../components/Shell';
import { formatDateTime } from '../../format';

const STAFF_KEY = ['staff', 'all'];

export default function Staff() {
  const { t } = useTranslation();
  const { session } = useSession();
  // The server refuses anyway; the console does not offer what the role may not do.
  if (session?.staff.role !== 'admin') return <Result status="403" title={t('errors.forbidden')} />;
  return <StaffAdmin selfId={session.staff.id} />;
}

function StaffAdmin({ selfId }: { selfId: string }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [inviting, setInviting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const staff = useQuery({
    queryKey: STAFF_KEY,
    queryFn: () => unwrap<{ items: StaffMember[] }>(api.GET('/api/v1/staff')),
  });
  const done = () => {
    setError(null);
    void message.success(t('staff.saved'));
    return queryClient.invalidateQueries({ queryKey: ['staff'] });
  };
  const changeRole = useMutation({
    mutationFn: ({ id, role }: { id: string; role: Role }) =>
      unwrap(api.PATCH('/api/v1/staff/{id}', { params: { path: { id } }, body: { role } })),
    onSuccess: done,
    onError: setError,
  });
  const setActive = useMutation({
    mutationFn: ({ id, active }: { id: string; active: boolean }) =>
      unwrap(
        active
          ? api.POST('/api/v1/staff/{id}/activate', { params: { path: { id } } })
          : api.POST('/api/v1/staff/{id}/deactivate', { params: { path: { id } } }),
      ),
    onSuccess: done,
    onError: setError,
  });

  return (
    <>
      <PageTitle
        extra={
          <Button type="primary" onClick={() => setInviting(true)}>
            {t('staff.invite')}
          </Button>
        }
      >
        {t('staff.title')}
      </PageTitle>
      {error ? (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={error} />
        </div>
      ) : null}
      {staff.isError ? (
        <ApiErrorAlert error={staff.error} onRetry={() => void staff.refetch()} />
      ) : (
        <Table<StaffMember>
          rowKey="id"
          size="small"
          loading={staff.isPending}
          pagination={false}
          dataSource={staff.data?.items ?? []}
          scroll={{ x: 800 }}
          columns={[
            {
              title: t('staff.name'),
              dataIndex: 'name',
              render: (name: string, s) => (
                <>
                  {name}{' '}
                  {s.id === selfId && <Typography.Text type="secondary">({t('staff.you')})</Typography.Text>}
                </>
              ),
            },
            { title: t('staff.email'), dataIndex: 'email' },
            {
              title: t('staff.role'),
              dataIndex: 'role',
              width: 190,
              render: (role: Role, s) => (
                <Select<Role>
                  aria-label={t('staff.changeRole', { name: s.name })}
                  value={role}
                  disabled={s.id === selfId}
                  style={{ width: 170 }}
                  options={ROLES.map((r) => ({ value: r, label: t(`account.role.${r}`) }))}
                  onChange={(next) => changeRole.mutate({ id: s.id, role: next })}
                />
              ),
            },
            {
              title: t('staff.status'),
              dataIndex: 'active',
              render: (active: boolean, s) => (
                <Space size={4} wrap>
                  <Tag color={active ? TAG.green : TAG.grey}>
                    {active ? t('staff.active') : t('staff.inactive')}
                  </Tag>
                  {s.hasPassword === false && <Tag>{t('staff.noPassword')}</Tag>}
                </Space>
              ),
            },
            {
              title: t('staff.lastSignIn'),
              dataIndex: 'lastSignInAt',
              render: (d: string | null | undefined) => (d ? formatDateTime(d) : t('staff.never')),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_, s) =>
                s.id === selfId ? null : s.active ? (
                  <Popconfirm
                    title={t('staff.deactivateConfirm', { name: s.name })}
                    okText={t('staff.deactivate')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => setActive.mutate({ id: s.id, active: false })}
                  >
                    <Button size="small" danger>
                      {t('staff.deactivate')}
                    </Button>
                  </Popconfirm>
                ) : (
                  <Button size="small" onClick={() => setActive.mutate({ id: s.id, active: true })}>
                    {t('staff.activate')}
                  </Button>
                ),
            },
          ]}
        />
      )}
      <InviteModal open={inviting} onClose={() => setInviting(false)} />
    </>
  );
}

function InviteModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ name: string; email: string; role: Role }>();
  const invite = useMutation({
    mutationFn: (body: { name: string; email: string; role: Role }) =>
      unwrap<StaffMember>(api.POST('/api/v1/staff/invitations', { body })),
    onSuccess: (member) => {
      void message.success(t('staff.invited', { email: member.email }));
      void queryClient.invalidateQueries({ queryKey: ['staff'] });
      form.resetFields();
      onClose();
    },
  });
  return (
    <Modal
      open={open}
      title={t('staff.inviteTitle')}
      okText={t('staff.invite')}
      cancelText={t('common.cancel')}
      confirmLoading={invite.isPending}
      onOk={() => form.submit()}
      onCancel={() => {
        invite.reset();
        onClose();
      }}
      destroyOnHidden
    >
      {invite.isError && (
        <div style={{ marginBottom: 12 }}>
          <ApiErrorAlert error={invite.error} />
        </div>
      )}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ role: 'marketer' }}
        onFinish={(v) => invite.mutate(v)}
      >
        <Form.Item
          label={t('staff.name')}
          name="name"
          rules={[{ required: true, message: t('staff.nameRequired') }]}
        >
          <Input autoFocus />
        </Form.Item>
        <Form.Item
          label={t('staff.email')}
          name="email"
          rules={[{ required: true, message: t('staff.emailRequired') }]}
        >
          <Input type="email" />
        </Form.Item>
        <Form.Item label={t('staff.role')} name="role">
          <Select options={ROLES.map((r) => ({ value: r, label: t(`account.role.${r}`) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
