import { Route, Routes } from 'react-router-dom';
import NotFound from '../NotFound';
import Classification from './Classification';
import FrequencyPolicy from './FrequencyPolicy';
import SettingsHome from './SettingsHome';
import Signers from './Signers';
import Staff from './Staff';
import Topics from './Topics';
import Workspace from './Workspace';
import WebhookEndpoint from './webhooks/WebhookEndpoint';
import Webhooks from './webhooks/Webhooks';

/** Settings: its own routes under /settings. */
export default function SettingsSection() {
  return (
    <Routes>
      <Route index element={<SettingsHome />} />
      <Route path="policy" element={<FrequencyPolicy />} />
      <Route path="topics" element={<Topics />} />
      <Route path="signers" element={<Signers />} />
      <Route path="workspace" element={<Workspace />} />
      <Route path="classification" element={<Classification />} />
      <Route path="staff" element={<Staff />} />
      <Route path="webhooks" element={<Webhooks />} />
      <Route path="webhooks/:id" element={<WebhookEndpoint />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
