import { Card, Segmented, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Locale } from '../api/types';
import { applyLocale } from '../i18n';

/** The frame of the pages before sign-in: the title, the language switch, the form. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="tb-auth">
      <main id="main" className="tb-auth-card">
        <Card>
          <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 8 }}>
            <Typography.Text strong>{t('app.console')}</Typography.Text>
            <Segmented<Locale>
              aria-label={t('language.label')}
              size="small"
              value={i18n.language as Locale}
              options={[
                { value: 'ru', label: 'RU', title: t('language.ru') },
                { value: 'en', label: 'EN', title: t('language.en') },
              ]}
              onChange={applyLocale}
            />
          </div>
          <Typography.Title level={1} style={{ fontSize: 22, marginTop: 16 }}>
            {title}
          </Typography.Title>
          {children}
        </Card>
      </main>
    </div>
  );
}
