import { SmsSendError } from '@touchbase/sms';
import { TwilioSmsDriver } from '../../libs/sms/src/drivers/twilio-sms.driver';
import { TEST_TWILIO, TwilioStandIn } from '../support/twilio-standin';
import { startTwilioStandInProcess } from '../support/twilio-standin-process';

/** The Twilio driver: the real twilio client against the stand-in, error by error. */
describe('TwilioSmsDriver', () => {
  const standIn = new TwilioStandIn({ ...TEST_TWILIO });
  let driver: TwilioSmsDriver;

  beforeAll(async () => {
    await standIn.start();
    driver = new TwilioSmsDriver({ ...TEST_TWILIO, apiBaseUrl: standIn.url, concurrency: 4 });
  });
  afterAll(() => standIn.stop());
  beforeEach(() => {
    standIn.reset();
    standIn.configure({
      rateLimitFirst: 0,
      retryAfterSeconds: undefined,
      serverErrorsFirst: 0,
      errorsByRecipient: {},
    });
  });

  const failure = async (to = '+79120000001'): Promise<SmsSendError> => {
    const e = await driver.send({ to, body: 'Привет' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(SmsSendError);
    return e as SmsSendError;
  };

  it('sends with the Messaging Service, Basic auth and the status callback; Cyrillic arrives intact', async () => {
    const result = await driver.send({
      to: '+79120000001',
      body: 'Здравствуйте! «Ёлки» — 100 ₽',
      statusCallback: 'https://touchbase.example.com/webhooks/twilio/status?d=7',
    });
    expect(result).toEqual({
      sid: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      status: 'accepted',
      segments: 1,
    });
    expect(standIn.requests).toHaveLength(1);
    expect(standIn.requests[0]).toMatchObject({
      method: 'POST',
      path: `/2010-04-01/Accounts/${TEST_TWILIO.accountSid}/Messages.json`,
      authorized: true,
      params: {
        To: '+79120000001',
        Body: 'Здравствуйте! «Ёлки» — 100 ₽',
        MessagingServiceSid: TEST_TWILIO.messagingServiceSid,
        StatusCallback: 'https://touchbase.example.com/webhooks/twilio/status?d=7',
      },
    });
    expect(driver.sender).toBe(TEST_TWILIO.messagingServiceSid);
  });

  it('sends from a number when there is no Messaging Service', async () => {
    const fromNumber = new TwilioSmsDriver({
      ...TEST_TWILIO,
      messagingServiceSid: undefined,
      from: '+15005550006',
      apiBaseUrl: standIn.url,
      concurrency: 1,
    });
    expect((await fromNumber.send({ to: '+79120000001', body: 'hi' })).status).toBe('queued');
    expect(standIn.requests[0].params).toMatchObject({ From: '+15005550006' });
    expect(standIn.requests[0].params.MessagingServiceSid).toBeUndefined();
  });

  it('reports 429 as rate-limited with Retry-After', async () => {
    standIn.configure({ rateLimitFirst: 1, retryAfterSeconds: 3 });
    expect(await failure()).toMatchObject({ kind: 'rate-limited', code: 20429, retryAfterMs: 3000 });
    standIn.configure({ rateLimitFirst: 1, retryAfterSeconds: undefined });
    const e = await failure();
    expect(e).toMatchObject({ kind: 'rate-limited', code: 20429 });
    expect(e.retryAfterMs).toBeUndefined();
  });

  it('reports 21610 as blocked and 21211 as permanent, with the code and message', async () => {
    standIn.configure({ errorsByRecipient: { '+79120000002': 21610, '+79120000003': 21211 } });
    const blocked = await failure('+79120000002');
    expect(blocked).toMatchObject({ kind: 'blocked', code: 21610 });
    expect(blocked.message).toBe('Twilio 21610: Attempt to send to unsubscribed recipient');
    const invalid = await failure('+79120000003');
    expect(invalid).toMatchObject({ kind: 'permanent', code: 21211 });
    expect(invalid.message).toContain('is not a valid phone number');
  });

  it('reports 5xx and an unreachable API as transient', async () => {
    standIn.configure({ serverErrorsFirst: 1 });
    expect(await failure()).toMatchObject({ kind: 'transient', code: 20500 });
    const unreachable = new TwilioSmsDriver({
      ...TEST_TWILIO,
      apiBaseUrl: 'http://127.0.0.1:9',
      concurrency: 1,
    });
    const e = await unreachable.send({ to: '+79120000001', body: 'hi' }).catch((err: unknown) => err);
    expect(e).toMatchObject({ kind: 'transient' });
    expect((e as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('reports wrong credentials as transient (our configuration, not the recipient)', async () => {
    const wrong = new TwilioSmsDriver({
      ...TEST_TWILIO,
      authToken: 'wrong-token-00000000000000000',
      apiBaseUrl: standIn.url,
      concurrency: 1,
    });
    const e = await wrong.send({ to: '+79120000001', body: 'hi' }).catch((err: unknown) => err);
    expect(e).toMatchObject({ kind: 'transient', code: 20003 });
    expect(standIn.requests[0].authorized).toBe(false);
  });

  it('works the same against the stand-in in its own process (as benchmarks run it)', async () => {
    const peer = await startTwilioStandInProcess({
      ...TEST_TWILIO,
      latencyMs: 1,
      errorsByRecipient: { '+79120000009': 21610 },
    });
    try {
      expect(peer.pid).not.toBe(process.pid);
      const remote = new TwilioSmsDriver({ ...TEST_TWILIO, apiBaseUrl: peer.url, concurrency: 2 });
      await Promise.all([1, 2, 3].map((i) => remote.send({ to: `+7912000000${i}`, body: 'Привет' })));
      await expect(remote.send({ to: '+79120000009', body: 'Привет' })).rejects.toMatchObject({
        kind: 'blocked',
      });
      expect(await peer.reset()).toEqual({ messageRequests: 4, accepted: 3 });
      expect(await peer.stats()).toEqual({ messageRequests: 0, accepted: 0 });
    } finally {
      await peer.stop();
    }
  });
});
