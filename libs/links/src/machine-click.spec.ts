import { isMachineClick } from './short-links.service';

const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

describe('isMachineClick', () => {
  it.each([
    ['a browser on a desktop', CHROME],
    ['a phone', IPHONE],
    ['a mail app with no user agent', null],
  ])('a GET by %s is a person’s click', (_, userAgent) => {
    expect(isMachineClick({ method: 'GET', userAgent })).toBe(false);
  });

  it('a HEAD request is a machine’s, whatever its user agent', () => {
    expect(isMachineClick({ method: 'HEAD', userAgent: CHROME })).toBe(true);
    expect(isMachineClick({ method: 'head', userAgent: null })).toBe(true);
  });

  it.each([
    ['Microsoft Safe Links', 'Mozilla/5.0 (compatible; SafeLinks/1.0)'],
    ['Microsoft Office', 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)'],
    ['Mimecast', 'Mozilla/5.0 (compatible; Mimecast URL Protect)'],
    ['Proofpoint URL Defense', 'Proofpoint-URLDefense/2.0'],
    ['Barracuda', 'Mozilla/5.0 (compatible; BarracudaCentral)'],
    ['a crawler isbot knows', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
    ['a script', 'python-requests/2.31.0'],
    ['curl', 'curl/8.5.0'],
  ])('a GET by %s is a machine’s', (_, userAgent) => {
    expect(isMachineClick({ method: 'GET', userAgent })).toBe(true);
  });
});
