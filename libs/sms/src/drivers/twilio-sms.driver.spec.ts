import { SmsSendError } from './sms-driver';
import { toSmsSendError } from './twilio-sms.driver';

/** What the twilio client throws, as dispatch reads it. */
describe('toSmsSendError', () => {
  const rest = (status: number, code: number, message = 'x') =>
    Object.assign(new Error(message), { status, code });

  it('maps Twilio errors by HTTP status and error code', () => {
    expect(toSmsSendError(rest(429, 20429))).toMatchObject({ kind: 'rate-limited', code: 20429 });
    expect(toSmsSendError(rest(400, 21611))).toMatchObject({ kind: 'rate-limited' });
    expect(toSmsSendError(rest(400, 21610, 'Attempt to send to unsubscribed recipient'))).toMatchObject({
      kind: 'blocked',
      code: 21610,
      message: 'Twilio 21610: Attempt to send to unsubscribed recipient',
    });
    expect(toSmsSendError(rest(400, 21211))).toMatchObject({ kind: 'permanent', code: 21211 });
    expect(toSmsSendError(rest(404, 20404))).toMatchObject({ kind: 'permanent' });
    expect(toSmsSendError(rest(500, 20500))).toMatchObject({ kind: 'transient' });
    expect(toSmsSendError(rest(503, 20503))).toMatchObject({ kind: 'transient' });
    expect(toSmsSendError(rest(401, 20003))).toMatchObject({ kind: 'transient', code: 20003 });
  });

  it('takes the detail of an RFC 9457 error', () => {
    const e = Object.assign(new Error('Bad request'), {
      status: 400,
      code: 21211,
      detail: "The 'To' number is not valid",
    });
    expect(toSmsSendError(e).message).toBe("Twilio 21211: The 'To' number is not valid");
  });

  it('treats an error without an HTTP status as the network: transient', () => {
    const e = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(toSmsSendError(e)).toMatchObject({ kind: 'transient' });
    expect(toSmsSendError(e).message).toContain('(ECONNREFUSED)');
    expect(toSmsSendError('boom')).toMatchObject({ kind: 'transient' });
  });

  it('passes an SmsSendError through', () => {
    const e = new SmsSendError('rate-limited', 'slow down', { retryAfterMs: 2000 });
    expect(toSmsSendError(e)).toBe(e);
  });
});
