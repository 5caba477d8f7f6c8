import { Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { PageTitle } from '../../components/Shell';
import NotFound from '../NotFound';
import { REPORT_TABS, REPORTS, type ReportTab } from './definitions';
import { ReportScreen } from './ReportScreen';
import { SurveyReport } from './SurveyReport';

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
  const navigate = useNavigate();
  if (!REPORT_TABS.includes(report as ReportTab)) return <NotFound />;
  const tab = report as ReportTab;
  const open = (next: string) => {
    const kept = new URLSearchParams();
    for (const k of SHARED) {
      const v = params.get(k);
      if (v) kept.set(k, v);
    }
    const q = kept.toString();
    void navigate(`/reports/${next}${q ? `?${q}` : ''}`);
  };
  return (
    <>
      <PageTitle>{t('reports.title')}</PageTitle>
      <Tabs
        activeKey={tab}
        onChange={open}
        aria-label={t('reports.tabsLabel')}
        items={REPORT_TABS.map((key) => ({ key, label: t(`reports.tab.${key}`) }))}
      />
      {tab === 'survey' ? <SurveyReport /> : <ReportScreen key={tab} def={REPORTS[tab]} />}
    </>
  );
}
