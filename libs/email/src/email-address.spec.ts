import { asciiDomain, parseMailbox } from './email-address';

describe('parseMailbox', () => {
  it('reads the forms EMAIL_FROM takes', () => {
    expect(parseMailbox('touchbase <noreply@touchbase.local>')).toEqual({
      name: 'touchbase',
      address: 'noreply@touchbase.local',
    });
    expect(parseMailbox('"Альфа, ООО" <news@alfa.ru>')).toEqual({
      name: 'Альфа, ООО',
      address: 'news@alfa.ru',
    });
    expect(parseMailbox('news@alfa.ru')).toEqual({ address: 'news@alfa.ru' });
    expect(parseMailbox('<news@alfa.ru>')).toEqual({ address: 'news@alfa.ru' });
  });

  it('gives the domain in ASCII for Message-IDs', () => {
    expect(asciiDomain('ceo@Example.COM')).toBe('example.com');
    expect(asciiDomain('info@почта.рф')).toBe('xn--80a1acny.xn--p1ai');
  });
});
