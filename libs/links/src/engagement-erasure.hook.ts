import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientErasureHooks } from '@touchbase/clients';

/** Erasing a client forgets its engagement (when it clicked and opened). */
@Injectable()
export class EngagementErasureHook implements OnModuleInit {
  constructor(private readonly hooks: ClientErasureHooks) {}

  onModuleInit(): void {
    this.hooks.register('engagement', async (manager, clientId) => {
      await manager.query(`DELETE FROM client_engagement WHERE client_id = $1`, [clientId]);
    });
  }
}
