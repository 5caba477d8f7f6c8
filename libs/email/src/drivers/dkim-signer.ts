import DKIM from 'nodemailer/lib/dkim';

/** The signing domain (d=), selector (s=) and private key (PEM) of DKIM_DOMAIN / DKIM_SELECTOR. */
export interface DkimKey {
  domain: string;
  selector: string;
  privateKey: string;
}

/**
 * Adds a DKIM-Signature header (RSA-SHA256, relaxed/relaxed, nodemailer's signer) to a composed
 * message. Both drivers sign the same way: what the file driver writes is what SMTP would send.
 */
export class DkimSigner {
  private readonly dkim: DKIM;

  constructor(readonly key: DkimKey) {
    this.dkim = new DKIM({ domainName: key.domain, keySelector: key.selector, privateKey: key.privateKey });
  }

  sign(raw: Buffer): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const stream = this.dkim.sign(raw);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', reject);
    });
  }
}
