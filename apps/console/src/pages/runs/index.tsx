import { Route, Routes } from 'react-router-dom';
import Coming from '../Coming';

/** The runs section: its own routes under /runs. */
export default function RunsSection() {
  return (
    <Routes>
      <Route path="*" element={<Coming screen="runs" />} />
    </Routes>
  );
}
