import { Card, Col, Row, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Role } from '../../api/types';
import { useSession } from '../../auth/session';
import { TAG } from '../../components/colours';
import { PageTitle } from '../../components/Shell';
import { DeliverabilityCard } from './DeliverabilityCard';
import { SuppressionCard } from './SuppressionCard';
import { ControlGroupCard } from './ControlGroup';
import { EngagementSettingsCard } from './EngagementSettingsCard';

/** Each settings screen: who sees it, and who may change it (the API refuses the others). */
const SCREENS: {
  key: 'policy' | 'topics' | 'signers' | 'workspace' | 'classification' | 'staff' | 'webhooks';
  path: string;
  see: Role[];
  change: Role[];
}[] = [
  { key: 'policy', path: 'policy', see: ['admin', 'marketer', 'sales-ops'], change: ['admin'] },
  { key: 'topics', path: 'topics', see: ['admin', 'marketer', 'sales-ops'], change: ['admin'] },
  { key: 'signers', path: 'signers', see: ['admin', 'marketer', 'sales-ops'], change: ['admin', 'marketer'] },
  { key: 'workspace', path: 'workspace', see: ['admin', 'marketer', 'sales-ops'], change: ['admin'] },
  {
    key: 'classification',
    path: 'classification',
    see: ['admin', 'marketer', 'sales-ops'],
    change: ['admin'],
  },
  { key: 'staff', path: 'staff', see: ['admin'], change: ['admin'] },
  { key: 'webhooks', path: 'webhooks', see: ['admin'], change: ['admin'] },
];

/** A screen's name and hint (each section names its own). */
const LINK_TEXT: Partial<Record<(typeof SCREENS)[number]['key'], [string, string]>> = {
  staff: ['settings.staffLink', 'settingsAdmin.home.staffHint'],
  webhooks: ['webhooks.homeLink', 'webhooks.homeHint'],
};

export default function Settings() {
  const { t } = useTranslation();
  const { session } = useSession();
  const role = session?.staff.role ?? 'marketer';
  return (
    <>
      <PageTitle>{t('settings.title')}</PageTitle>
      <Typography.Paragraph style={{ maxWidth: 900 }}>{t('settings.intro')}</Typography.Paragraph>
      <Row gutter={[16, 16]} data-testid="settings-home">
        {SCREENS.filter((s) => s.see.includes(role)).map((s) => (
          <Col key={s.key} xs={24} md={12} xl={8}>
            <Card size="small" style={{ height: '100%' }}>
              <Link to={`/settings/${s.path}`} style={{ fontWeight: 600 }}>
                {t(LINK_TEXT[s.key]?.[0] ?? `settingsAdmin.home.${s.key}`)}
              </Link>
              {!s.change.includes(role) && (
                <Tag color={TAG.grey} style={{ marginInlineStart: 8 }}>
                  {t('settingsAdmin.home.readOnlyTag')}
                </Tag>
              )}
              <Typography.Paragraph type="secondary" style={{ margin: '6px 0 0' }}>
                {t(LINK_TEXT[s.key]?.[1] ?? `settingsAdmin.home.${s.key}Hint`)}
              </Typography.Paragraph>
            </Card>
          </Col>
        ))}
      </Row>
      {role === 'admin' && <DeliverabilityCard />}
      {role === 'admin' && <SuppressionCard />}
      <ControlGroupCard />
      <EngagementSettingsCard />
      <p style={{ marginTop: 16 }}>
        <a href="/docs">{t('coming.docs')}</a>
      </p>
    </>
  );
}
