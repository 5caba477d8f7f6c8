import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { api, ApiError, unwrap } from '../api/client';
import type { Session } from '../api/types';
import { useSession } from '../auth/session';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { AuthCard } from '../components/AuthCard';

/** Only a path inside the console: never an open redirect. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/overview';
}

export default function SignIn() {
  const { t } = useTranslation();
  const { session, signedIn } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (session) return <Navigate to={safeNext(params.get('next'))} replace />;

  const submit = async (values: { email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const s = await unwrap<Session>(api.POST('/api/v1/auth/sign-in', { body: values }));
      signedIn(s);
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  let problem = null;
  if (error instanceof ApiError && error.status === 401) {
    problem = <Alert type="error" showIcon role="alert" title={t('signIn.wrong')} />;
  } else if (error instanceof ApiError && error.status === 429) {
    const minutes = error.retryAfterSeconds ? Math.ceil(error.retryAfterSeconds / 60) : null;
    problem = (
      <Alert
        type="warning"
        showIcon
        role="alert"
        title={minutes ? t('signIn.throttled', { minutes }) : t('signIn.throttledNoTime')}
      />
    );
  } else if (error) {
    problem = <ApiErrorAlert error={error} />;
  }

  return (
    <AuthCard title={t('signIn.title')}>
      {problem && <div style={{ marginBottom: 16 }}>{problem}</div>}
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          label={t('signIn.email')}
          name="email"
          rules={[{ required: true, message: t('signIn.emailRequired') }]}
        >
          <Input type="email" autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item
          label={t('signIn.password')}
          name="password"
          rules={[{ required: true, message: t('signIn.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t('signIn.submit')}
        </Button>
      </Form>
      <div style={{ marginTop: 16 }}>
        <Link to="/forgot-password">{t('signIn.forgot')}</Link>
      </div>
    </AuthCard>
  );
}
