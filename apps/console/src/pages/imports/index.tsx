import { Route, Routes } from 'react-router-dom';
import NotFound from '../NotFound';
import ImportPage from './ImportPage';
import ImportsList from './ImportsList';
import ImportWizard from './ImportWizard';

/** Imports: the earlier ones with their reports, and the wizard for a new one. */
export default function ImportsSection() {
  return (
    <Routes>
      <Route index element={<ImportsList />} />
      <Route path="new" element={<ImportWizard />} />
      <Route path=":id" element={<ImportPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
