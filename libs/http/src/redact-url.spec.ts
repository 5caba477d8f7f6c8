import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  const token = 'eyJjIjoiYSIsInYiOjB9.c2lnbmF0dXJl';

  it('redacts the token of portal pages, form posts and unsubscribe links', () => {
    expect(redactUrl(`/portal/${token}`)).toBe('/portal/[redacted]');
    expect(redactUrl(`/portal/${token}?lang=en&saved=preferences`)).toBe(
      '/portal/[redacted]?lang=en&saved=preferences',
    );
    expect(redactUrl(`/portal/${token}/preferences?lang=ru`)).toBe('/portal/[redacted]/preferences?lang=ru');
    expect(redactUrl(`/u/${token}`)).toBe('/u/[redacted]');
  });

  it('keeps the portal’s fixed pages readable', () => {
    expect(redactUrl('/portal/link?lang=en')).toBe('/portal/link?lang=en');
    expect(redactUrl('/portal/assets/portal.css?v=1')).toBe('/portal/assets/portal.css?v=1');
    expect(redactUrl('/portal/linked')).toBe('/portal/[redacted]');
  });

  it('redacts tokens sent in a query string, the portal API included', () => {
    expect(redactUrl(`/api/v1/portal/preferences?token=${token}`)).toBe(
      '/api/v1/portal/preferences?token=[redacted]',
    );
    expect(redactUrl(`/api/v1/portal/survey?lang=ru&access_token=${token}`)).toBe(
      '/api/v1/portal/survey?lang=ru&access_token=[redacted]',
    );
  });
});
