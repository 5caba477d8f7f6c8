import { MigrationInterface, QueryRunner } from 'typeorm';

/** Clients, purchases, stage history, topics, preferences, the consent log, segments, imports, settings. */
export class ClientBase1763900000000 implements MigrationInterface {
  name = 'ClientBase1763900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);

    await q.query(`
      CREATE TABLE workspace_settings (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES staff_members (id) ON DELETE SET NULL
      )`);

    await q.query(`
      CREATE TABLE clients (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        external_ref text,
        name text NOT NULL,
        kind text NOT NULL DEFAULT 'company' CHECK (kind IN ('company', 'person')),
        email text CHECK (email = lower(email)),
        phone text CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
        address_recipient text,
        address_lines text[] NOT NULL DEFAULT '{}',
        address_city text,
        address_region text,
        address_postal_code text,
        address_country text CHECK (address_country ~ '^[A-Z]{2}$'),
        locale text NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
        time_zone text,
        owner_id uuid REFERENCES staff_members (id) ON DELETE SET NULL,
        tags text[] NOT NULL DEFAULT '{}',
        computed_category text CHECK (computed_category IN ('A', 'B', 'C')),
        vip_flag boolean NOT NULL DEFAULT false,
        vip_by_rule boolean NOT NULL DEFAULT false,
        category_override text CHECK (category_override IN ('A', 'B', 'C', 'VIP')),
        category text GENERATED ALWAYS AS (
          COALESCE(category_override, CASE WHEN vip_flag OR vip_by_rule THEN 'VIP' END, computed_category)
        ) STORED,
        stage text NOT NULL DEFAULT 'potential'
          CHECK (stage IN ('potential', 'probable', 'prospect', 'client', 'key', 'lapsed')),
        stage_changed_at timestamptz NOT NULL DEFAULT now(),
        first_purchase_at timestamptz,
        last_purchase_at timestamptz,
        purchase_count integer NOT NULL DEFAULT 0,
        revenue_total numeric(16, 2) NOT NULL DEFAULT 0,
        revenue_window numeric(16, 2) NOT NULL DEFAULT 0,
        last_touch_at timestamptz,
        contact_verified_at timestamptz,
        contact_flags text[] NOT NULL DEFAULT '{}',
        archived_at timestamptz,
        erased_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX clients_external_ref_key ON clients (external_ref)`);
    await q.query(`CREATE INDEX clients_email_idx ON clients (email) WHERE email IS NOT NULL`);
    await q.query(`CREATE INDEX clients_phone_idx ON clients (phone) WHERE phone IS NOT NULL`);
    await q.query(`CREATE INDEX clients_owner_idx ON clients (owner_id)`);
    await q.query(`CREATE INDEX clients_tags_idx ON clients USING gin (tags)`);
    await q.query(`CREATE INDEX clients_name_trgm_idx ON clients USING gin (name gin_trgm_ops)`);
    await q.query(`CREATE INDEX clients_created_idx ON clients (created_at, id)`);

    await q.query(`
      CREATE TABLE purchases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        external_id text,
        client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
        purchased_at timestamptz NOT NULL,
        amount numeric(14, 2) NOT NULL,
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        product text,
        product_category text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX purchases_external_id_key ON purchases (external_id)`);
    await q.query(`CREATE INDEX purchases_client_date_idx ON purchases (client_id, purchased_at)`);
    await q.query(`CREATE INDEX purchases_date_idx ON purchases (purchased_at)`);

    await q.query(`
      CREATE TABLE stage_history (
        id bigserial PRIMARY KEY,
        client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
        from_stage text,
        to_stage text NOT NULL,
        cause text NOT NULL,
        actor_id uuid REFERENCES staff_members (id) ON DELETE SET NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX stage_history_client_idx ON stage_history (client_id, changed_at)`);
    await q.query(`CREATE INDEX stage_history_changed_idx ON stage_history (changed_at)`);

