import { ArrowLeftOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

/** The way back to the settings home, above a settings screen's title. */
export function SettingsBack() {
  const { t } = useTranslation();
  return (
    <Link to="/settings" style={{ display: 'inline-block', marginBottom: 8 }}>
      <ArrowLeftOutlined /> {t('settingsAdmin.back')}
    </Link>
  );
}
