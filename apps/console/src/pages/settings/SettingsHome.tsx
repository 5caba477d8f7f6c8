import { Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { PageTitle } from '../../components/Shell';

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
          <ul className="tb-list">
            <li>
              <Link to="/settings/staff">{t('settings.staffLink')}</Link>
            </li>
          </ul>
        )}
        <p>
          <a href="/docs">{t('coming.docs')}</a>
        </p>
      </Card>
    </>
  );
}
