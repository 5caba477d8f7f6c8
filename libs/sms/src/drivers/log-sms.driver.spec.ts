import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogSmsDriver } from './log-sms.driver';

describe('LogSmsDriver', () => {
  it('appends one JSON line per message, creating the folder, and answers a Twilio-like id', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-sms-log-'));
    const file = path.join(dir, 'outbox', 'sms.log');
    const driver = new LogSmsDriver(file);
    const results = await Promise.all(
      ['Привет', 'Второе\nсообщение', 'third'].map((body, i) => driver.send({ to: `+7912000000${i}`, body })),
    );
    const lines = fs
      .readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.body).sort()).toEqual(['Второе\nсообщение', 'third', 'Привет'].sort());
    for (const r of results)
      expect(r).toEqual({ sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: 'sent' });
    expect(new Set(lines.map((l) => l.sid))).toEqual(new Set(results.map((r) => r.sid)));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
