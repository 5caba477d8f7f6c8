import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientDataExportHooks, ClientErasureHooks } from '@touchbase/clients';

/**
 * The portal's tables in the personal-data export (survey answers, the double opt-in requests of the
 * client or its address) and in erasure (a request keeps its time and wording, not the address, IP or
 * user agent).
 */
@Injectable()
export class PortalDataHooks implements OnModuleInit {
  constructor(
    private readonly exports: ClientDataExportHooks,
    private readonly erasure: ClientErasureHooks,
  ) {}

  onModuleInit(): void {
    this.exports.register('portal', async (manager, client) => ({
      surveyAnswers: await manager.query(
        `SELECT * FROM survey_answers WHERE client_id = $1 ORDER BY created_at`,
        [client.id],
      ),
      consentRequests: await manager.query(
        `SELECT * FROM consent_requests WHERE client_id = $1 OR (client_id IS NULL AND email = $2)
          ORDER BY requested_at, id`,
        [client.id, client.email],
      ),
    }));
    this.erasure.register('portal', async (manager, clientId) => {
      await manager.query(
        `UPDATE consent_requests SET email = '[erased]', name = NULL, form_ip = NULL, form_user_agent = NULL
          WHERE client_id = $1`,
        [clientId],
      );
    });
  }
}
