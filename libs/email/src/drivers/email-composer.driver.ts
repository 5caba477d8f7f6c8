import type { MailComposerOptions } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { EmailAddress, OutgoingEmail } from './email.driver';

/** Printable ASCII only: such a header value can go out as is, on one line. */
const PLAIN_HEADER_VALUE = /^[\x20-\x7e]*$/;

/**
 * The RFC 5322 message, as sent over SMTP and as written to .eml files. Message-ID and the extra
 * headers (List-Unsubscribe …) are written "prepared": on one line, never folded, since some
 * receivers mishandle a folded List-Unsubscribe or Message-ID.
 */
export function composeEmail(message: OutgoingEmail): Promise<Buffer> {
  const headers: NonNullable<MailComposerOptions['headers']> = {
    'Message-ID': prepared(message.messageId),
  };
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = prepared(value);
  const options: MailComposerOptions = {
    from: mailbox(message.from),
    to: mailbox(message.to),
    subject: message.subject,
    html: message.html,
    text: message.text,
    headers,
    attachments: (message.inlineImages ?? []).map((image) => ({
      cid: image.cid,
      filename: image.filename,
      contentType: image.contentType,
      content: image.content,
      contentDisposition: 'inline',
    })),
    // Nothing in a message may make nodemailer read files or fetch URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  return new MailComposer(options).compile().build();
}

/** The envelope: MAIL FROM and RCPT TO. */
export function envelopeOf(message: OutgoingEmail): { from: string; to: string[] } {
  return { from: message.from.address, to: [message.to.address] };
}

function mailbox(a: EmailAddress): { name: string; address: string } {
  return { name: a.name ?? '', address: a.address };
}

function prepared(value: string): string | { prepared: true; value: string } {
  const line = value.replace(/[\r\n]+/g, ' ');
  // Anything else (non-ASCII) is left to nodemailer to encode.
  return PLAIN_HEADER_VALUE.test(line) ? { prepared: true, value: line } : line;
}
