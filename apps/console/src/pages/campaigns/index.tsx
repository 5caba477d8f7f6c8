import { Route, Routes } from 'react-router-dom';
import './campaigns.css';
import NotFound from '../NotFound';
import CampaignForm from './CampaignForm';
import CampaignPage from './CampaignPage';
import CampaignsList from './CampaignsList';
import EditionEditor from './EditionEditor';

/** The campaigns section: its own routes under /campaigns. */
export default function CampaignsSection() {
  return (
    <Routes>
      <Route index element={<CampaignsList />} />
      <Route path="new" element={<CampaignForm />} />
      <Route path=":id" element={<CampaignPage />} />
      <Route path=":id/edit" element={<CampaignForm />} />
      <Route path=":id/editions/:periodKey" element={<EditionEditor />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
