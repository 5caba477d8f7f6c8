import { Route, Routes } from 'react-router-dom';
import NotFound from '../NotFound';
import RunDetail from './RunDetail';
import RunsList from './RunsList';

/** The runs section: its own routes under /runs. */
export default function RunsSection() {
  return (
    <Routes>
      <Route index element={<RunsList />} />
      <Route path=":id" element={<RunDetail />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
