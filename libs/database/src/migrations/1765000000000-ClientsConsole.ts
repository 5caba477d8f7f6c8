import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's client list over a million clients: the first page, each filter's page and the free
 * text search answer from an index instead of sorting or scanning the base. And category changes get
 * a history of their own, beside stage_history.
 *
 * The search expression must stay the same as CLIENT_SEARCH_TEXT_SQL in libs/clients.
 */
export class ClientsConsole1765000000000 implements MigrationInterface {
  name = 'ClientsConsole1765000000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE category_history (
        id bigserial PRIMARY KEY,
        client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
        from_category text,
        to_category text,
        cause text NOT NULL,
        actor_id uuid REFERENCES staff_members (id) ON DELETE SET NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX category_history_client_idx ON category_history (client_id, changed_at)`);

    // The default order (name, id) of the active base, alone and after each equality filter.
    await q.query(`CREATE INDEX clients_active_name_idx ON clients (name, id) WHERE archived_at IS NULL`);
    await q.query(
      `CREATE INDEX clients_active_owner_name_idx ON clients (owner_id, name, id) WHERE archived_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX clients_active_category_name_idx ON clients (category, name, id) WHERE archived_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX clients_active_city_name_idx ON clients (lower(address_city), name, id) WHERE archived_at IS NULL`,
    );
    // Free text over name, email, phone and reference: one trigram index over the four together.
    await q.query(`
      CREATE INDEX clients_search_trgm_idx ON clients USING gin (
        (name || ' ' || COALESCE(email, '') || ' ' || COALESCE(phone, '') || ' ' || COALESCE(external_ref, ''))
        gin_trgm_ops)`);
    // The name alone no longer needs its own: the search index holds it.
    await q.query(`DROP INDEX clients_name_trgm_idx`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX clients_name_trgm_idx ON clients USING gin (name gin_trgm_ops)`);
    await q.query(`DROP INDEX clients_search_trgm_idx`);
    await q.query(`DROP INDEX clients_active_city_name_idx`);
    await q.query(`DROP INDEX clients_active_category_name_idx`);
    await q.query(`DROP INDEX clients_active_owner_name_idx`);
    await q.query(`DROP INDEX clients_active_name_idx`);
    await q.query(`DROP TABLE category_history`);
  }
}
