import { Route, Routes } from 'react-router-dom';
import Coming from '../Coming';

/** The templates section: its own routes under /templates. */
export default function TemplatesSection() {
  return (
    <Routes>
      <Route path="*" element={<Coming screen="templates" />} />
    </Routes>
  );
}
