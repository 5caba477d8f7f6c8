import { EmailSendError } from './email.driver';
import { toEmailSendError } from './smtp-error.mapper';

const smtp = (responseCode: number, response: string, command: string, code = 'EENVELOPE') =>
  Object.assign(new Error(`Failed: ${response}`), { responseCode, response, command, code });

describe('toEmailSendError', () => {
  it('takes 4xx replies for transient', () => {
    const e = toEmailSendError(smtp(451, '451 4.3.0 Try again later', 'RCPT TO'));
    expect(e).toBeInstanceOf(EmailSendError);
    expect(e).toMatchObject({ kind: 'transient', details: { code: 451, command: 'RCPT TO' } });
    expect(e.isHardBounce).toBe(false);
  });

  it('takes a 5xx about the recipient for a hard bounce', () => {
    expect(toEmailSendError(smtp(550, '550 5.1.1 No such user here', 'RCPT TO')).isHardBounce).toBe(true);
    expect(toEmailSendError(smtp(550, '550 No such user', 'RCPT TO')).isHardBounce).toBe(true);
    expect(toEmailSendError(smtp(550, '550 5.2.1 Mailbox disabled', 'DATA', 'EMESSAGE')).isHardBounce).toBe(
      true,
    );
  });

  it('fails a 5xx about the sender, the content or policy without blaming the address', () => {
    for (const e of [
      smtp(550, '550 5.7.1 Relaying denied', 'RCPT TO'),
      smtp(553, '553 5.7.1 Sender address rejected', 'MAIL FROM'),
      smtp(554, '554 5.6.0 Message content rejected', 'DATA', 'EMESSAGE'),
    ]) {
      const mapped = toEmailSendError(e);
      expect(mapped.kind).toBe('permanent');
      expect(mapped.isHardBounce).toBe(false);
    }
  });

  it('retries network errors, timeouts and our own authentication problems', () => {
    for (const code of ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EAUTH']) {
      const e = Object.assign(new Error('boom'), { code, ...(code === 'EAUTH' && { responseCode: 535 }) });
      expect(toEmailSendError(e).kind).toBe('transient');
    }
    expect(toEmailSendError('weird').kind).toBe('transient');
  });

  it('takes an address nodemailer cannot use for a hard bounce', () => {
    const e = Object.assign(new Error('Invalid recipient "a@@b"'), { code: 'EENVELOPE', command: 'API' });
    expect(toEmailSendError(e).isHardBounce).toBe(true);
  });
});
