// Builds the console (vite build), then prints the gzipped size of the JavaScript a first visit
// loads (the entry chunk and what it imports statically) and fails above the budget.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

// Always the production build of React and the rest, whatever NODE_ENV the caller has (jest sets
// 'test', which would make Vite bundle the development builds).
process.env.NODE_ENV = 'production';
const here = path.dirname(fileURLToPath(import.meta.url));
const BUDGET_KB = 500;
const outDir = path.resolve(
  process.argv[2] ?? process.env.CONSOLE_OUT_DIR ?? path.join(here, '../../dist/console'),
);

await build({ configFile: path.join(here, 'vite.config.mts'), logLevel: 'warn', build: { outDir } });

const manifest = JSON.parse(readFileSync(path.join(outDir, '.vite/manifest.json'), 'utf8'));
const entry = Object.keys(manifest).find((key) => manifest[key].isEntry);
const initial = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(entry);
let total = 0;
for (const file of initial) total += gzipSync(readFileSync(path.join(outDir, file))).length;
const lazy = Object.values(manifest).filter((c) => c.file.endsWith('.js') && !initial.has(c.file)).length;
const kb = (total / 1024).toFixed(1);
console.log(
  `console built into ${path.relative(process.cwd(), outDir) || '.'}: initial JavaScript ${kb} KB gzipped ` +
    `(${initial.size} file(s); ${lazy} lazy chunk(s)); budget ${BUDGET_KB} KB`,
);
if (total > BUDGET_KB * 1024) {
  console.error(`The console's initial JavaScript is over its budget: ${kb} KB > ${BUDGET_KB} KB gzipped`);
  process.exit(1);
}
