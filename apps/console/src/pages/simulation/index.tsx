import { Route, Routes } from 'react-router-dom';
import NotFound from '../NotFound';
import Simulation from './Simulation';

/** The simulation section: its own routes under /simulation. */
export default function SimulationSection() {
  return (
    <Routes>
      <Route index element={<Simulation />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
