import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'antd/dist/reset.css';
import './i18n';
import { App } from './App';
import { keepScrollRegionsFocusable } from './components/scrollRegions';
import './console.css';

// The API puts a fresh nonce in this meta tag for every page it serves (and in its CSP header):
// antd's CSS-in-JS gives it to the <style> elements it adds.
const meta = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]');
const nonce = meta && !meta.content.startsWith('__') ? meta.content : undefined;

// A few component helpers (the table's and the modal's scrollbar measuring) add a <style> of their
// own without asking for the nonce: every <style> this page's scripts create gets it. Only scripts
// from this origin run (script-src 'self'), so this lets no one else style the page.
if (nonce) {
  const createElement = document.createElement.bind(document);
  document.createElement = ((tagName: string, options?: ElementCreationOptions) => {
    const element = createElement(tagName, options);
    if (element instanceof HTMLStyleElement) element.nonce = nonce;
    return element;
  }) as typeof document.createElement;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App nonce={nonce} />
  </StrictMode>,
);

keepScrollRegionsFocusable();
