import { Injectable } from '@nestjs/common';
import { DateTime, IANAZone } from 'luxon';
import { BrandingService } from './branding/branding.service';
import { AppConfig } from '@touchbase/config';
import { Locale } from '@touchbase/core';
import { LinksService } from '@touchbase/links';
import { editionView } from './edition-content';
import { greetingFor, postalRegion, titleInSentence } from './salutation';
import {
  ClientView,
  CompanyView,
  EditionView,
  MessageClient,
  MessageContext,
  MessageContextOptions,
  MessageEdition,
} from './message-context';

const EDITION_CACHE_SIZE = 200;

/**
 * Builds the data a template renders with, from rows the caller already has: no queries, so the
 * dispatchers can call it once per message. Links are signed here (HMAC: microseconds); an
 * edition's HTML and text are built once per (edition, version, locale).
 */
@Injectable()
export class MessageContextBuilder {
  private readonly company: Omit<CompanyView, 'name'>;
  private readonly editions = new Map<string, EditionView>();
  /** "Today" per zone, with the day's bounds: formatting a date in a zone costs more than the rest. */
  private readonly days = new Map<string, { from: number; until: number; value: string }>();

  constructor(
    private readonly links: LinksService,
    private readonly config: AppConfig,
    private readonly branding: BrandingService,
  ) {
    const { address, phone, website } = config.company;
    this.company = { address, phone, website };
  }

  build(client: MessageClient, options: MessageContextOptions = {}): MessageContext {
    const { campaign, edition, signer, deliveryId } = options;
    // Client zones are validated on the way in; the check only keeps a bad row from breaking a send.
    // IANAZone.create is cached per zone (isValidZone builds an Intl.DateTimeFormat on every call).
    const timeZone =
      client.timeZone && IANAZone.create(client.timeZone).isValid
        ? client.timeZone
        : this.config.workspace.timeZone;
    const d = deliveryId ?? undefined;
    const allUrl = this.links.unsubscribeUrl({ c: client.id, v: client.linkVersion, t: null, d });
    return {
      client: this.clientView(client, timeZone),
      owner: client.owner ? { name: client.owner.name, email: client.owner.email } : null,
      signer: signer
        ? {
            name: (client.locale === Locale.En && signer.nameEn) || signer.name,
            title: (client.locale === Locale.En && signer.titleEn) || signer.title,
            titleInText: titleInSentence((client.locale === Locale.En && signer.titleEn) || signer.title),
            email: signer.email,
            hasSignature: signer.signatureMime !== null,
          }
        : null,
      campaign: campaign ? { name: campaign.name, kind: campaign.kind } : null,
      edition: edition ? this.edition(edition, client.locale) : null,
      portal: { url: this.links.portalUrl(client.id, client.linkVersion, client.locale) },
      unsubscribe: {
        url: campaign
          ? this.links.unsubscribeUrl({ c: client.id, v: client.linkVersion, t: campaign.topicKey, d })
          : allUrl,
        allUrl,
      },
      company: { name: this.branding.companyName(client.locale), ...this.company },
      today: this.today(options.now?.getTime() ?? Date.now(), timeZone),
    };
  }

  private today(at: number, zone: string): string {
    const hit = this.days.get(zone);
    if (hit && at >= hit.from && at < hit.until) return hit.value;
    const start = DateTime.fromMillis(at, { zone }).startOf('day');
    const day = { from: start.toMillis(), until: start.plus({ days: 1 }).toMillis(), value: start.toFormat('yyyy-MM-dd') };
    this.days.set(zone, day);
    return day.value;
  }

  private clientView(c: MessageClient, timeZone: string): ClientView {
    return {
      name: c.name,
      kind: c.kind,
      email: c.email,
      phone: c.phone,
      address: {
        recipient: c.addressRecipient,
        lines: [...c.addressLines],
        city: c.addressCity,
        region: c.addressRegion,
        postalCode: c.addressPostalCode,
        country: c.addressCountry,
      },
      addressBlock: this.addressBlock(c),
      greeting: greetingFor(c.kind === 'person' ? c.name : (c.contactName ?? null), c.locale),
      locale: c.locale,
      timeZone,
      category: c.category,
      stage: c.stage,
    };
  }

  // Russian Post order (street, city, region, postal code); the country only for mail abroad.
  private addressBlock(c: MessageClient): string[] {
    if (c.addressLines.length === 0 && !c.addressCity) return [];
    const home = this.config.workspace.phoneRegion.toUpperCase();
    const country =
      c.addressCountry && c.addressCountry.toUpperCase() !== home
        ? countryName(c.addressCountry, c.locale)
        : null;
    return [
      c.addressRecipient ?? c.name,
      ...c.addressLines,
      c.addressCity,
      postalRegion(c.addressCity, c.addressRegion),
      c.addressPostalCode,
      country,
    ]
      .map((line) => line?.trim())
      .filter((line): line is string => !!line);
  }

  private edition(edition: MessageEdition, locale: Locale): EditionView {
    const key = `${edition.id}:${edition.updatedAt.getTime()}:${locale}`;
    let view = this.editions.get(key);
    if (!view) {
      view = editionView(edition, locale);
      const oldest = this.editions.keys().next();
      if (this.editions.size >= EDITION_CACHE_SIZE && !oldest.done) this.editions.delete(oldest.value);
      this.editions.set(key, view);
    }
    // A copy: the renderer may not share one object between messages.
    return { ...view, blocks: view.blocks.map((b) => ({ ...b })) };
  }
}

function countryName(code: string, locale: Locale): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return code;
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}
