import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientDataExportHooks } from '@touchbase/clients';

/** The personal-data export's links part: the client's engagement (clicks, opens) and the short links of its deliveries with their clicks. */
@Injectable()
export class EngagementDataExportHook implements OnModuleInit {
  constructor(private readonly hooks: ClientDataExportHooks) {}

  onModuleInit(): void {
    this.hooks.register('links', async (manager, client) => ({
      engagement: await manager.query(`SELECT * FROM client_engagement WHERE client_id = $1`, [client.id]),
      links: await manager.query(
        `SELECT l.* FROM delivery_links l JOIN deliveries d ON d.id = l.delivery_id
          WHERE d.client_id = $1 ORDER BY l.delivery_id, l.key`,
        [client.id],
      ),
    }));
  }
}
