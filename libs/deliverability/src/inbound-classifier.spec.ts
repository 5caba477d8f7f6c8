import { BOUNCE_FIXTURES, bounceFixture } from '../../../test/support/bounce-fixtures';
import { classifyInbound, parseInbound } from './inbound-classifier';
import { InboundKind } from './inbound.enums';

const values = {
  verp: 'bounces+42-0123456789abcdef@bounce.alfa.example',
  recipient: 'zakupki@romashka.example',
  messageId: '<delivery-42.8c5d2c2e-5b8e-4a7b-9f3a-1234567890ab@alfa.example>',
  bounceDomain: 'bounce.alfa.example',
};

describe('classifyInbound (fixtures of several servers)', () => {
  it.each(BOUNCE_FIXTURES)('$server ($file) → $kind', async ({ file, kind, status }) => {
    const raw = bounceFixture(file, values);
    const c = classifyInbound(await parseInbound(raw), [], raw);
    expect(c.kind).toBe(kind);
    expect(c.status).toBe(status);
    expect(c.originalMessageIds).toContain(values.messageId.slice(1, -1));
    if (kind !== InboundKind.AutoReply) expect(c.recipient).toBe(values.recipient);
    if (file !== 'arf-mailru-fbl.eml') expect(c.verpCandidates).toContain(values.verp);
  });

  it('reads the diagnostic of DSNs and plain bounces', async () => {
    const postfix = classifyInbound(await parseInbound(bounceFixture('postfix-hard-5.1.1.eml', values)));
    expect(postfix.diagnostic).toMatch(/^550 5\.1\.1 .*User unknown in virtual mailbox table$/);
    expect(postfix.action).toBe('failed');
    const soft = classifyInbound(await parseInbound(bounceFixture('postfix-soft-4.2.2-delayed.eml', values)));
    expect(soft.action).toBe('delayed');
    const exim = classifyInbound(await parseInbound(bounceFixture('exim-hard-plain.eml', values)));
    expect(exim.diagnostic).toBe('550 No Such User Here');
    const complaint = classifyInbound(await parseInbound(bounceFixture('arf-rfc5965.eml', values)));
    expect(complaint.action).toBe('abuse');
  });

  it('takes a success DSN for a report, and a human reply for unknown', async () => {
    const delivered = Buffer.from(
      [
        'From: MAILER-DAEMON@mx.example',
        'To: bounces+1-00@bounce.alfa.example',
        'Subject: Successful Mail Delivery Report',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'Your message was delivered.',
        '--b',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example',
        '',
        'Final-Recipient: rfc822; a@example.com',
        'Action: delivered',
        'Status: 2.0.0',
        '--b--',
        '',
      ].join('\r\n'),
    );
    expect(classifyInbound(await parseInbound(delivered)).kind).toBe(InboundKind.DeliveryReport);
    const human = Buffer.from(
      'From: Anna <anna@romashka.example>\r\nTo: bounces+1-00@bounce.alfa.example\r\nSubject: Re: news\r\n\r\nThanks, please call me.\r\n',
    );
    expect(classifyInbound(await parseInbound(human)).kind).toBe(InboundKind.Unknown);
  });
});
