import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientDataExportHooks } from '@touchbase/clients';

/** The personal-data export's runs part: every delivery planned for the client: channel, status, reason, times. */
@Injectable()
export class DeliveriesDataExportHook implements OnModuleInit {
  constructor(private readonly hooks: ClientDataExportHooks) {}

  onModuleInit(): void {
    this.hooks.register('runs', async (manager, client) => ({
      deliveries: await manager.query(`SELECT * FROM deliveries WHERE client_id = $1 ORDER BY id`, [
        client.id,
      ]),
    }));
  }
}
