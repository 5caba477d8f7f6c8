import { Route, Routes } from 'react-router-dom';
import Coming from '../Coming';

/** The imports section: its own routes under /imports. */
export default function ImportsSection() {
  return (
    <Routes>
      <Route path="*" element={<Coming screen="imports" />} />
    </Routes>
  );
}
