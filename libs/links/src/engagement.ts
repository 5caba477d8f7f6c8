/**
 * When a client last engaged: the latest of its last click, its last open by a person (machine opens —
 * Apple Mail Privacy Protection, security scanners — never count) and its last purchase. NULL for a
 * client that never did any of these. The one definition of engagement: segments ("no engagement for
 * N days") and the frequency policy (sunset) both use it.
 *
 * `clientAlias` is a `clients` row, `engagementAlias` its `client_engagement` row, joined with
 * `LEFT JOIN client_engagement e ON e.client_id = c.id` (a client without a row has no clicks or opens).
 */
export function lastEngagedAtSql(clientAlias: string, engagementAlias: string): string {
  for (const alias of [clientAlias, engagementAlias]) {
    if (!/^[a-z_][a-z0-9_]*$/i.test(alias)) throw new Error(`Not an SQL alias: ${alias}`);
  }
  // GREATEST ignores NULLs: NULL only when all three are.
  return `GREATEST(${engagementAlias}.last_click_at, ${engagementAlias}.last_open_at, ${clientAlias}.last_purchase_at)`;
}
