import {
  CLICK_BURST_MS,
  isClickBurst,
  isMachineClick,
  isMachineOpen,
  isScannerTiming,
  SCANNER_CLICK_SECONDS,
  SCANNER_OPEN_SECONDS,
} from './machine-click';

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

describe('link scanners by timing', () => {
  const sentAt = new Date('2026-12-01T09:00:00Z');
  const after = (ms: number) => new Date(sentAt.getTime() + ms);
  const person = { method: 'GET', userAgent: CHROME };

  it(`a click within ${SCANNER_CLICK_SECONDS} s of the sending is a scanner's, whatever browser it claims`, () => {
    expect(isMachineClick(person, { sentAt, at: after(300) })).toBe(true);
    expect(isMachineClick(person, { sentAt, at: after(SCANNER_CLICK_SECONDS * 1000) })).toBe(true);
    expect(isMachineClick(person, { sentAt, at: after(SCANNER_CLICK_SECONDS * 1000 + 1) })).toBe(false);
    expect(isMachineClick(person, { sentAt, at: after(60_000) })).toBe(false);
  });

  it('so is one within seconds of the delivery (a gateway scans when the message arrives)', () => {
    const deliveredAt = after(5 * 60_000);
    expect(isScannerTiming({ sentAt, deliveredAt }, new Date(deliveredAt.getTime() + 1500))).toBe(true);
    expect(isScannerTiming({ sentAt, deliveredAt }, new Date(deliveredAt.getTime() + 30_000))).toBe(false);
    expect(isScannerTiming({ sentAt: null, deliveredAt: null }, after(100))).toBe(false);
    // Before the sending is known (clocks apart): not by timing.
    expect(isScannerTiming({ sentAt }, after(-500))).toBe(false);
  });

  it('different links of one delivery within a second of each other are a burst; the same link twice is not', () => {
    const at = after(3_600_000).getTime();
    expect(isClickBurst([{ target: 0, at }], 1, at + 400)).toBe(true);
    expect(isClickBurst([{ target: 0, at }], 1, at + CLICK_BURST_MS)).toBe(true);
    expect(isClickBurst([{ target: 0, at }], 1, at + CLICK_BURST_MS + 1)).toBe(false);
    expect(isClickBurst([{ target: 0, at }], 0, at + 200)).toBe(false);
    expect(isClickBurst([], 0, at)).toBe(false);
    expect(
      isMachineClick(person, { sentAt, at: new Date(at + 300), target: 2, recent: [{ target: 1, at }] }),
    ).toBe(true);
    expect(
      isMachineClick(person, { sentAt, at: new Date(at + 5000), target: 2, recent: [{ target: 1, at }] }),
    ).toBe(false);
  });

  it(`an open within ${SCANNER_OPEN_SECONDS} s of the sending is a machine's; a person's later`, () => {
    const request = { method: 'GET', userAgent: CHROME, ip: '203.0.113.7' };
    expect(isMachineOpen(request, sentAt, after(3000))).toBe(true);
    expect(isMachineOpen(request, sentAt, after(60_000))).toBe(false);
    expect(isMachineOpen({ ...request, ip: '17.58.101.12' }, sentAt, after(60_000))).toBe(true);
  });
});
