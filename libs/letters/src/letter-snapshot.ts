import { Locale } from '@touchbase/core';
import type { PreparedDelivery } from '@touchbase/dispatch';
import { postalRegion } from '@touchbase/templates';

/**
 * A letter as it was handed over, kept in the delivery's meta (`meta.letter`): the batch PDF is laid
 * out from it later, page by page, and it records exactly what was printed for whom.
 */
export interface LetterSnapshot {
  locale: Locale;
  /** yyyy-MM-dd in the client's zone: the date printed on the letter. */
  date: string;
  recipient: string;
  street: string[];
  postalCode: string | null;
  city: string | null;
  region: string | null;
  /** The country's name, only for mail abroad. */
  country: string | null;
  /** The rendered body, salutation to closing phrase; paragraphs split by a blank line. */
  text: string;
  signer: { id: string; name: string; title: string; hasSignature: boolean } | null;
  /**
   * The client's portal as printed under the letter, with its QR code: a short link (PUBLIC_URL/r/…)
   * in a batch, short enough to type. Absent in letters handed over before it was printed.
   */
  portalLink?: string | null;
}

/**
 * `homeCountry`: ISO code of the workspace's country, left off the address; `portalLink`: the portal
 * link to print with its QR code (the short one of the delivery), by default the portal URL itself.
 */
export function letterSnapshot(
  item: Pick<PreparedDelivery, 'context' | 'signer'>,
  text: string,
  homeCountry: string,
  portalLink: string = item.context.portal.url,
): LetterSnapshot {
  const client = item.context.client;
  const code = client.address.country?.trim() || null;
  const abroad = code !== null && code.toUpperCase() !== homeCountry.toUpperCase();
  return {
    locale: client.locale,
    date: item.context.today,
    recipient: client.address.recipient?.trim() || client.name,
    street: client.address.lines.map((l) => l.trim()).filter((l) => l.length > 0),
    postalCode: client.address.postalCode,
    city: client.address.city,
    region: postalRegion(client.address.city, client.address.region),
    country: abroad ? countryName(code, client.locale) : null,
    text,
    signer: item.signer
      ? {
          id: item.signer.id,
          // Name and title in the client's language, as the letter's text has them.
          name: item.context.signer?.name ?? item.signer.name,
          title: item.context.signer?.title ?? item.signer.title,
          hasSignature: item.signer.signatureMime !== null,
        }
      : null,
    portalLink,
  };
}

// Mail abroad carries the country in capitals on its last line (UPU).
function countryName(code: string, locale: Locale): string {
  if (!/^[A-Za-z]{2}$/.test(code)) return code.toUpperCase();
  try {
    return (new Intl.DisplayNames([locale], { type: 'region' }).of(code.toUpperCase()) ?? code).toUpperCase();
  } catch {
    return code.toUpperCase();
  }
}

/** At most this many lines fit the address zone of the window (27.3 mm). */
export const ADDRESS_MAX_LINES = 6;

/**
 * The address block in the window: recipient, street lines, postal code and city, region, country.
 * Too long: the region joins the city line, then street lines are joined, so nothing falls out of
 * the window.
 */
export function addressLines(letter: LetterSnapshot): string[] {
  const present = (l: string | null): l is string => !!l && l.trim().length > 0;
  const place = [letter.postalCode, letter.city].filter(present).join(' ');
  let street = letter.street;
  let tail = [place, letter.region, letter.country].filter(present);
  if (1 + street.length + tail.length > ADDRESS_MAX_LINES && letter.region) {
    tail = [[place, letter.region].filter(present).join(', '), letter.country].filter(present);
  }
  const room = ADDRESS_MAX_LINES - 1 - tail.length;
  if (street.length > room) street = [...street.slice(0, room - 1), street.slice(room - 1).join(', ')];
  return [letter.recipient, ...street, ...tail];
}
