import { Campaign, CampaignKind } from '@touchbase/campaigns';
import { AppConfig } from '@touchbase/config';
import { Channel, Locale } from '@touchbase/core';
import type { PreparedDelivery } from '@touchbase/dispatch';
import type { MessageContext, RenderedEmail, Signer, Template } from '@touchbase/templates';
import { LinksService } from '@touchbase/links';
import { EmailMessageBuilder, withSignature } from './email-message.builder';

const config = {
  email: { from: 'Альфа <noreply@alfa.example>' },
  bounces: { domain: null, localPart: 'bounces' },
  links: { portalSecret: 'p'.repeat(32), unsubscribeSecret: 'u'.repeat(32) },
} as unknown as AppConfig;
const links = new LinksService(config);
const UNSUBSCRIBE = 'https://tb.example/u/eyJjIjoiMSJ9.sig';

function delivery(campaign: Partial<Campaign>, signer: Partial<Signer> | null = null): PreparedDelivery {
  return {
    id: '42',
    runId: 'r',
    campaignId: '8c5d2c2e-5b8e-4a7b-9f3a-1234567890ab',
    clientId: 'c',
    channel: Channel.Email,
    priority: 0,
    countsAsTouch: true,
    scheduledAt: new Date(),
    attempts: 1,
    claimToken: 't',
    meta: {},
    client: {
      id: 'c',
      name: 'ООО «Ромашка»',
      email: 'zakupki@romashka.ru',
      phone: null,
      locale: Locale.Ru,
      ownerId: null,
      clickTracking: true,
    },
    campaign: { kind: CampaignKind.Broadcast, fromAddress: null, ...campaign } as Campaign,
    edition: null,
    signer: signer as Signer | null,
    template: {} as Template,
    context: { unsubscribe: { url: UNSUBSCRIBE, allUrl: UNSUBSCRIBE } } as MessageContext,
  };
}

const rendered: RenderedEmail = {
  channel: Channel.Email,
  subject: 'Новости ноября',
  html: '<p>С уважением,<br>Иван Петров</p>',
  text: 'С уважением, Иван Петров',
};

