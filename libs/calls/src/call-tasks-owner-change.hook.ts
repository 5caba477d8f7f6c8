import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientOwnerChangeHooks } from '@touchbase/clients';
import { MOVE_OPEN_TASKS_OF_CLIENTS_SQL } from './call-tasks.sql';

/** Clients moved to another owner take their open call tasks along, in the moving transaction. */
@Injectable()
export class CallTasksOwnerChangeHook implements OnModuleInit {
  constructor(private readonly hooks: ClientOwnerChangeHooks) {}

  onModuleInit(): void {
    this.hooks.register('call-tasks', async (manager, clientIds, ownerId) => {
      await manager.query(MOVE_OPEN_TASKS_OF_CLIENTS_SQL, [clientIds, ownerId]);
    });
  }
}
