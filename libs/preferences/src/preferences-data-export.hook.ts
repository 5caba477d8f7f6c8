import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientDataExportHooks } from '@touchbase/clients';

/** The personal-data export's preferences part: a client's preferences, topic subscriptions and whole consent log. */
@Injectable()
export class PreferencesDataExportHook implements OnModuleInit {
  constructor(private readonly hooks: ClientDataExportHooks) {}

  onModuleInit(): void {
    this.hooks.register('preferences', async (manager, client) => ({
      preferences: await manager.query(`SELECT * FROM client_preferences WHERE client_id = $1`, [client.id]),
      topicSubscriptions: await manager.query(
        `SELECT * FROM client_topic_subscriptions WHERE client_id = $1 ORDER BY topic_key`,
        [client.id],
      ),
      consentLog: await manager.query(`SELECT * FROM consent_log WHERE client_id = $1 ORDER BY id`, [
        client.id,
      ]),
    }));
  }
}
