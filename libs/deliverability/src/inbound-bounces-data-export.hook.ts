import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientDataExportHooks } from '@touchbase/clients';

/** The personal-data export's deliverability part: the bounces and complaints received about the client's messages. */
@Injectable()
export class InboundBouncesDataExportHook implements OnModuleInit {
  constructor(private readonly hooks: ClientDataExportHooks) {}

  onModuleInit(): void {
    this.hooks.register('deliverability', async (manager, client) => ({
      inboundBounceEvents: await manager.query(
        `SELECT * FROM inbound_bounce_events WHERE client_id = $1 ORDER BY id`,
        [client.id],
      ),
    }));
  }
}
