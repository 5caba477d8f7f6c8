import { TokenSigner } from './token-signer';

describe('TokenSigner', () => {
  const signer = new TokenSigner('s'.repeat(32), 'portal');

  it('round-trips a payload', () => {
    const token = signer.sign({ c: 'abc', v: 2 });
    expect(signer.verify(token)).toEqual({ ok: true, payload: { c: 'abc', v: 2 } });
  });

  it('rejects a tampered payload or signature', () => {
    const token = signer.sign({ c: 'abc', v: 2 });
    const [body, mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ c: 'other', v: 2 })).toString('base64url');
    expect(signer.verify(`${forged}.${mac}`)).toEqual({ ok: false, reason: 'invalid' });
    expect(signer.verify(`${body}.${mac.slice(0, -2)}xx`)).toEqual({ ok: false, reason: 'invalid' });
    expect(signer.verify('garbage')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('rejects every other spelling of a valid signature (base64 spare bits included)', () => {
    // 43 base64url characters carry 256 bits: the last one has 2 spare bits, which decoding drops.
    for (let i = 0; i < 50; i++) {
      const token = signer.sign({ c: `client-${i}`, v: 1 });
      const [body, mac] = token.split('.');
      const last = mac.at(-1)!;
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      for (const other of alphabet.replace(last, '')) {
        expect(signer.verify(`${body}.${mac.slice(0, -1)}${other}`)).toEqual({
          ok: false,
          reason: 'invalid',
        });
      }
    }
  });

  it('rejects a token of another purpose or secret', () => {
    const token = signer.sign({ c: 'abc', v: 1 });
    expect(new TokenSigner('s'.repeat(32), 'unsubscribe').verify(token).ok).toBe(false);
    expect(new TokenSigner('t'.repeat(32), 'portal').verify(token).ok).toBe(false);
  });

  it('enforces expiry', () => {
    const now = Date.now();
    const token = signer.sign({ c: 'abc', v: 1, exp: Math.floor(now / 1000) + 60 });
    expect(signer.verify(token, now).ok).toBe(true);
    expect(signer.verify(token, now + 61_000)).toEqual({ ok: false, reason: 'expired' });
  });
});
