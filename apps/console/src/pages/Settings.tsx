import { Card, List } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useSession } from '../auth/session';
import { PageTitle } from '../components/Shell';

export default function Settings() {
  const { t } = useTranslation();
  const { session } = useSession();
  const admin = session?.staff.role === 'admin';
  return (
    <>
      <PageTitle>{t('settings.title')}</PageTitle>
      <Card size="small">
        <p>{t('settings.intro')}</p>
        {admin && (
          <List
            size="small"
            dataSource={[{ to: '/settings/staff', label: t('settings.staffLink') }]}
            renderItem={(item) => (
              <List.Item>
                <Link to={item.to}>{item.label}</Link>
              </List.Item>
            )}
          />
        )}
        <p>
          <a href="/docs">{t('coming.docs')}</a>
        </p>
      </Card>
    </>
  );
}
