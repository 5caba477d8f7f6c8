import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { EnvironmentValidationError, validateEnvironment } from './environment';
import { AppConfig } from './app-config';

const PEM = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

function problems(raw: Record<string, string>): string {
  try {
    validateEnvironment(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(EnvironmentValidationError);
    return (e as Error).message;
  }
  throw new Error('validateEnvironment accepted the configuration');
}

describe('DKIM and bounce configuration', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'touchbase-dkim-config-'));
  const keyFile = path.join(dir, 'tb1.pem');
  fs.writeFileSync(keyFile, PEM, { mode: 0o600 });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('signs nothing by default and keeps the envelope sender', () => {
    const config = new AppConfig(validateEnvironment({}));
    expect(config.dkim).toBeNull();
    expect(config.bounces).toMatchObject({ domain: null, smtp: null, imap: null });
  });

  it('takes the key from the variable (\\n written out) or from the file', () => {
    const inline = new AppConfig(
      validateEnvironment({ DKIM_DOMAIN: 'Alfa.Example', DKIM_PRIVATE_KEY: PEM.replace(/\n/g, '\\n') }),
    );
    expect(inline.dkim).toEqual({ domain: 'alfa.example', selector: 'tb1', privateKey: PEM.trim() });
    const fromFile = new AppConfig(
      validateEnvironment({
        DKIM_DOMAIN: 'alfa.example',
        DKIM_SELECTOR: 'mail2026',
        DKIM_PRIVATE_KEY_FILE: keyFile,
      }),
    );
    expect(fromFile.dkim).toEqual({ domain: 'alfa.example', selector: 'mail2026', privateKey: PEM.trim() });
  });

  it('refuses both sources, a key without a domain, a domain without a key, a bad PEM, a missing file', () => {
    expect(
      problems({ DKIM_DOMAIN: 'alfa.example', DKIM_PRIVATE_KEY: PEM, DKIM_PRIVATE_KEY_FILE: keyFile }),
    ).toContain('DKIM_PRIVATE_KEY: set DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE, not both');
    expect(problems({ DKIM_PRIVATE_KEY: PEM })).toContain(
      'DKIM_DOMAIN: DKIM_PRIVATE_KEY is set: DKIM_DOMAIN',
    );
    expect(problems({ DKIM_DOMAIN: 'alfa.example' })).toContain(
      'DKIM_PRIVATE_KEY: DKIM_DOMAIN is set: DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE is required',
    );
    const bad = problems({
      DKIM_DOMAIN: 'alfa.example',
      DKIM_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\nnope',
    });
    expect(bad).toContain('DKIM_PRIVATE_KEY: not a PEM private key');
    expect(bad).not.toContain('nope'); // a secret's value never appears
    expect(
      problems({ DKIM_DOMAIN: 'alfa.example', DKIM_PRIVATE_KEY_FILE: path.join(dir, 'missing.pem') }),
    ).toContain(`DKIM_PRIVATE_KEY_FILE: cannot read ${path.join(dir, 'missing.pem')}`);
    expect(problems({ DKIM_DOMAIN: 'not a domain', DKIM_PRIVATE_KEY: PEM })).toContain(
      'DKIM_DOMAIN must be a domain name',
    );
  });

  it('refuses a short RSA key', () => {
    const short = generateKeyPairSync('rsa', { modulusLength: 512 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(problems({ DKIM_DOMAIN: 'alfa.example', DKIM_PRIVATE_KEY: short })).toContain(
      'shorter than 1024 bits',
    );
  });

  it('needs BOUNCE_DOMAIN for the inbound paths, and IMAP credentials with IMAP_HOST', () => {
    expect(problems({ INBOUND_SMTP_PORT: '2525' })).toContain(
      'BOUNCE_DOMAIN: required when INBOUND_SMTP_PORT',
    );
    const imap = problems({ BOUNCE_DOMAIN: 'bounce.alfa.example', IMAP_HOST: 'imap.alfa.example' });
    expect(imap).toContain('IMAP_USER is required when IMAP_HOST is set');
    expect(imap).toContain('IMAP_PASSWORD is required when IMAP_HOST is set');
    const config = new AppConfig(
      validateEnvironment({
        BOUNCE_DOMAIN: 'Bounce.Alfa.Example',
        INBOUND_SMTP_PORT: '2525',
        IMAP_HOST: 'imap.alfa.example',
        IMAP_USER: 'bounces@alfa.example',
        IMAP_PASSWORD: 'secret',
      }),
    );
    expect(config.bounces).toMatchObject({
      domain: 'bounce.alfa.example',
      localPart: 'bounces',
      smtp: { port: 2525, host: '0.0.0.0' },
      imap: { host: 'imap.alfa.example', port: 993, tls: true, mailbox: 'INBOX', processedMailbox: null },
    });
  });
});
