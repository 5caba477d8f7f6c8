import { Route, Routes } from 'react-router-dom';
import Coming from '../Coming';

/** The campaigns section: its own routes under /campaigns. */
export default function CampaignsSection() {
  return (
    <Routes>
      <Route path="*" element={<Coming screen="campaigns" />} />
    </Routes>
  );
}
