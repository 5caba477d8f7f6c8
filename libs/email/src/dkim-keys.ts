import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';

/** The DNS record that publishes a DKIM public key. */
export interface DkimDnsRecord {
  /** `<selector>._domainkey.<domain>` */
  name: string;
  type: 'TXT';
  /** The whole value, `v=DKIM1; k=rsa; p=…`. */
  value: string;
  /** The value cut into strings of at most 255 characters, as one TXT record holds them (RFC 7208 §3.3). */
  strings: string[];
  /** The record in zone-file form, the strings quoted. */
  zoneLine: string;
}

/** A new 2048-bit RSA key for DKIM, PEM (PKCS#8). */
export function generateDkimPrivateKey(bits = 2048): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** The TXT record to publish for a private key (its public half, base64 DER SubjectPublicKeyInfo). */
export function dkimDnsRecord(privateKeyPem: string, domain: string, selector: string): DkimDnsRecord {
  const privateKey = createPrivateKey(privateKeyPem);
  const der = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const k = privateKey.asymmetricKeyType === 'ed25519' ? 'ed25519' : 'rsa';
  const p = k === 'ed25519' ? der.subarray(der.length - 32).toString('base64') : der.toString('base64');
  const value = `v=DKIM1; k=${k}; p=${p}`;
  const strings = value.match(/.{1,255}/g) ?? [];
  const name = `${selector}._domainkey.${domain}`;
  return {
    name,
    type: 'TXT',
    value,
    strings,
    zoneLine: `${name}. 3600 IN TXT ( ${strings.map((s) => `"${s}"`).join(' ')} )`,
  };
}
