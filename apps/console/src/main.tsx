import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'antd/dist/reset.css';
import './i18n';
import { App } from './App';
import './console.css';

// The API puts a fresh nonce in this meta tag for every page it serves (and in its CSP header):
// antd's CSS-in-JS gives it to the <style> elements it adds.
const meta = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]');
const nonce = meta && !meta.content.startsWith('__') ? meta.content : undefined;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App nonce={nonce} />
  </StrictMode>,
);
