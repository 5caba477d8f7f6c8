import { Route, Routes } from 'react-router-dom';
import NotFound from '../NotFound';
import CalendarBoard from './CalendarBoard';

/** The calendar section: its own routes under /calendar. */
export default function CalendarSection() {
  return (
    <Routes>
      <Route index element={<CalendarBoard />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
