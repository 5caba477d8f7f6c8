import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

/** An error of the API with its message and each field's details; a retry when one makes sense. */
export function ApiErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const api = error instanceof ApiError ? error : null;
  let message = error instanceof Error ? error.message : String(error);
  if (api?.status === 0) message = t('errors.network');
  else if (api?.status === 403 && !api.body.message) message = t('errors.forbidden');
  const details = api?.body.details ?? [];
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={message}
      description={
        details.length || api?.body.error ? (
          <>
            {details.length > 0 && (
              <ul style={{ margin: 0, paddingLeft: 20 }}>
                {details.map((d) => (
                  <li key={d.field}>
                    {t('errors.field', { field: d.field })}: {d.messages.join('; ')}
                  </li>
                ))}
              </ul>
            )}
            {api?.body.error && <div>{t('errors.code', { code: api.body.error })}</div>}
          </>
        ) : undefined
      }
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('errors.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}
