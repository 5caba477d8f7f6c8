import { Route, Routes } from 'react-router-dom';
import Coming from '../Coming';

/** The letters section: its own routes under /letters. */
export default function LettersSection() {
  return (
    <Routes>
      <Route path="*" element={<Coming screen="letters" />} />
    </Routes>
  );
}
