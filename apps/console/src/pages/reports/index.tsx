import { Flex } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Route, Routes, useParams, useSearchParams } from 'react-router-dom';
import { PageTitle } from '../../components/Shell';
import NotFound from '../NotFound';
import { REPORT_TABS, REPORTS, type ReportTab } from './definitions';
import { ReportScreen } from './ReportScreen';
import { HoldoutReport } from './HoldoutReport';
import { SurveyReport } from './SurveyReport';
import { AttributionReport } from './AttributionReport';

/** The reports section: one route per report (/reports/coverage …), its filters in the query string. */
export default function ReportsSection() {
  return (
    <Routes>
      <Route index element={<Navigate to="coverage" replace />} />
      <Route path=":report" element={<ReportsPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

// The filters that mean the same in every report travel with a switch of report.
const SHARED = ['period', 'category', 'owner', 'segment'];

function ReportsPage() {
  const { t } = useTranslation();
  const { report } = useParams();
  const [params] = useSearchParams();
  if (!REPORT_TABS.includes(report as ReportTab)) return <NotFound />;
  const tab = report as ReportTab;
  const linkTo = (next: string) => {
    const kept = new URLSearchParams();
    for (const k of SHARED) {
      const v = params.get(k);
      if (v) kept.set(k, v);
    }
    const q = kept.toString();
    return `/reports/${next}${q ? `?${q}` : ''}`;
  };
  return (
    <>
      <PageTitle>{t('reports.title')}</PageTitle>
      {/* Links, not tabs: each report has its own address, and they wrap on a narrow screen. */}
      <nav
        aria-label={t('reports.tabsLabel')}
        style={{ borderBottom: '1px solid #f0f0f0', marginBottom: 16 }}
      >
        <Flex wrap gap="4px 20px" component="ul" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {REPORT_TABS.map((key) => (
            <li key={key}>
              <Link
                to={linkTo(key)}
                aria-current={key === tab ? 'page' : undefined}
                style={{
                  display: 'inline-block',
                  padding: '8px 0',
                  color: key === tab ? '#1f5fbf' : 'rgba(0,0,0,0.88)',
                  fontWeight: key === tab ? 600 : 400,
                  borderBottom: `2px solid ${key === tab ? '#1f5fbf' : 'transparent'}`,
                  marginBottom: -1,
                }}
              >
                {t(key === 'attribution' ? 'attribution.tab' : `reports.tab.${key}`)}
              </Link>
            </li>
          ))}
        </Flex>
      </nav>
      {tab === 'survey' ? (
        <SurveyReport />
      ) : tab === 'attribution' ? (
        <AttributionReport />
      ) : tab === 'holdout' ? (
        <HoldoutReport />
      ) : (
        <ReportScreen key={tab} def={REPORTS[tab]} />
      )}
    </>
  );
}
