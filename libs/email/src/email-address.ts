import { domainToASCII } from 'node:url';
import type { EmailAddress } from './drivers/email.driver';

/**
 * `Name <a@b>`, `"Name, Inc." <a@b>` or `a@b` (EMAIL_FROM is validated as such) → a mailbox. Quotes
 * around the name are dropped; nodemailer encodes the name as needed.
 */
export function parseMailbox(value: string): EmailAddress {
  const angle = /^\s*(.*?)\s*<\s*([^<>\s]+)\s*>\s*$/.exec(value);
  if (!angle) return { address: value.trim() };
  const name = angle[1]
    .replace(/^"(.*)"$/, '$1')
    .replace(/\\(.)/g, '$1')
    .trim();
  return name ? { name, address: angle[2] } : { address: angle[2] };
}

/** The domain of an address in ASCII (punycode), for Message-IDs. */
export function asciiDomain(address: string): string {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return domainToASCII(domain) || 'localhost';
}
