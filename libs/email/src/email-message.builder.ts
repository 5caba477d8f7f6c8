import { Injectable, Logger } from '@nestjs/common';
import { CampaignKind } from '@touchbase/campaigns';
import { AppConfig } from '@touchbase/config';
import type { PreparedDelivery } from '@touchbase/dispatch';
import { LinksService } from '@touchbase/links';
import type { RenderedEmail, Signer } from '@touchbase/templates';
import { EmailAddress, InlineImage, OutgoingEmail } from './drivers/email.driver';
import { asciiDomain, parseMailbox } from './email-address';

/** RFC 8058: the POST body a mail client sends to the List-Unsubscribe URL. */
export const ONE_CLICK_BODY = 'List-Unsubscribe=One-Click';

type Sender = Pick<PreparedDelivery, 'campaign' | 'signer' | 'context'>;

/**
 * Turns a rendered delivery into a message: sender, recipient, unsubscribe headers, a Message-ID that
 * stays the same across retries, and the signature image inline in CEO letters.
 */
@Injectable()
export class EmailMessageBuilder {
  readonly defaultFrom: EmailAddress;
  private readonly domains = new Map<string, string>();
  private readonly bounces: { domain: string | null; localPart: string };

  constructor(
    config: AppConfig,
    private readonly links: LinksService,
  ) {
    this.defaultFrom = parseMailbox(config.email.from);
    this.bounces = config.bounces;
    if (config.isProduction && !config.http.publicUrl.startsWith('https://')) {
      new Logger('Email').warn(
        `PUBLIC_URL (${config.http.publicUrl}) is not https: mail clients offer one-click unsubscribe (RFC 8058) for https links only`,
      );
    }
  }

  build(item: PreparedDelivery, rendered: RenderedEmail, signature: InlineImage | null): OutgoingEmail {
    if (!item.client.email) throw new Error('The client has no email address');
    const from = this.from(item);
    const headers: Record<string, string> = {};
    // Service messages (contact verification …) are not promotional: nothing to unsubscribe from.
    if (item.campaign.kind !== CampaignKind.Service) {
      headers['List-Unsubscribe'] = `<${item.context.unsubscribe.url}>`;
      headers['List-Unsubscribe-Post'] = ONE_CLICK_BODY;
    }
    const image = signature && item.signer ? signature : null;
    return {
      from,
      to: { name: item.client.name, address: item.client.email },
      subject: rendered.subject,
      html: image ? withSignature(rendered.html, signerName(item), image.cid) : rendered.html,
      text: rendered.text,
      messageId: `<delivery-${item.id}.${item.campaignId}@${this.domainOf(from.address)}>`,
      headers,
      inlineImages: image ? [image] : [],
      envelopeFrom: this.verpAddress(item.id) ?? undefined,
    };
  }

  /**
   * The delivery's VERP address, `bounces+<signed code>@<BOUNCE_DOMAIN>`: what comes back to it names
   * the delivery. Null when BOUNCE_DOMAIN is unset (the envelope sender is then From's address).
   */
  verpAddress(deliveryId: string): string | null {
    const { domain, localPart } = this.bounces;
    return domain ? `${localPart}+${this.links.bounceCode(deliveryId)}@${domain}` : null;
  }

  /**
   * The campaign's From; else, for CEO letters, the signer when they have an address; else EMAIL_FROM.
   * The signer's name as the client reads it (English for English clients when there is one).
   */
  from(item: Sender): EmailAddress {
    const { campaign, signer } = item;
    const ceo = campaign.kind === CampaignKind.CeoLetter && signer !== null;
    if (campaign.fromAddress) {
      return { name: ceo ? signerName(item) : this.defaultFrom.name, address: campaign.fromAddress };
    }
    if (ceo && signer!.email) return { name: signerName(item), address: signer!.email };
    return this.defaultFrom;
  }

  private domainOf(address: string): string {
    let domain = this.domains.get(address);
    if (domain === undefined) {
      domain = asciiDomain(address);
      if (this.domains.size > 100) this.domains.clear();
      this.domains.set(address, domain);
    }
    return domain;
  }

  /** The signer whose signature image the message carries (CEO letters), if any. */
  signatureOf({ campaign, signer }: Sender): Signer | null {
    return campaign.kind === CampaignKind.CeoLetter && signer?.signatureMime ? signer : null;
  }
}

/** The signer's name in the client's language, as the template printed it. */
function signerName({ signer, context }: Sender): string {
  return context.signer?.name ?? signer!.name;
}

/**
 * Puts the signature image in the HTML: where the template refers to `cid:<cid>` itself, nothing to
 * do; otherwise just above the last mention of the signer's name (the sign-off), else at the end.
 */
export function withSignature(html: string, signerName: string, cid: string): string {
  if (html.includes(`cid:${cid}`)) return html;
  const img =
    `<img src="cid:${cid}" alt="${escapeHtml(signerName)}" ` +
    `style="display:block;max-width:220px;max-height:90px;height:auto;margin:8px 0;border:0;">`;
  const at = html.lastIndexOf(escapeHtml(signerName));
  if (at >= 0) return html.slice(0, at) + img + html.slice(at);
  const body = html.search(/<\/body\s*>/i);
  return body >= 0 ? html.slice(0, body) + img + html.slice(body) : html + img;
}

// As Handlebars escapes, so that a name found in the rendered HTML matches.
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => ESCAPES[c]);
}
