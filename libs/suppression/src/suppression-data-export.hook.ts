import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientDataExportHooks } from '@touchbase/clients';
import { Channel } from '@touchbase/core';

/** The personal-data export's suppression part: the suppression-list entries (active and removed) for the client's email address and phone number. */
@Injectable()
export class SuppressionDataExportHook implements OnModuleInit {
  constructor(private readonly hooks: ClientDataExportHooks) {}

  onModuleInit(): void {
    this.hooks.register('suppression', async (manager, client) => ({
      suppressions: await manager.query(
        `SELECT * FROM suppressions
          WHERE (channel = $1 AND address = $2) OR (channel IN ($3, $4) AND address = $5) ORDER BY id`,
        [Channel.Email, client.email, Channel.Sms, Channel.Call, client.phone],
      ),
    }));
  }
}
