import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientDataExportHooks } from '@touchbase/clients';
import { Channel } from '@touchbase/core';

/** The personal-data export's letters part: the client's letters: its letter deliveries and the batch each was printed in. */
@Injectable()
export class LettersDataExportHook implements OnModuleInit {
  constructor(private readonly hooks: ClientDataExportHooks) {}

  onModuleInit(): void {
    this.hooks.register('letters', async (manager, client) => ({
      letters: await manager.query(
        `SELECT d.id AS delivery_id, d.status, d.reason, d.scheduled_at, d.sent_at, b.id AS batch_id, b.status AS batch_status
           FROM deliveries d LEFT JOIN letter_batches b ON b.run_id = d.run_id
          WHERE d.client_id = $1 AND d.channel = $2 ORDER BY d.id`,
        [client.id, Channel.Letter],
      ),
    }));
  }
}
