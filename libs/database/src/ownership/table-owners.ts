/**
 * Which library owns (alone writes) each table. Every other library calls the owner. `npm run lint`
 * checks the tree against this list (table-ownership.checker.ts); docs/architecture.md shows it too.
 */
export const TABLE_OWNERS: Readonly<Record<string, string>> = {
  api_keys: 'staff',
  call_tasks: 'calls',
  category_history: 'clients',
  campaigns: 'campaigns',
  client_engagement: 'links',
  client_preferences: 'preferences',
  client_topic_subscriptions: 'preferences',
  clients: 'clients',
  consent_log: 'preferences',
  deliveries: 'runs',
  delivery_links: 'links',
  editions: 'campaigns',
  experiment_runs: 'experiments',
  experiments: 'experiments',
  idempotency_keys: 'idempotency',
  import_errors: 'imports',
  imports: 'imports',
  inbound_bounce_events: 'deliverability',
  letter_batches: 'letters',
  consent_requests: 'portal',
  portal_link_requests: 'portal',
  purchases: 'classification',
  runs: 'runs',
  segment_counts: 'segments',
  segments: 'segments',
  signers: 'templates',
  staff_members: 'staff',
  staff_password_tokens: 'staff',
  staff_sessions: 'staff',
  staff_sign_in_failures: 'staff',
  stage_history: 'clients',
  suppressions: 'suppression',
  survey_answers: 'portal',
  templates: 'templates',
  topics: 'preferences',
  vip_cooling_episodes: 'reports',
  webhook_deliveries: 'webhooks',
  webhook_endpoints: 'webhooks',
  webhook_events: 'sms',
  webhook_outbox: 'webhooks',
  worker_heartbeats: 'health',
  workspace_settings: 'settings',
};

/**
 * Writes by a library other than the owner, each with its reason. Kept short: a new entry needs a
 * reason as good as these.
 */
export const TABLE_WRITE_GRANTS: readonly { table: string; library: string; why: string }[] = [
  {
    table: 'deliveries',
    library: 'planning',
    why: "the planner's set-based statements insert a run's deliveries and re-decide capped ones (displace, defer)",
  },
  {
    table: 'clients',
    library: 'imports',
    why: 'the import upserts a batch of staged rows in one statement',
  },
  {
    table: 'category_history',
    library: 'classification',
    why: 'an automatic category change is recorded in the statement that makes it',
  },
  {
    table: 'stage_history',
    library: 'imports',
    why: "the import's upsert writes the first stage of the clients it creates in the same statement",
  },
  {
    table: 'clients',
    library: 'classification',
    why: 'classification stores purchase statistics, category and automatic stage, set-based over the base',
  },
  {
    table: 'stage_history',
    library: 'classification',
    why: 'an automatic stage change is recorded in the statement that makes it',
  },
  {
    table: 'clients',
    library: 'preferences',
    why: "a client's language and time zone change with the other preferences, in one statement",
  },
  {
    table: 'clients',
    library: 'demo',
    why: 'the sample company: contact facts the import files do not carry',
  },
  {
    table: 'workspace_settings',
    library: 'demo',
    why: 'marks a database as the demo’s (read before Nest starts, to allow a reset)',
  },
];
