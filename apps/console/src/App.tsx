import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import ruRU from 'antd/locale/ru_RU';
import { lazy, Suspense, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { ApiError } from './api/client';
import { SESSION_KEY, SessionProvider, useSession } from './auth/session';
import { ErrorBoundary } from './components/ErrorBoundary';
import { PageLoading } from './components/PageLoading';
import { Shell } from './components/Shell';

const SignIn = lazy(() => import('./pages/SignIn'));
const ForgotPassword = lazy(() => import('./pages/ForgotPassword'));
const SetPassword = lazy(() => import('./pages/SetPassword'));
const Overview = lazy(() => import('./pages/Overview'));
const Clients = lazy(() => import('./pages/Clients'));
const ClientPage = lazy(() => import('./pages/ClientPage'));
const NotFound = lazy(() => import('./pages/NotFound'));

/** The sections with routes of their own (pages/<section>/index.tsx), each a lazy chunk. */
const SECTION_ROUTES: Record<string, ReturnType<typeof lazy>> = {
  campaigns: lazy(() => import('./pages/campaigns')),
  calendar: lazy(() => import('./pages/calendar')),
  segments: lazy(() => import('./pages/segments')),
  templates: lazy(() => import('./pages/templates')),
  simulation: lazy(() => import('./pages/simulation')),
  runs: lazy(() => import('./pages/runs')),
  reports: lazy(() => import('./pages/reports')),
  calls: lazy(() => import('./pages/calls')),
  letters: lazy(() => import('./pages/letters')),
  imports: lazy(() => import('./pages/imports')),
  settings: lazy(() => import('./pages/settings')),
};

const queryClient: QueryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, error) =>
        !(error instanceof ApiError && error.status > 0 && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
  queryCache: new QueryCache({
    // A session that ends while a screen is open: back to the sign-in page.
    onError: (error, query) => {
      if (error instanceof ApiError && error.status === 401 && query.queryKey[0] !== SESSION_KEY[0]) {
        queryClient.setQueryData(SESSION_KEY, null);
      }
    },
  }),
});

/**
 * antd's defaults, darkened where their text falls short of WCAG AA contrast (4.5:1) on white:
 * links, secondary and placeholder texts, danger texts.
 */
const THEME: ThemeConfig = {
  token: {
    colorPrimary: '#1f5fbf',
    colorPrimaryHover: '#174a96',
    colorPrimaryActive: '#123b78',
    colorLink: '#1f5fbf',
    colorLinkHover: '#174a96',
    colorInfo: '#1f5fbf',
    colorError: '#c41d1d',
    colorSuccess: '#237804',
    colorWarning: '#ad6800',
    colorTextTertiary: 'rgba(0,0,0,0.62)',
    colorTextDescription: 'rgba(0,0,0,0.62)',
    colorTextPlaceholder: 'rgba(0,0,0,0.6)',
    borderRadius: 4,
  },
};

function RequireSession({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (!session) {
    const next = location.pathname + location.search;
    return (
      <Navigate to={`/sign-in${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />
    );
  }
  return <>{children}</>;
}

function Localized({ nonce, children }: { nonce?: string; children: ReactNode }) {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={i18n.language === 'ru' ? ruRU : enUS}
      csp={nonce ? { nonce } : undefined}
      theme={THEME}
    >
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}

export function App({ nonce }: { nonce?: string }) {
  return (
    <QueryClientProvider client={queryClient}>
      <Localized nonce={nonce}>
        <ErrorBoundary>
          <BrowserRouter basename="/console">
            <SessionProvider fallback={<PageLoading />}>
              <Suspense fallback={<PageLoading />}>
                <Routes>
                  <Route path="/sign-in" element={<SignIn />} />
                  <Route path="/forgot-password" element={<ForgotPassword />} />
                  <Route path="/set-password" element={<SetPassword />} />
                  <Route
                    element={
                      <RequireSession>
                        <Shell />
                      </RequireSession>
                    }
                  >
                    <Route index element={<Navigate to="/overview" replace />} />
                    <Route path="/overview" element={<Overview />} />
                    <Route path="/clients" element={<Clients />} />
                    <Route path="/clients/:id" element={<ClientPage />} />
                    {Object.entries(SECTION_ROUTES).map(([key, Section]) => (
                      <Route key={key} path={`/${key}/*`} element={<Section />} />
                    ))}
                    <Route path="*" element={<NotFound />} />
                  </Route>
                </Routes>
              </Suspense>
            </SessionProvider>
          </BrowserRouter>
        </ErrorBoundary>
      </Localized>
    </QueryClientProvider>
  );
}
