import './segments.css';
import { Route, Routes } from 'react-router-dom';
import NotFound from '../NotFound';
import SegmentBuilder from './SegmentBuilder';
import SegmentsList from './SegmentsList';

/** The segments section: its own routes under /segments. */
export default function SegmentsSection() {
  return (
    <Routes>
      <Route index element={<SegmentsList />} />
      <Route path="new" element={<SegmentBuilder />} />
      <Route path=":id" element={<SegmentBuilder />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
