import { Route, Routes } from 'react-router-dom';
import Coming from '../Coming';

/** The simulation section: its own routes under /simulation. */
export default function SimulationSection() {
  return (
    <Routes>
      <Route path="*" element={<Coming screen="simulation" />} />
    </Routes>
  );
}
