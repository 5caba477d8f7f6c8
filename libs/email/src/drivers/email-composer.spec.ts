import { simpleParser } from 'mailparser';
import { composeEmail, EmailComposer } from './email-composer';
import type { OutgoingEmail } from './email.driver';

describe('composeEmail', () => {
  const url = `https://tb.example/u/${'x'.repeat(160)}.${'y'.repeat(43)}`;
  const messageId = '<delivery-1234567.8c5d2c2e-5b8e-4a7b-9f3a-1234567890ab@touchbase.example>';

  it('writes Message-ID and List-Unsubscribe on one line each, the rest MIME-encoded', async () => {
    const raw = await composeEmail({
      from: { name: 'Иван Петров', address: 'ceo@alfa.example' },
      to: { name: 'ООО «Ромашка»', address: 'zakupki@romashka.ru' },
      subject: 'Письмо от руководителя: итоги квартала и планы на следующий, очень длинная тема',
      html: '<p>Спасибо!</p><img src="cid:signature">',
      text: 'Спасибо!',
      messageId,
      headers: { 'List-Unsubscribe': `<${url}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      inlineImages: [
        {
          cid: 'signature',
          filename: 'signature.png',
          contentType: 'image/png',
          content: Buffer.from('png'),
        },
      ],
    });
    const head = raw.toString('latin1').split('\r\n\r\n')[0];
    expect(head).toContain(`\r\nList-Unsubscribe: <${url}>\r\n`);
    expect(head).toContain('\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');
    expect(head).toMatch(new RegExp(`^Message-ID: ${messageId}\\r\\n`, 'm'));
    expect(head).not.toMatch(/[^\p{ASCII}]/u);

    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(
      'Письмо от руководителя: итоги квартала и планы на следующий, очень длинная тема',
    );
    expect(parsed.from?.value[0]).toEqual({ name: 'Иван Петров', address: 'ceo@alfa.example' });
    expect(parsed.text?.trim()).toBe('Спасибо!');
    expect(parsed.attachments[0]).toMatchObject({ contentId: '<signature>', contentDisposition: 'inline' });
  });

  it('never lets a header value break the header block', async () => {
    const raw = await composeEmail({
      from: { address: 'a@b.example' },
      to: { address: 'c@d.example' },
      subject: 's',
      html: '<p>x</p>',
      text: 'x',
      messageId: '<m@b.example>',
      headers: { 'X-Test': 'one\r\nBcc: evil@example.com' },
    });
    expect(raw.toString()).not.toMatch(/^Bcc:/m);
  });

  it('builds the same message on a worker thread, inline images included', async () => {
    const message: OutgoingEmail = {
      from: { name: 'Альфа', address: 'news@alfa.example' },
      to: { name: 'ООО «Ромашка»', address: 'zakupki@romashka.ru' },
      subject: 'Новости',
      html: '<p>Привет</p><img src="cid:signature">',
      text: 'Привет',
      messageId,
      headers: { 'List-Unsubscribe': `<${url}>` },
      inlineImages: [
        {
          cid: 'signature',
          filename: 'signature.png',
          contentType: 'image/png',
          content: Buffer.from('png!'),
        },
      ],
    };
    const composer = new EmailComposer(2);
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => composer.compose(message)));
    await composer.close();
    for (const raw of [a, b, c]) {
      expect(Buffer.isBuffer(raw)).toBe(true);
      const parsed = await simpleParser(raw);
      expect(parsed.subject).toBe('Новости');
      expect(parsed.messageId).toBe(messageId);
      expect(parsed.attachments[0].content.toString()).toBe('png!');
      expect(raw.toString('latin1')).toContain(`\r\nList-Unsubscribe: <${url}>\r\n`);
    }
    // Closed: composes in-thread.
    expect((await simpleParser(await composer.compose(message))).subject).toBe('Новости');
  });
});
