import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const COMMITTED = path.join(ROOT, 'apps/console/src/api/schema.d.ts');

// The console's API types come from the OpenAPI document: when an endpoint or a DTO changes, this
// fails until `npm run api-types` is run and its output committed. The generator runs as its own
// process (as `npm run api-types` does; openapi-typescript is an ES module jest does not load).
describe('the console API types', () => {
  it('apps/console/src/api/schema.d.ts is what `npm run api-types` generates now', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-api-types-'));
    try {
      const fresh = path.join(dir, 'schema.d.ts');
      execFileSync(
        process.execPath,
        [
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          'tools/api-types.ts',
          fresh,
        ],
        { cwd: ROOT, stdio: 'pipe' },
      );
      const generated = fs.readFileSync(fresh, 'utf8');
      expect(generated).toContain('"/api/v1/clients"');
      if (fs.readFileSync(COMMITTED, 'utf8') !== generated) {
        throw new Error(
          'apps/console/src/api/schema.d.ts is out of date: run `npm run api-types` and commit the result',
        );
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