    await q.query(`
      CREATE TABLE topics (
        key text PRIMARY KEY CHECK (key ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        name_ru text NOT NULL,
        name_en text NOT NULL,
        description_ru text NOT NULL DEFAULT '',
        description_en text NOT NULL DEFAULT '',
        default_subscribed boolean NOT NULL DEFAULT true,
        system boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO topics (key, name_ru, name_en, description_ru, description_en, default_subscribed, system) VALUES
      ('news', 'Новости компании', 'Company news', 'Ежемесячная рассылка: что нового у нас и для вас.', 'The monthly newsletter: what is new with us and for you.', true, true),
      ('promotions', 'Акции и специальные предложения', 'Promotions and special offers', 'Скидки, распродажи и предложения для постоянных клиентов.', 'Discounts, sales and offers for regular clients.', true, true),
      ('price-changes', 'Изменения цен', 'Price changes', 'Заранее сообщим об изменении цен и условий.', 'Advance notice of price and terms changes.', true, true),
      ('new-products', 'Новые товары и услуги', 'New products and services', 'Новинки ассортимента, которые могут быть вам полезны.', 'New products and services that may be useful to you.', true, true),
      ('company-letters', 'Письма руководителя', 'Letters from our CEO', 'Раз в квартал — письмо от генерального директора.', 'Once a quarter, a letter from our chief executive.', true, true),
      ('greetings', 'Поздравления', 'Greetings', 'Поздравления с праздниками и памятными датами.', 'Holiday and anniversary greetings.', true, true),
      ('surveys', 'Опросы', 'Surveys', 'Короткие опросы о том, что нам улучшить.', 'Short surveys on what we should improve.', true, true),
      ('service', 'Служебные сообщения', 'Service messages', 'Подтверждение контактов и настроек. Не реклама.', 'Contact and preference confirmations. Never promotional.', true, true)`);

    await q.query(`
      CREATE TABLE client_preferences (
        client_id uuid PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
        opted_out boolean NOT NULL DEFAULT false,
        email_allowed boolean NOT NULL DEFAULT true,
        sms_allowed boolean NOT NULL DEFAULT true,
        call_allowed boolean NOT NULL DEFAULT true,
        letter_allowed boolean NOT NULL DEFAULT true,
        preferred_channel text CHECK (preferred_channel IN ('email', 'sms', 'call', 'letter')),
        frequency text NOT NULL DEFAULT 'unlimited'
          CHECK (frequency IN ('weekly', 'twice-monthly', 'monthly', 'quarterly', 'unlimited')),
        quiet_hours_start time,
        quiet_hours_end time,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((quiet_hours_start IS NULL) = (quiet_hours_end IS NULL))
      )`);

    // Every client has a preferences row from birth, with the workspace's defaults for new clients
    // at that moment (statement-level, so a bulk import stays one set-based insert).
    await q.query(`
      CREATE FUNCTION clients_default_preferences() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE d jsonb := COALESCE((SELECT value FROM workspace_settings WHERE key = 'preference-defaults'), '{}');
      BEGIN
        INSERT INTO client_preferences (client_id, email_allowed, sms_allowed, call_allowed, letter_allowed, frequency)
        SELECT n.id,
               COALESCE((d->>'emailAllowed')::boolean, true),
               COALESCE((d->>'smsAllowed')::boolean, true),
               COALESCE((d->>'callAllowed')::boolean, true),
               COALESCE((d->>'letterAllowed')::boolean, true),
               COALESCE(d->>'frequency', 'unlimited')
          FROM new_clients n
        ON CONFLICT (client_id) DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER clients_default_preferences AFTER INSERT ON clients
      REFERENCING NEW TABLE AS new_clients FOR EACH STATEMENT EXECUTE FUNCTION clients_default_preferences()`);

