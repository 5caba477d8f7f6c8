import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * `npm run bench -- <name> [args]`: compiles, then runs bench/<name>.ts — compiled, so that memory
 * figures are those of the production process, not of a TypeScript compiler in memory. Each benchmark builds its own data, prints
 * what it measured and ends with one line `RESULT <name> ratio=<x> <key>=<value> …`.
 */
async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const available = fs
    .readdirSync(__dirname)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !/^run\./.test(f) && !f.startsWith('_'))
    .map((f) => f.replace(/\.(ts|js)$/, ''));
  if (!name || !available.includes(name)) {
    process.stderr.write(`Usage: npm run bench -- <name>\nBenchmarks: ${available.join(', ')}\n`);
    process.exit(2);
  }
  const mod = (await import(path.join(__dirname, name))) as { default: (args: string[]) => Promise<void> };
  await mod.default(args);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`Benchmark failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
