import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientErasureHooks } from '@touchbase/clients';

/** Erasing a client deletes the reports that came back about its emails (they hold its address). */
@Injectable()
export class InboundBouncesErasureHook implements OnModuleInit {
  constructor(private readonly hooks: ClientErasureHooks) {}

  onModuleInit(): void {
    this.hooks.register('inbound-bounces', async (manager, clientId) => {
      await manager.query(`DELETE FROM inbound_bounce_events WHERE client_id = $1`, [clientId]);
    });
  }
}