    await q.query(`
      CREATE TABLE client_topic_subscriptions (
        client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
        topic_key text NOT NULL REFERENCES topics (key) ON DELETE CASCADE ON UPDATE CASCADE,
        subscribed boolean NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (client_id, topic_key)
      )`);
    await q.query(
      `CREATE INDEX client_topic_subscriptions_topic_idx ON client_topic_subscriptions (topic_key, subscribed)`,
    );

    await q.query(`
      CREATE TABLE consent_log (
        id bigserial PRIMARY KEY,
        client_id uuid NOT NULL REFERENCES clients (id) ON DELETE RESTRICT,
        changed_at timestamptz NOT NULL DEFAULT now(),
        actor_type text NOT NULL CHECK (actor_type IN ('client', 'staff', 'system')),
        actor_id uuid,
        source text NOT NULL,
        item text NOT NULL,
        old_value jsonb,
        new_value jsonb,
        ip inet,
        user_agent text,
        wording_version text
      )`);
    await q.query(`CREATE INDEX consent_log_client_idx ON consent_log (client_id, changed_at, id)`);
    // The consent log is append-only. The one exception is erasure (GDPR), which may blank the
    // personal data in a row (ip, user agent, contact values) inside a transaction that says so.
    await q.query(`
      CREATE FUNCTION consent_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('touchbase.erasure', true) = 'on'
           AND NEW.id = OLD.id AND NEW.client_id = OLD.client_id AND NEW.changed_at = OLD.changed_at
           AND NEW.actor_type = OLD.actor_type AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
           AND NEW.source = OLD.source AND NEW.item = OLD.item
           AND NEW.wording_version IS NOT DISTINCT FROM OLD.wording_version
           AND NEW.ip IS NULL AND NEW.user_agent IS NULL THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'consent_log is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER consent_log_no_update_delete BEFORE UPDATE OR DELETE ON consent_log
      FOR EACH ROW EXECUTE FUNCTION consent_log_append_only()`);
    await q.query(`
      CREATE TRIGGER consent_log_no_truncate BEFORE TRUNCATE ON consent_log
      FOR EACH STATEMENT EXECUTE FUNCTION consent_log_append_only()`);

    await q.query(`
      CREATE TABLE segments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        rules jsonb NOT NULL,
        created_by uuid REFERENCES staff_members (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX segments_name_key ON segments (lower(name))`);

    await q.query(`
      CREATE TABLE imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('clients', 'purchases', 'preferences')),
        file_name text NOT NULL,
        format text NOT NULL CHECK (format IN ('csv', 'xlsx')),
        encoding text,
        delimiter text,
        mapping jsonb NOT NULL DEFAULT '{}',
        dry_run boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'completed', 'failed')),
        total integer NOT NULL DEFAULT 0,
        created integer NOT NULL DEFAULT 0,
        updated integer NOT NULL DEFAULT 0,
        unchanged integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        message text,
        created_by uuid REFERENCES staff_members (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE import_errors (
        id bigserial PRIMARY KEY,
        import_id uuid NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
        row_number integer NOT NULL,
        column_name text,
        message text NOT NULL,
        raw jsonb
      )`);
    await q.query(`CREATE INDEX import_errors_import_idx ON import_errors (import_id, row_number)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE import_errors`);
    await q.query(`DROP TABLE imports`);
    await q.query(`DROP TABLE segments`);
    await q.query(`DROP TABLE consent_log`);
    await q.query(`DROP FUNCTION consent_log_append_only()`);
    await q.query(`DROP TABLE client_topic_subscriptions`);
    await q.query(`DROP TRIGGER clients_default_preferences ON clients`);
    await q.query(`DROP FUNCTION clients_default_preferences()`);
    await q.query(`DROP TABLE client_preferences`);
    await q.query(`DROP TABLE topics`);
    await q.query(`DROP TABLE stage_history`);
    await q.query(`DROP TABLE purchases`);
    await q.query(`DROP TABLE clients`);
    await q.query(`DROP TABLE workspace_settings`);
  }
}
