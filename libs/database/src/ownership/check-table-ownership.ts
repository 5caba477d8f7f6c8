import { resolve } from 'node:path';
import { checkTree } from './table-ownership.checker';

// `npm run lint`: exits 1, naming each write, when a library writes a table it does not own.
// The tree is the repository's, or the folder given as the first argument.
const root = resolve(process.argv[2] ?? resolve(__dirname, '../../../..'));
const problems = checkTree(root);
for (const p of problems) console.error(p);
if (problems.length > 0) {
  console.error(
    `\n${problems.length} table ownership problem(s): each table has one owning library ` +
      '(libs/database/src/ownership/table-owners.ts, docs/architecture.md); call the owner instead.',
  );
  process.exit(1);
}
console.log(`Table ownership: every write in ${root} is by the table's owner`);
