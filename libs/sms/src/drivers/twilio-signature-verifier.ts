import twilio from 'twilio';

export type WebhookParams = Record<string, string | string[]>;

/**
 * Checks X-Twilio-Signature with twilio's own validateRequest (HMAC-SHA1 of the URL Twilio requested
 * and the sorted POST parameters, keyed with the auth token). Without an auth token (the `log`
 * driver) nothing is valid.
 */
export class TwilioSignatureVerifier {
  constructor(private readonly authToken: string | undefined) {}

  get enabled(): boolean {
    return Boolean(this.authToken);
  }

  /** True when the signature matches one of the URLs the request may have been made to. */
  verify(signature: string | undefined, urls: string[], params: WebhookParams): boolean {
    const token = this.authToken;
    if (!token || !signature) return false;
    return urls.some((url) => twilio.validateRequest(token, signature, url, params));
  }
}
