import { Result, Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { useSession } from '../../auth/session';
import { PageTitle } from '../../components/Shell';
import NotFound from '../NotFound';
import MyCalls from './MyCalls';
import Team from './Team';

/** The calls section: an account manager's own calls (/calls) and the team (/calls/team). */
export default function CallsSection() {
  const { t } = useTranslation();
  const { session } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  // The call tasks are sales ops' (and admins') work; the server refuses marketers anyway.
  if (session?.staff.role === 'marketer') return <Result status="403" title={t('calls.forbidden')} />;
  const path = location.pathname.replace(/\/+$/, '');
  const view = path.endsWith('/calls/team') ? 'team' : path.endsWith('/calls') ? 'mine' : null;
  if (!view) return <NotFound />;
  return (
    <>
      <PageTitle
        extra={
          <Segmented
            aria-label={t('calls.nav')}
            value={view}
            onChange={(v) => navigate(v === 'team' ? '/calls/team' : '/calls')}
            options={[
              { value: 'mine', label: t('calls.mine') },
              { value: 'team', label: t('calls.team') },
            ]}
          />
        }
      >
        {view === 'team' ? t('calls.team') : t('calls.mine')}
      </PageTitle>
      <Routes>
        <Route index element={<MyCalls />} />
        <Route path="team" element={<Team />} />
      </Routes>
    </>
  );
}
