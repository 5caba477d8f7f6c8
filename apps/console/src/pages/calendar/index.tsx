import { Route, Routes } from 'react-router-dom';
import Coming from '../Coming';

/** The calendar section: its own routes under /calendar. */
export default function CalendarSection() {
  return (
    <Routes>
      <Route path="*" element={<Coming screen="calendar" />} />
    </Routes>
  );
}
