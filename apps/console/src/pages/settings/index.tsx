import { Route, Routes } from 'react-router-dom';
import NotFound from '../NotFound';
import SettingsHome from './SettingsHome';
import Staff from './Staff';

/** Settings: its own routes under /settings. */
export default function SettingsSection() {
  return (
    <Routes>
      <Route index element={<SettingsHome />} />
      <Route path="staff" element={<Staff />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
