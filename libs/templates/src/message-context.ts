import { Locale } from '@touchbase/core';

/**
 * What a template sees. Every key is always present — `null` when there is nothing (no owner, no
 * signer, no campaign, no edition) — so that strict mode fails on real typos only. Guard optional
 * objects with `{{#if owner}}…{{/if}}`.
 *
 * Only what a client may see: no ids, revenue, tags, flags or internal notes.
 */
export interface MessageContext {
  client: ClientView;
  /** The account manager; staff members have no phone, so name and email. */
  owner: OwnerView | null;
  signer: SignerView | null;
  campaign: CampaignView | null;
  edition: EditionView | null;
  portal: { url: string };
  /** `url`: the campaign's topic only (everything when there is no campaign); `allUrl`: everything. */
  unsubscribe: { url: string; allUrl: string };
  company: CompanyView;
  /** ISO date (yyyy-MM-dd) in the client's zone: `{{formatDate today}}`. */
  today: string;
}

export interface ClientView {
  name: string;
  kind: string;
  email: string | null;
  phone: string | null;
  address: AddressView;
  /** The postal block, one entry per line: recipient, street, city, region, postal code, country if abroad. */
  addressBlock: string[];
  /**
   * The salutation, in the client's language: «Уважаемый Иван Петрович!», «Уважаемая Анна Сергеевна!»,
   * «Здравствуйте, …!» without a patronymic, "Dear …,"; a company through its contact person. Null
   * for a company without one: the template's generic greeting.
   */
  greeting: string | null;
  locale: Locale;
  /** The client's IANA zone, or the workspace's. */
  timeZone: string;
  category: string | null;
  stage: string;
}

export interface AddressView {
  recipient: string | null;
  lines: string[];
  city: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

export interface OwnerView {
  name: string;
  email: string;
}

export interface SignerView {
  /** In the client's locale: the English spelling for English clients when there is one, else the Russian. */
  name: string;
  /** In the client's locale: the English title for English clients when there is one, else the Russian. */
  title: string;
  email: string | null;
  /** The title inside a sentence («я генеральный директор»): first letter lower-cased unless an abbreviation. */
  titleInText: string;
  hasSignature: boolean;
}

export interface CampaignView {
  name: string;
  kind: string;
}

export interface EditionView {
  /** In the client's locale, else the other one; null when the edition has none. */
  subject: string | null;
  blocks: EditionBlockView[];
  /** The blocks as HTML, every value escaped: the one value allowed as `{{{edition.html}}}`. */
  html: string;
  /** The blocks as plain text (paragraphs separated by a blank line). */
  text: string;
}

export interface EditionBlockView {
  type: string;
  text: string;
  /** http(s) or mailto only; null otherwise. */
  url: string | null;
}

export interface CompanyView {
  name: string;
  address: string | null;
  phone: string | null;
  website: string | null;
}

// ── What MessageContextBuilder takes. Structural, so the entities fit as they are (Client needs its
// link version, which decides whether its links are still valid).

export interface MessageClient {
  id: string;
  /** clients.link_version: bumping it revokes every link issued so far. */
  linkVersion: number;
  name: string;
  kind: string;
  email: string | null;
  phone: string | null;
  addressRecipient: string | null;
  /** A company's contact person («Фамилия Имя Отчество»), whom its messages address. */
  contactName?: string | null;
  addressLines: string[];
  addressCity: string | null;
  addressRegion: string | null;
  addressPostalCode: string | null;
  addressCountry: string | null;
  locale: Locale;
  timeZone: string | null;
  category: string | null;
  stage: string;
  /** Load the relation: undefined is taken as "no owner". */
  owner?: { name: string; email: string } | null;
}

export interface MessageCampaign {
  name: string;
  kind: string;
  topicKey: string;
}

export interface MessageEditionBlock {
  type: string;
  ru?: string;
  en?: string;
  url?: string;
}

export interface MessageEdition {
  id: string;
  updatedAt: Date;
  subjectRu: string | null;
  subjectEn: string | null;
  blocks: MessageEditionBlock[];
}

export interface MessageSigner {
  name: string;
  /** The name for English clients; null: they get `name`. */
  nameEn: string | null;
  title: string;
  /** The title for English clients; null: they get `title`. */
  titleEn: string | null;
  email: string | null;
  /** Set exactly when the signer has a signature image (the bytes are never loaded for this). */
  signatureMime: string | null;
}

export interface MessageContextOptions {
  campaign?: MessageCampaign | null;
  edition?: MessageEdition | null;
  signer?: MessageSigner | null;
  /** Put into the unsubscribe links, so an unsubscribe is traced to the message. */
  deliveryId?: string | null;
  /** For `today`; defaults to now. */
  now?: Date;
}
