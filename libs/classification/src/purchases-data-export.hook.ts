import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientDataExportHooks } from '@touchbase/clients';

/** The personal-data export's classification part: the client's purchases. */
@Injectable()
export class PurchasesDataExportHook implements OnModuleInit {
  constructor(private readonly hooks: ClientDataExportHooks) {}

  onModuleInit(): void {
    this.hooks.register('classification', async (manager, client) => ({
      purchases: await manager.query(
        `SELECT * FROM purchases WHERE client_id = $1 ORDER BY purchased_at, id`,
        [client.id],
      ),
    }));
  }
}
