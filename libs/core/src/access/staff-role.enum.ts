export enum StaffRole {
  /** Everything, including staff, API keys and the frequency policy. */
  Admin = 'admin',
  /** Segments, templates, campaigns, editions, simulations, reports. */
  Marketer = 'marketer',
  /** Clients, imports, purchases, call tasks, letter batches, reports. */
  SalesOps = 'sales-ops',
}
