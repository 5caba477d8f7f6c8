import { Route, Routes } from 'react-router-dom';
import Coming from '../Coming';

/** The segments section: its own routes under /segments. */
export default function SegmentsSection() {
  return (
    <Routes>
      <Route path="*" element={<Coming screen="segments" />} />
    </Routes>
  );
}
