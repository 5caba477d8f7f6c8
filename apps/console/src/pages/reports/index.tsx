import { Route, Routes } from 'react-router-dom';
import Coming from '../Coming';

/** The reports section: its own routes under /reports. */
export default function ReportsSection() {
  return (
    <Routes>
      <Route path="*" element={<Coming screen="reports" />} />
    </Routes>
  );
}
