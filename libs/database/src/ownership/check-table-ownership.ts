import { resolve } from 'node:path';
import { checkTree } from './table-ownership.checker';

// `npm run lint`: exits 1, naming each write, when a library writes a table it does not own.
const problems = checkTree(resolve(__dirname, '../../../..'));
for (const p of problems) console.error(p);
if (problems.length > 0) {
  console.error(
    `\n${problems.length} write(s) to a table of another library (libs/database/src/ownership/table-owners.ts)`,
  );
  process.exit(1);
}
