import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import { createClient } from '../factories/client.factory';
import { planNow } from '../support/planning';
import { SmtpSink } from '../support/smtp-sink';
import { runEntryPoint, RunResult } from '../support/spawn-process';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { TestApp } from '../support/test-app';
import { createEmailApp, drain, emailCampaign } from './email-support';

jest.setTimeout(120_000);

/**
 * DKIM end to end: `dkim:generate` writes the key and prints the TXT record; the app signs with that
 * key; an independent verifier (mailauth) checks what the SMTP server received. Only DNS is stood in
 * for: the resolver answers with the record the command printed.
 */
describe('DKIM signing (dkim:generate, nodemailer, verified by mailauth)', () => {
  let dir: string;
  let db: TestDatabase;
  let generated: RunResult;
  let keyFile: string;
  let sink: SmtpSink;
  let t: TestApp;
  let txt: string[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-dkim-'));
    db = await createTestDatabase();
    keyFile = path.join(dir, 'keys', 'tb1.alfa.example.pem');
    generated = await runEntryPoint(
      'cli',
      ['dkim:generate', '--domain', 'alfa.example', '--selector', 'tb1', '--out', keyFile],
      { DATABASE_URL: db.url, DATA_DIR: dir },
    );
    const value = /^ {2}value: (.+)$/m.exec(generated.stdout)?.[1] ?? '';
    txt = [...value.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
    sink = await SmtpSink.start();
    t = await createEmailApp(sink, {
      DKIM_DOMAIN: 'alfa.example',
      DKIM_SELECTOR: 'tb1',
      DKIM_PRIVATE_KEY_FILE: keyFile,
    });
  });

  afterAll(async () => {
    await t?.close();
    await sink?.close();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const resolver = async (name: string, type: string): Promise<string[][]> => {
    if (name === 'tb1._domainkey.alfa.example' && type === 'TXT') return [txt];
    throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  };

  it('writes a 2048-bit key readable by its owner only and prints the TXT record in 255-character strings', () => {
    expect(generated.code).toBe(0);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(keyFile, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(generated.stdout).toContain('name:  tb1._domainkey.alfa.example');
    expect(txt.length).toBeGreaterThan(1);
    expect(txt.every((s) => s.length <= 255)).toBe(true);
    expect(txt.join('')).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]{390,}={0,2}$/);
    expect(generated.stdout).toContain(`DKIM_PRIVATE_KEY_FILE=${keyFile}`);
  });

  it('refuses to overwrite a key unless --force, and a missing --domain, with a clear message', async () => {
    const again = await runEntryPoint(
      'cli',
      ['dkim:generate', '--domain', 'alfa.example', '--out', keyFile],
      { DATABASE_URL: db.url, DATA_DIR: dir },
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${keyFile} exists`);
    const bad = await runEntryPoint('cli', ['dkim:generate', '--domain', 'not a domain'], {
      DATABASE_URL: db.url,
      DATA_DIR: dir,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--domain must be');
  });

  it('signs every email: the received message passes DKIM; a changed body or subject does not', async () => {
    const client = await createClient(t.dataSource);
    const campaign = await emailCampaign(t);
    const runId = await planNow(t, campaign, { edition: {} });
    const [row] = await drain(t, runId);
    expect(row.status).toBe('sent');
    const received = sink.messages.find((m) => m.envelopeTo[0] === client.email)!;
    expect(received.rawHeaders).toMatch(
      /^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=alfa\.example;/m,
    );

    const verified = await dkimVerify(received.raw, { resolver });
    expect(verified.results).toHaveLength(1);
    expect(verified.results[0]).toMatchObject({
      signingDomain: 'alfa.example',
      selector: 'tb1',
      status: { result: 'pass', aligned: 'alfa.example' },
    });

    const raw = received.raw.toString('utf8');
    const bodyAt = raw.indexOf('\r\n\r\n');
    const tamperedBody = `${raw.slice(0, bodyAt)}\r\n\r\nP.S. Pay to another account.\r\n${raw.slice(bodyAt + 4)}`;
    const body = await dkimVerify(Buffer.from(tamperedBody), { resolver });
    expect(body.results[0].status.result).not.toBe('pass');
    expect(body.results[0].status.comment).toBe('body hash did not verify');

    const encodedSubject = /^Subject: (.*)$/m.exec(raw)![1];
    const tamperedSubject = raw.replace(
      `Subject: ${encodedSubject}`,
      'Subject: =?UTF-8?B?0JrRg9C/0LjRgtC1?=',
    );
    const subject = await dkimVerify(Buffer.from(tamperedSubject), { resolver });
    expect(subject.results[0].status).toMatchObject({ result: 'fail', comment: 'bad signature' });
  });
});
