// Path prefixes whose next segment is a secret token (portal links, unsubscribe links, double opt-in
// confirmations). The portal's
// own fixed pages (`/portal/link`, `/portal/assets/…`) are not tokens and stay readable.
const TOKEN_PATH =
  /^(\/(?:u|p|consent|portal(?!\/(?:link|assets)(?:[/?#]|$))|api\/v1\/portal\/links)\/)([^/?#]+)/;
const TOKEN_QUERY = /([?&](?:token|key|t|signature|sig|access_token|portal_token)=)[^&#]*/gi;

/**
 * Removes tokens from a URL before it is logged: tokens never appear in logs. The portal's JSON API
 * (`/api/v1/portal/…`) takes its token in the Authorization header, which the logger redacts; a token
 * sent in its query string anyway is caught by TOKEN_QUERY.
 */
export function redactUrl(url: string): string {
  return url.replace(TOKEN_PATH, '$1[redacted]').replace(TOKEN_QUERY, '$1[redacted]');
}
