import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// The console is served by the API at /console (same origin). JSX goes through Vite's built-in
// transformer (Oxc in Vite 8, the successor of its esbuild option): no React plugin needed.
export default defineConfig({
  root: here,
  base: '/console/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: process.env.CONSOLE_OUT_DIR ?? path.resolve(here, '../../dist/console'),
    emptyOutDir: true,
    manifest: true,
    // No inline polyfill script: the CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
    rolldownOptions: {
      // antd marks its modules "use client" (for React Server Components); meaningless in an SPA.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    // `npx vite apps/console` for development: the API on :3000 answers /api.
    proxy: { '/api': 'http://localhost:3000' },
  },
});
