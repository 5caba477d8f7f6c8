import { Route, Routes } from 'react-router-dom';
import Coming from '../Coming';

/** The calls section: its own routes under /calls. */
export default function CallsSection() {
  return (
    <Routes>
      <Route path="*" element={<Coming screen="calls" />} />
    </Routes>
  );
}
