/** The database went away (restart, terminated connection, refused connection), not a bad statement. */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (/^(08|57P0[1-3]|53300)/.test(code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code)) return true;
  }
  const message = e instanceof Error ? e.message : String(e);
  return /Connection terminated|terminating connection|connection error|Client was closed|timeout exceeded when trying to connect|not queryable/i.test(
    message,
  );
}
