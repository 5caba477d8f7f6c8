import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientErasureHooks } from '@touchbase/clients';

/** Erasing a client blanks what its purchases say about it (the amounts stay: reports add up). */
@Injectable()
export class PurchasesErasureHook implements OnModuleInit {
  constructor(private readonly hooks: ClientErasureHooks) {}

  onModuleInit(): void {
    this.hooks.register('purchases', async (manager, clientId) => {
      await manager.query(`UPDATE purchases SET product = NULL WHERE client_id = $1`, [clientId]);
    });
  }
}
