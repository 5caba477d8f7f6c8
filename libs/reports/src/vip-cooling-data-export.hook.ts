import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientDataExportHooks } from '@touchbase/clients';

/** The personal-data export's reports part: the client's VIP cooling episodes. */
@Injectable()
export class VipCoolingDataExportHook implements OnModuleInit {
  constructor(private readonly hooks: ClientDataExportHooks) {}

  onModuleInit(): void {
    this.hooks.register('reports', async (manager, client) => ({
      vipCoolingEpisodes: await manager.query(
        `SELECT * FROM vip_cooling_episodes WHERE client_id = $1 ORDER BY started_at, id`,
        [client.id],
      ),
    }));
  }
}
