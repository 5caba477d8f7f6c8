import './templates.css';
import { Route, Routes } from 'react-router-dom';
import NotFound from '../NotFound';
import TemplateEditor from './TemplateEditor';
import TemplatesList from './TemplatesList';

/** The templates section: its own routes under /templates (CodeMirror stays in this lazy chunk). */
export default function TemplatesSection() {
  return (
    <Routes>
      <Route index element={<TemplatesList />} />
      <Route path="new" element={<TemplateEditor />} />
      <Route path=":id" element={<TemplateEditor />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
