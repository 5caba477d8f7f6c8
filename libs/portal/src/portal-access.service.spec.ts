import { AppConfig, validateEnvironment } from '@touchbase/config';
import { LinksService, TokenSigner } from '@touchbase/links';
import { PortalAccessService } from './portal-access.service';

const PORTAL_SECRET = 'p'.repeat(40);
const config = new AppConfig(
  validateEnvironment({
    NODE_ENV: 'test',
    PUBLIC_URL: 'https://tb.example',
    PORTAL_LINK_SECRET: PORTAL_SECRET,
    UNSUBSCRIBE_LINK_SECRET: 'u'.repeat(40),
  }),
);
const links = new LinksService(config);
const access = new PortalAccessService(links);
const CLIENT = '11111111-1111-4111-8111-111111111111';

describe('PortalAccessService', () => {
  it('opens a session for the client and link version a valid link was issued for', () => {
    expect(access.check(links.portalToken(CLIENT, 3))).toEqual({
      ok: true,
      session: { clientId: CLIENT, linkVersion: 3 },
    });
  });

  it('refuses a missing, altered or foreign token as invalid', () => {
    const token = links.portalToken(CLIENT, 3);
    expect(access.check(undefined)).toEqual({ ok: false, reason: 'invalid' });
    expect(access.check('')).toEqual({ ok: false, reason: 'invalid' });
    expect(access.check(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    // An unsubscribe token is signed for another purpose: it opens no portal.
    expect(access.check(links.unsubscribeToken({ c: CLIENT, v: 3, t: null }))).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('tells an expired link apart, so the page can offer a new one', () => {
    const old = links.portalToken(CLIENT, 3, Date.now() - (config.links.portalTtlDays + 1) * 86_400_000);
    expect(access.check(old)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a correctly signed token whose client id or version is malformed', () => {
    const signer = new TokenSigner(PORTAL_SECRET, 'portal');
    const exp = Math.floor(Date.now() / 1000) + 3600;
    for (const payload of [
      { c: 'not-a-uuid', v: 1, exp },
      { c: CLIENT, v: -1, exp },
      { c: CLIENT, v: 1.5, exp },
      { c: CLIENT, v: '1', exp },
    ]) {
      expect(access.check(signer.sign(payload))).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('issues a link that it accepts, in the client’s language', () => {
    const url = access.url({ clientId: CLIENT, linkVersion: 4 }, 'en');
    const match = /^https:\/\/tb\.example\/portal\/([^?]+)\?lang=en$/.exec(url);
    expect(match).not.toBeNull();
    expect(access.check(match![1])).toEqual({ ok: true, session: { clientId: CLIENT, linkVersion: 4 } });
  });
});
