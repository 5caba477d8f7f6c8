// Path prefixes whose next segment is a secret token (portal links, unsubscribe links).
const TOKEN_PATH = /^(\/(?:u|portal|p|api\/v1\/portal\/links)\/)([^/?#]+)/;
const TOKEN_QUERY = /([?&](?:token|key|t|signature|sig)=)[^&#]*/gi;

/** Removes tokens from a URL before it is logged: tokens never appear in logs. */
export function redactUrl(url: string): string {
  return url.replace(TOKEN_PATH, '$1[redacted]').replace(TOKEN_QUERY, '$1[redacted]');
}
