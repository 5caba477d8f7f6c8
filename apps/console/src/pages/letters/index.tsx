import { Route, Routes } from 'react-router-dom';
import NotFound from '../NotFound';
import LetterBatchPage from './LetterBatchPage';
import LetterBatches from './LetterBatches';

/** The letters section: the letter batches of the runs (/letters) and one batch (/letters/:id). */
export default function LettersSection() {
  return (
    <Routes>
      <Route index element={<LetterBatches />} />
      <Route path=":id" element={<LetterBatchPage />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
