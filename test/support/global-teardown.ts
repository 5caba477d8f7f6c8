import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export default async function globalTeardown(): Promise<void> {
  const { TEMPLATE_ENV, withAdminClient } = await import('./test-database');
  const stateFile = path.join(os.tmpdir(), `touchbase-jest-${process.pid}.json`);
  const embedded = (globalThis as Record<string, unknown>).__touchbaseEmbedded as
    { stop(): Promise<void> } | undefined;
  try {
    const template = process.env[TEMPLATE_ENV];
    if (template && !embedded) {
      await withAdminClient(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
      });
    }
  } finally {
    await embedded?.stop();
    const state = fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
    if (state.embeddedDir) fs.rmSync(state.embeddedDir, { recursive: true, force: true });
    fs.rmSync(stateFile, { force: true });
  }
}
