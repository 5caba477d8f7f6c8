import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientDataExportHooks } from '@touchbase/clients';

/** The personal-data export's calls part: the calls planned for the client, with their outcomes and notes. */
@Injectable()
export class CallTasksDataExportHook implements OnModuleInit {
  constructor(private readonly hooks: ClientDataExportHooks) {}

  onModuleInit(): void {
    this.hooks.register('calls', async (manager, client) => ({
      callTasks: await manager.query(
        `SELECT * FROM call_tasks WHERE client_id = $1 ORDER BY created_at, id`,
        [client.id],
      ),
    }));
  }
}
