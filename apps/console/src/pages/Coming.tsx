import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';

/** A section the next parts of the console fill in: says so, and points to the API meanwhile. */
export default function Coming({ screen }: { screen: string }) {
  const { t } = useTranslation();
  return (
    <Result
      status="info"
      title={<h1 style={{ fontSize: 24, margin: 0 }}>{t('coming.title', { screen: t(`nav.${screen}`) })}</h1>}
      subTitle={t('coming.text')}
      extra={
        <Button type="primary" href="/docs">
          {t('coming.docs')}
        </Button>
      }
    />
  );
}
