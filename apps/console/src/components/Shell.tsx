import {
  BarChartOutlined,
  CalendarOutlined,
  ClusterOutlined,
  DashboardOutlined,
  ExperimentOutlined,
  FileTextOutlined,
  ImportOutlined,
  MailOutlined,
  PhoneOutlined,
  PlayCircleOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
  NotificationOutlined,
} from '@ant-design/icons';
import { App as AntApp, Button, Dropdown, Layout, Menu, Segmented, Space, Tag, Typography } from 'antd';
import { Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import type { Locale } from '../api/types';
import { useSession } from '../auth/session';
import { ApiErrorAlert } from './ApiErrorAlert';
import { TAG } from './colours';
import { ErrorBoundary } from './ErrorBoundary';
import { PageLoading } from './PageLoading';

/** The sections, in the order people reach for them (by their jobs). */
export const SECTIONS: { key: string; icon: ReactNode }[] = [
  { key: 'overview', icon: <DashboardOutlined /> },
  { key: 'clients', icon: <TeamOutlined /> },
  { key: 'campaigns', icon: <NotificationOutlined /> },
  { key: 'calendar', icon: <CalendarOutlined /> },
  { key: 'segments', icon: <ClusterOutlined /> },
  { key: 'templates', icon: <FileTextOutlined /> },
  { key: 'simulation', icon: <ExperimentOutlined /> },
  { key: 'runs', icon: <PlayCircleOutlined /> },
  { key: 'calls', icon: <PhoneOutlined /> },
  { key: 'letters', icon: <MailOutlined /> },
  { key: 'imports', icon: <ImportOutlined /> },
  { key: 'reports', icon: <BarChartOutlined /> },
  { key: 'settings', icon: <SettingOutlined /> },
];

export function Shell() {
  const { t, i18n } = useTranslation();
  const { session, signOut, setLocale } = useSession();
  const { message } = AntApp.useApp();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(window.innerWidth < 992);
  const [error, setError] = useState<unknown>(null);
  const section = location.pathname.split('/')[1] || 'overview';
  const staff = session!.staff;

  const items = SECTIONS.map(({ key, icon }) => ({
    key,
    icon,
    label: <Link to={`/${key}`}>{t(`nav.${key}`)}</Link>,
  }));

  const onAccount = async (key: string) => {
    setError(null);
    try {
      await signOut(key === 'everywhere');
      if (key === 'everywhere') void message.success(t('account.signedOutEverywhere'));
      navigate('/sign-in');
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a className="tb-skip" href="#main">
        {t('app.skip')}
      </a>
      <Layout.Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="lg"
        width={220}
        collapsedWidth={64}
        style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
        trigger={
          <span>
            <span aria-hidden="true">{collapsed ? '»' : '«'}</span>
            <span className="tb-sr-only">{collapsed ? t('nav.expand') : t('nav.collapse')}</span>
          </span>
        }
      >
        <div className="tb-brand">{collapsed ? 'tb' : t('app.name')}</div>
        <nav aria-label={t('nav.label')}>
          <Menu theme="dark" mode="inline" selectedKeys={[section]} items={items} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header className="tb-header">
          <Segmented<Locale>
            aria-label={t('language.label')}
            size="small"
            value={i18n.language as Locale}
            options={[
              { value: 'ru', label: 'RU', title: t('language.ru') },
              { value: 'en', label: 'EN', title: t('language.en') },
            ]}
            onChange={(locale) => {
              setError(null);
              setLocale(locale).catch(setError);
            }}
          />
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                { key: 'out', label: t('account.signOut') },
                { key: 'everywhere', label: t('account.signOutEverywhere') },
              ],
              onClick: ({ key }) => void onAccount(key),
            }}
          >
            <Button icon={<UserOutlined />}>
              <span className="tb-sr-only">{t('account.menu')}: </span>
              <Space size={4}>
                <span>{staff.name}</span>
                <Tag style={{ marginInlineEnd: 0 }} color={TAG.blue}>
                  {t(`account.role.${staff.role}`)}
                </Tag>
              </Space>
            </Button>
          </Dropdown>
        </Layout.Header>
        <Layout.Content className="tb-content">
          {/* antd's Content is the page's <main>; the skip link lands here. */}
          <div id="main" tabIndex={-1}>
            {error ? <ApiErrorAlert error={error} /> : null}
            <ErrorBoundary resetKey={location.pathname}>
              <Suspense fallback={<PageLoading />}>
                <Outlet />
              </Suspense>
            </ErrorBoundary>
          </div>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

export function PageTitle({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 12 }}>
      <Typography.Title level={1} className="tb-page-title" style={{ fontSize: 24 }}>
        {children}
      </Typography.Title>
      {extra}
    </div>
  );
}
