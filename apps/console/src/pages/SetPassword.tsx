import { Alert, Button, Form, Input } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api, unwrap } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { AuthCard } from '../components/AuthCard';

const MIN_LENGTH = 10;

export default function SetPassword() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (values: { password: string }) => {
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST('/api/v1/auth/password', { body: { token, password: values.password } }));
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title={t('setPassword.title')}>
      {!token ? (
        <Alert type="error" showIcon role="alert" title={t('setPassword.noToken')} />
      ) : done ? (
        <Alert type="success" showIcon role="status" title={t('setPassword.done')} />
      ) : (
        <>
          <p>{t('setPassword.intro')}</p>
          {error ? (
            <div style={{ marginBottom: 16 }}>
              <ApiErrorAlert error={error} />
            </div>
          ) : null}
          <Form layout="vertical" onFinish={submit} requiredMark={false}>
            <Form.Item
              label={t('setPassword.password')}
              name="password"
              rules={[{ required: true, min: MIN_LENGTH, message: t('setPassword.tooShort') }]}
            >
              <Input.Password autoComplete="new-password" autoFocus />
            </Form.Item>
            <Form.Item
              label={t('setPassword.confirm')}
              name="confirm"
              dependencies={['password']}
              rules={[
                { required: true, message: t('setPassword.mismatch') },
                ({ getFieldValue }) => ({
                  validator: (_, value) =>
                    value === getFieldValue('password')
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('setPassword.mismatch'))),
                }),
              ]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              {t('setPassword.submit')}
            </Button>
          </Form>
        </>
      )}
      <div style={{ marginTop: 16 }}>
        <Link to="/sign-in">{t('setPassword.signIn')}</Link>
      </div>
    </AuthCard>
  );
}
