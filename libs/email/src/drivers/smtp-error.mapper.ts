import { EmailSendError } from './email.driver';

/** What nodemailer puts on its errors (see nodemailer's smtp-connection `_formatError`). */
interface SmtpFailure {
  message?: string;
  code?: string;
  response?: string;
  responseCode?: number;
  command?: string;
}

// RFC 3463: X.1.x is about the address (bad mailbox, bad domain, bad syntax, moved), 5.2.1 a disabled mailbox.
const RECIPIENT_STATUS = /^5\.(1\.\d{1,3}|2\.1)$/;
// Without an enhanced code: the classic "no such user" replies to RCPT TO.
const RECIPIENT_REPLIES = new Set([550, 551, 553]);

/**
 * Maps a nodemailer error to an EmailSendError: 4xx, network errors and timeouts are transient; 5xx
 * is permanent, and a hard bounce when it is about the recipient (RCPT TO, or an X.1.x status). An
 * authentication failure is our configuration, not the message: transient, so it is retried once fixed.
 */
export function toEmailSendError(error: unknown): EmailSendError {
  if (error instanceof EmailSendError) return error;
  const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SmtpFailure;
  const message = e.message ?? 'Unknown email error';
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const details = { code, response: e.response, command: e.command };
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') return new EmailSendError(message, 'transient', details);
  if (code === undefined) {
    // Refused before any server reply: an address nodemailer cannot put in an envelope is a bad address.
    if (e.code === 'EENVELOPE' && e.command === 'API' && /recipient/i.test(message)) {
      return new EmailSendError(message, 'permanent', { ...details, recipient: true });
    }
    return new EmailSendError(message, 'transient', details);
  }
  if (code < 500) return new EmailSendError(message, 'transient', details);
  const status = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(e.response ?? '')?.[1];
  const recipient = status
    ? RECIPIENT_STATUS.test(status)
    : e.command === 'RCPT TO' && RECIPIENT_REPLIES.has(code);
  return new EmailSendError(message, 'permanent', { ...details, recipient });
}
