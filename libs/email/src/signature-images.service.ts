import { Injectable } from '@nestjs/common';
import { NotFoundException } from '@touchbase/core';
import { Signer, SignersService } from '@touchbase/templates';
import { InlineImage } from './drivers/email.driver';

/** The Content-ID of the signature image: `<img src="cid:signature">`. */
export const SIGNATURE_CID = 'signature';

const MAX_CACHED = 50;

/**
 * Signature images for CEO mail, loaded once per signer version (id + updatedAt, which changes with
 * the image) rather than once per message: a quarterly letter goes to the whole base.
 */
@Injectable()
export class SignatureImagesService {
  private readonly cache = new Map<string, Promise<InlineImage | null>>();

  constructor(private readonly signers: SignersService) {}

  get(signer: Signer): Promise<InlineImage | null> {
    if (!signer.signatureMime) return Promise.resolve(null);
    const key = `${signer.id}:${new Date(signer.updatedAt).getTime()}`;
    let image = this.cache.get(key);
    if (!image) {
      image = this.load(signer.id);
      // A failed load (database away) is tried again next time rather than remembered.
      image.catch(() => this.cache.delete(key));
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, image);
    }
    return image;
  }

  private async load(signerId: string): Promise<InlineImage | null> {
    try {
      const { data, mime } = await this.signers.signature(signerId);
      return {
        cid: SIGNATURE_CID,
        filename: mime === 'image/png' ? 'signature.png' : 'signature.jpg',
        contentType: mime,
        content: data,
      };
    } catch (e) {
      // Removed since the signer was read: the letter goes without it.
      if (e instanceof NotFoundException) return null;
      throw e;
    }
  }
}
