import * as fs from 'node:fs';
import * as path from 'node:path';

export const BOUNCE_FIXTURES_DIR = path.resolve(__dirname, '../fixtures/bounces');

/** What a fixture's placeholders stand for: the delivery the report is about. */
export interface FixtureValues {
  /** The delivery's VERP envelope sender. */
  verp: string;
  /** The client's address. */
  recipient: string;
  /** The delivery's Message-ID, with angle brackets. */
  messageId: string;
  bounceDomain: string;
}

/** A report kept under test/fixtures/bounces, its placeholders filled in, with CRLF line ends. */
export function bounceFixture(name: string, values: FixtureValues): Buffer {
  const text = fs
    .readFileSync(path.join(BOUNCE_FIXTURES_DIR, name), 'utf8')
    .replace(/\{\{VERP\}\}/g, values.verp)
    .replace(/\{\{RECIPIENT\}\}/g, values.recipient)
    .replace(/\{\{RECIPIENT_LOCAL\}\}/g, values.recipient.split('@')[0])
    .replace(/\{\{MESSAGE_ID\}\}/g, values.messageId)
    .replace(/\{\{BOUNCE_DOMAIN\}\}/g, values.bounceDomain);
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
}

/** Every fixture, with what it must be taken for. */
export const BOUNCE_FIXTURES: {
  file: string;
  server: string;
  kind: 'hard-bounce' | 'soft-bounce' | 'complaint' | 'auto-reply';
  status: string | null;
}[] = [
  {
    file: 'postfix-hard-5.1.1.eml',
    server: 'Postfix DSN, user unknown',
    kind: 'hard-bounce',
    status: '5.1.1',
  },
  { file: 'exim-hard-plain.eml', server: 'Exim plain-text bounce', kind: 'hard-bounce', status: null },
  {
    file: 'exchange-o365-ndr.eml',
    server: 'Exchange / Office 365 NDR',
    kind: 'hard-bounce',
    status: '5.1.10',
  },
  { file: 'gmail-hard-5.1.1.eml', server: 'Gmail DSN', kind: 'hard-bounce', status: '5.1.1' },
  { file: 'yandex-hard.eml', server: 'Yandex DSN (Russian)', kind: 'hard-bounce', status: '5.7.1' },
  {
    file: 'mailru-hard-plain.eml',
    server: 'Mail.ru plain-text bounce (Russian)',
    kind: 'hard-bounce',
    status: null,
  },
  {
    file: 'postfix-soft-4.2.2-delayed.eml',
    server: 'Postfix delay, mailbox full',
    kind: 'soft-bounce',
    status: '4.2.2',
  },
  { file: 'arf-rfc5965.eml', server: 'ARF (RFC 5965)', kind: 'complaint', status: null },
  { file: 'arf-mailru-fbl.eml', server: 'Mail.ru FBL (ARF, headers only)', kind: 'complaint', status: null },
  { file: 'autoreply-ooo-en.eml', server: 'Exchange out of office (en)', kind: 'auto-reply', status: null },
  { file: 'autoreply-ooo-ru.eml', server: 'Mail.ru autoreply (ru)', kind: 'auto-reply', status: null },
];