describe('EmailMessageBuilder', () => {
  const builder = new EmailMessageBuilder(config, links);

  it('sends from the From address when BOUNCE_DOMAIN is unset, from a signed VERP address when set', () => {
    expect(builder.build(delivery({}), rendered, null).envelopeFrom).toBeUndefined();
    const verp = new EmailMessageBuilder(
      { ...config, bounces: { domain: 'bounce.alfa.example', localPart: 'bounces' } } as AppConfig,
      links,
    );
    const address = verp.build(delivery({}), rendered, null).envelopeFrom!;
    expect(address).toMatch(/^bounces\+42-[0-9a-f]{16}@bounce\.alfa\.example$/);
    const code = address.slice('bounces+'.length, address.indexOf('@'));
    expect(links.verifyBounceCode(code)).toBe('42');
    expect(links.verifyBounceCode(code.toUpperCase())).toBe('42');
    expect(links.verifyBounceCode(code.replace(/^42-/, '43-'))).toBeNull();
    expect(address.split('@')[0].length).toBeLessThanOrEqual(64);
  });
  const ceo = {
    id: 's',
    name: 'Иван Петров',
    email: 'ceo@alfa.example',
    signatureMime: 'image/png' as const,
  };

  it('addresses the client, with one-click unsubscribe headers and a Message-ID per delivery', () => {
    const m = builder.build(delivery({}), rendered, null);
    expect(m.from).toEqual({ name: 'Альфа', address: 'noreply@alfa.example' });
    expect(m.to).toEqual({ name: 'ООО «Ромашка»', address: 'zakupki@romashka.ru' });
    expect(m.headers).toEqual({
      'List-Unsubscribe': `<${UNSUBSCRIBE}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(m.messageId).toBe('<delivery-42.8c5d2c2e-5b8e-4a7b-9f3a-1234567890ab@alfa.example>');
    expect(builder.build(delivery({}), rendered, null).messageId).toBe(m.messageId);
  });

  it('leaves the unsubscribe headers out of service messages', () => {
    expect(builder.build(delivery({ kind: CampaignKind.Service }), rendered, null).headers).toEqual({});
  });

  it('sends from the campaign, else a CEO letter from its signer, else EMAIL_FROM', () => {
    expect(builder.from(delivery({ fromAddress: 'news@alfa.example' }))).toEqual({
      name: 'Альфа',
      address: 'news@alfa.example',
    });
    expect(builder.from(delivery({ kind: CampaignKind.CeoLetter }, ceo))).toEqual({
      name: 'Иван Петров',
      address: 'ceo@alfa.example',
    });
    expect(builder.from(delivery({ kind: CampaignKind.CeoLetter }, { ...ceo, email: null }))).toEqual(
      builder.defaultFrom,
    );
    expect(builder.from(delivery({ kind: CampaignKind.Broadcast }, ceo))).toEqual(builder.defaultFrom);
    const m = builder.build(delivery({ kind: CampaignKind.CeoLetter }, ceo), rendered, null);
    expect(m.messageId).toMatch(/@alfa\.example>$/);
    // An English client reads the signer's English name, in the From as in the letter.
    const english = delivery({ kind: CampaignKind.CeoLetter }, { ...ceo, nameEn: 'Ivan Petrov' });
    english.context = { ...english.context, signer: { name: 'Ivan Petrov' } } as MessageContext;
    expect(builder.from(english)).toEqual({ name: 'Ivan Petrov', address: 'ceo@alfa.example' });
    expect(
      builder.from({
        ...english,
        campaign: { ...english.campaign, fromAddress: 'ceo@news.example' } as Campaign,
      }),
    ).toEqual({
      name: 'Ivan Petrov',
      address: 'ceo@news.example',
    });
  });

  it('wants the signature image in CEO letters whose signer has one', () => {
    expect(builder.signatureOf(delivery({ kind: CampaignKind.CeoLetter }, ceo))).toMatchObject({ id: 's' });
    expect(
      builder.signatureOf(delivery({ kind: CampaignKind.CeoLetter }, { ...ceo, signatureMime: null })),
    ).toBeNull();
    expect(builder.signatureOf(delivery({ kind: CampaignKind.Broadcast }, ceo))).toBeNull();
    const image = {
      cid: 'signature',
      filename: 'signature.png',
      contentType: 'image/png',
      content: Buffer.from('x'),
    };
    const m = builder.build(delivery({ kind: CampaignKind.CeoLetter }, ceo), rendered, image);
    expect(m.inlineImages).toEqual([image]);
    expect(m.html).toContain('<br><img src="cid:signature" alt="Иван Петров"');
  });
});

describe('withSignature', () => {
  it('goes above the last mention of the signer (the sign-off)', () => {
    const html = '<p>Меня зовут Иван Петров.</p><p>С уважением,<br>Иван Петров<br>CEO</p>';
    const out = withSignature(html, 'Иван Петров', 'signature');
    expect(out.indexOf('cid:signature')).toBeGreaterThan(out.indexOf('С уважением'));
    expect(out.match(/<img/g)).toHaveLength(1);
  });

  it('matches the name as the template escaped it, keeps a template’s own cid, else goes last', () => {
    expect(withSignature('<p>O&#x27;Brien</p>', "O'Brien", 'signature')).toMatch(
      /^<p><img [^>]+>O&#x27;Brien/,
    );
    const own = '<img src="cid:signature">';
    expect(withSignature(own, 'X', 'signature')).toBe(own);
    expect(withSignature('<html><body><p>Hi</p></body></html>', 'X', 'signature')).toMatch(
      /<p>Hi<\/p><img [^>]+><\/body>/,
    );
  });
});
