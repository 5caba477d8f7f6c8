import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { AuthCard } from '../components/AuthCard';

export default function ForgotPassword() {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (values: { email: string }) => {
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST('/api/v1/auth/password-reset', { body: values }));
      setSent(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title={t('forgot.title')}>
      {sent ? (
        <Alert type="success" showIcon role="status" title={t('forgot.sent')} />
      ) : (
        <>
          <p>{t('forgot.intro')}</p>
          {error ? (
            <div style={{ marginBottom: 16 }}>
              <ApiErrorAlert error={error} />
            </div>
          ) : null}
          <Form layout="vertical" onFinish={submit} requiredMark={false}>
            <Form.Item
              label={t('signIn.email')}
              name="email"
              rules={[{ required: true, message: t('signIn.emailRequired') }]}
            >
              <Input type="email" autoComplete="username" autoFocus />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('forgot.submit')}
            </Button>
          </Form>
        </>
      )}
      <div style={{ marginTop: 16 }}>
        <Link to="/sign-in">{t('forgot.back')}</Link>
      </div>
    </AuthCard>
  );
}
